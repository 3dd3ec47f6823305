package analyzer

import (
	"strings"
	"testing"
)

func TestParsePartialTimestamp(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  bool
	}{
		{"2018", 1514764800000, false},
		{"2018-01-01T00:00:00.001", 1514764800001, false},
		{"2020-02-10T08:31:44.001+0000", 1581323504001, false},
		{"2020-02-10T09:31:44.001+01:00", 1581323504001, false},
		{"2020-02-10T08:31:44.5Z", 1581323504500, false},
		{"2019-02", 1548979200000, false},
		{"2019-02-30", 0, true},
		{"2019-13", 0, true},
		{"yesterday", 0, true},
		{"", 0, true},
	}
	for _, tc := range tests {
		got, err := parsePartialTimestamp(tc.in)
		if (err != nil) != tc.err || (!tc.err && got != tc.want) {
			t.Errorf("parsePartialTimestamp(%q) = %d, %v; want %d (error %v)", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// TestMagicTimestamp checks that a STRING compared with ROWTIME,
// WINDOWSTART or WINDOWEND becomes its epoch milliseconds, and only there.
func TestMagicTimestamp(t *testing.T) {
	const src = "CREATE STREAM S (K STRING KEY, V STRING) WITH (kafka_topic='s', value_format='JSON');\n"
	tests := []struct{ where, filter, err string }{
		{"ROWTIME > '2018'", "filter ($2 > 1514764800000L)", ""},
		{"'2018' <= ROWTIME", "filter (1514764800000L <= $2)", ""},
		{"ROWTIME BETWEEN '2018' AND '2019'", "filter (($2 >= 1514764800000L) AND ($2 <= 1546300800000L))", ""},
		{"V > '2018'", "filter ($1 > '2018')", ""},
		{"ROWTIME > 'soon'", "", "Failed to parse timestamp 'soon'"},
	}
	for _, tc := range tests {
		res, _, err := runScript(t, nil, src+"CREATE STREAM O AS SELECT K, V FROM S WHERE "+tc.where+";")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.where, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.where, err)
			continue
		}
		plan := FormatPlan(res.Query)
		if !strings.Contains(plan, tc.filter) {
			t.Errorf("%s: plan\n%s\nwant %s", tc.where, plan, tc.filter)
		}
	}
}
