package qtt

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Summary counts the results of a run.
type Summary struct {
	Passed, Failed, Skipped int
	// Negative counts the negative tests that ran (not skipped); of these,
	// NegativePassed were rejected as expected, NegativeNotSupported of
	// them because of a feature not supported yet, and NegativeMessage
	// rejected with an error containing ksqlDB's expected message.
	Negative, NegativePassed, NegativeNotSupported, NegativeMessage int
	// SkipReasons counts skips by reason.
	SkipReasons map[string]int
	// FailReasons counts failures by their first line, with numbers and
	// quoted text blurred so that similar failures group together.
	FailReasons map[string]int
	// Files are the per-file summaries in run order.
	Files []FileSummary
}

// FileSummary counts the results of one file.
type FileSummary struct {
	Path                    string
	Passed, Failed, Skipped int
	// LoadError is set when the file could not be loaded (counted as one
	// failure).
	LoadError error
	Results   []Result
}

// Add counts one result.
func (s *Summary) Add(r Result) {
	switch r.Status {
	case Pass:
		s.Passed++
	case Fail:
		s.Failed++
		if s.FailReasons == nil {
			s.FailReasons = map[string]int{}
		}
		s.FailReasons[blur(r.Reason)]++
	case Skip:
		s.Skipped++
		if s.SkipReasons == nil {
			s.SkipReasons = map[string]int{}
		}
		s.SkipReasons[r.Reason]++
	}
	if r.Negative && r.Status != Skip {
		s.Negative++
		if r.Status == Pass {
			s.NegativePassed++
			if r.RejectedNotSupported {
				s.NegativeNotSupported++
			}
			if r.MessageMatched {
				s.NegativeMessage++
			}
		}
	}
}

var blurNumbers = regexp.MustCompile(`\d+`)
var blurQuoted = regexp.MustCompile("(`[^`]*`|'[^']*'|\"[^\"]*\")")

func blur(s string) string {
	s = blurQuoted.ReplaceAllString(s, "…")
	return blurNumbers.ReplaceAllString(s, "N")
}

// Line returns the final line of a report: "N passed, M failed, K skipped".
func (s *Summary) Line() string {
	return fmt.Sprintf("%d passed, %d failed, %d skipped", s.Passed, s.Failed, s.Skipped)
}

// Options configure RunPaths.
type Options struct {
	// Run selects variants whose full name matches (nil: all).
	Run *regexp.Regexp
	// Verbose reports every variant, skip reasons and failure causes.
	Verbose bool
	// Out receives the report (nil: nothing is written).
	Out io.Writer
	// Runner runs the variants (nil: a zero Runner).
	Runner *Runner
}

// CollectFiles expands paths: a file is taken as is, a directory gives every
// *.json file below it, in lexical order.
func CollectFiles(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(d.Name(), ".json") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

// RunPaths runs the QTT files found in paths and writes a report: a line per
// failing variant with its differences, a line per file, and finally the
// summary line "N passed, M failed, K skipped".
func RunPaths(ctx context.Context, paths []string, opts Options) (*Summary, error) {
	files, err := CollectFiles(paths)
	if err != nil {
		return nil, err
	}
	out := opts.Out
	if out == nil {
		out = io.Discard
	}
	runner := opts.Runner
	if runner == nil {
		runner = &Runner{}
	}
	sum := &Summary{}
	for _, path := range files {
		fsum := FileSummary{Path: path}
		f, err := Load(path)
		if err != nil {
			fsum.LoadError = err
			fsum.Failed++
			sum.Failed++
			fmt.Fprintf(out, "FAIL %s: %v\n", path, err)
			sum.Files = append(sum.Files, fsum)
			continue
		}
		ran := 0
		for _, v := range Expand(f) {
			if opts.Run != nil && !opts.Run.MatchString(v.Name) {
				continue
			}
			ran++
			res := runner.Run(ctx, v)
			sum.Add(res)
			fsum.Results = append(fsum.Results, res)
			switch res.Status {
			case Pass:
				fsum.Passed++
			case Fail:
				fsum.Failed++
			case Skip:
				fsum.Skipped++
			}
			writeResult(out, res, opts.Verbose)
		}
		if ran == 0 && opts.Run != nil {
			continue
		}
		status := "ok  "
		if fsum.Failed > 0 {
			status = "FAIL"
		}
		fmt.Fprintf(out, "%s %s: %d passed, %d failed, %d skipped\n", status, path, fsum.Passed, fsum.Failed, fsum.Skipped)
		sum.Files = append(sum.Files, fsum)
	}
	if opts.Verbose {
		writeReasons(out, "skipped", sum.SkipReasons)
		writeReasons(out, "failed", sum.FailReasons)
	}
	if sum.Negative > 0 {
		fmt.Fprintf(out, "negative tests: %d of %d rejected as expected (%d of them as not supported yet); ksqlDB's message in %d\n",
			sum.NegativePassed, sum.Negative, sum.NegativeNotSupported, sum.NegativeMessage)
	}
	fmt.Fprintln(out, sum.Line())
	return sum, nil
}

func writeResult(out io.Writer, r Result, verbose bool) {
	d := r.Duration.Round(time.Millisecond)
	switch {
	case r.Status == Fail:
		fmt.Fprintf(out, "--- FAIL: %s (%v)\n    %s\n", r.Variant.Name, d, r.Reason)
		for _, line := range r.Details {
			fmt.Fprintf(out, "    %s\n", line)
		}
	case verbose && r.Status == Skip:
		fmt.Fprintf(out, "--- SKIP: %s: %s\n", r.Variant.Name, r.Reason)
	case verbose:
		extra := ""
		if r.Negative {
			extra = ": " + r.Reason
			if !r.MessageMatched && r.Variant.Test.ExpectedException.Message != "" {
				extra += fmt.Sprintf(" (ksqlDB says %q)", r.Variant.Test.ExpectedException.Message)
			}
		}
		fmt.Fprintf(out, "--- PASS: %s (%v)%s\n", r.Variant.Name, d, extra)
	}
}

func writeReasons(out io.Writer, what string, reasons map[string]int) {
	if len(reasons) == 0 {
		return
	}
	keys := sortedKeys(reasons)
	sort.SliceStable(keys, func(i, j int) bool { return reasons[keys[i]] > reasons[keys[j]] })
	fmt.Fprintf(out, "%s, by reason:\n", what)
	for _, k := range keys {
		fmt.Fprintf(out, "  %4d  %s\n", reasons[k], k)
	}
}
