package runtime

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

// fuzzSeeds are valid modules of several shapes; the fuzzer mutates them.
func fuzzSeeds(t testing.TB) map[string][]byte {
	upper, _ := sdk.LookupIntrinsic(sdk.IntrUpper)
	return map[string][]byte{
		"copy":       buildModule(t, modSpec{}),
		"upper":      buildModule(t, modSpec{stages: []stageSpec{upperStage("stage_upper")}, imports: []sdk.Intrinsic{upper}}),
		"intrinsics": buildModule(t, modSpec{imports: sdk.Intrinsics, extra: forwarders}),
		"two_stages": buildModule(t, modSpec{stages: []stageSpec{copyStage("a"), spinStage("b")}}),
	}
}

// FuzzLoad: no input makes Load (or Instantiate of what Load accepts)
// panic, and every refusal wraps ErrInvalidModule. Stages are not run: a
// mutated module may loop forever.
func FuzzLoad(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	rt := newRuntime(f, NewConfig().WithMemoryLimitPages(64))
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ReadManifest(b)
		m, err := rt.Load(ctx, b)
		if err != nil {
			if !errors.Is(err, ErrInvalidModule) {
				t.Fatalf("refusal does not wrap ErrInvalidModule: %v", err)
			}
			return
		}
		if in, err := m.Instantiate(ctx); err == nil {
			_ = in.Close(ctx)
		}
		_ = m.Close(ctx)
	})
}

// TestLoadMutations runs a fixed set of random byte mutations of valid
// modules through Load, so that plain go test exercises what FuzzLoad does.
func TestLoadMutations(t *testing.T) {
	rt := newRuntime(t, NewConfig().WithMemoryLimitPages(64))
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	accepted := 0
	seeds := fuzzSeeds(t)
	for _, name := range slices.Sorted(maps.Keys(seeds)) { // sorted: the same mutations every run
		seed := seeds[name]
		for i := 0; i < 250; i++ {
			b := append([]byte{}, seed...)
			for k := 1 + rng.IntN(3); k > 0; k-- {
				b[rng.IntN(len(b))] = byte(rng.Uint32())
			}
			m, err := rt.Load(ctx, b)
			if err != nil {
				if !errors.Is(err, ErrInvalidModule) {
					t.Fatalf("%s mutation %d: refusal does not wrap ErrInvalidModule: %v", name, i, err)
				}
				continue
			}
			accepted++
			if in, err := m.Instantiate(ctx); err == nil {
				_ = in.Close(ctx)
			}
			_ = m.Close(ctx)
		}
	}
	t.Logf("%d of 1000 mutations accepted", accepted)
}

// TestWriteFuzzCorpus regenerates the committed seed corpus of FuzzLoad
// when WASMSTREAM_WRITE_CORPUS=1 (after a change of the test modules).
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("WASMSTREAM_WRITE_CORPUS") != "1" {
		t.Skip("set WASMSTREAM_WRITE_CORPUS=1 to rewrite testdata/fuzz/FuzzLoad")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzLoad")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	seeds := fuzzSeeds(t)
	// Some refused shapes too, so the fuzzer starts near the checks.
	seeds["wasi_import"] = buildModule(t, modSpec{rawImps: []rawImport{{"wasi_snapshot_preview1", "fd_write", nil, nil}}})
	seeds["growable_memory"] = buildModule(t, modSpec{memMax: 8})
	seeds["no_manifest"] = buildModule(t, modSpec{noMan: true})
	for name, b := range seeds {
		content := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
