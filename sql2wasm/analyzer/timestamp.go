package analyzer

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
)

// timestampColumns are the BIGINT pseudo-columns that ksqlDB compares with
// a STRING literal by reading the string as a timestamp
// (StatementRewriteForMagicPseudoTimestamp): WHERE ROWTIME > '2018-01-01'.
var timestampColumns = map[string]bool{"ROWTIME": true, "WINDOWSTART": true, "WINDOWEND": true}

// partialTimestamp matches ksqlDB's partial ISO-8601 timestamps: a year,
// optionally followed by month, day, hour, minute, second, milliseconds,
// and a zone (Z, +HHMM, +HH:MM).
var partialTimestamp = regexp.MustCompile(`^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?)?)?)?(Z|[+-]\d{2}:?\d{2})?$`)

// isTimestampColumn reports whether e is a reference to ROWTIME,
// WINDOWSTART or WINDOWEND.
func isTimestampColumn(e ast.Expr) bool {
	ref, ok := unparen(e).(*ast.ColumnRef)
	return ok && timestampColumns[ref.Name.Name]
}

// magicTimestamp converts a STRING constant compared with a timestamp
// pseudo-column into its epoch milliseconds; ok is false when the
// comparison is not of that shape.
func magicTimestamp(col ast.Expr, colPlan, lit plan.Expr) (plan.Expr, *Error, bool) {
	k, isConst := lit.(*plan.Const)
	if !isTimestampColumn(col) || colPlan.Type() != sdk.TypeBigInt || !isConst || k.V.Null || k.V.Type != sdk.TypeString {
		return nil, nil, false
	}
	ms, err := parsePartialTimestamp(k.V.S)
	if err != nil {
		return nil, errorf(k.At, "Failed to parse timestamp '%s': %v", k.V.S, err), true
	}
	return &plan.Const{At: k.At, V: sdk.BigInt(ms)}, nil, true
}

// parsePartialTimestamp reads a partial ISO-8601 timestamp as UTC unless
// it names a zone; missing fields are their minimum (2018 is 2018-01-01
// 00:00:00.000).
func parsePartialTimestamp(s string) (int64, error) {
	m := partialTimestamp.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("it is not yyyy[-MM[-dd[THH[:mm[:ss[.SSS]]]]]][zone]")
	}
	field := func(i, def int) int {
		if m[i] == "" {
			return def
		}
		n, _ := strconv.Atoi(m[i])
		return n
	}
	ms := 0
	if m[7] != "" {
		frac := m[7]
		for len(frac) < 3 {
			frac += "0"
		}
		ms, _ = strconv.Atoi(frac)
	}
	mon, day, h, mi, sec := field(2, 1), field(3, 1), field(4, 0), field(5, 0), field(6, 0)
	if mon < 1 || mon > 12 || day < 1 || day > 31 || h > 23 || mi > 59 || sec > 59 {
		return 0, fmt.Errorf("a field is out of range")
	}
	loc := time.UTC
	if z := m[8]; z != "" && z != "Z" {
		sign := 1
		if z[0] == '-' {
			sign = -1
		}
		digits := z[1:]
		if len(digits) == 5 {
			digits = digits[:2] + digits[3:]
		}
		zh, _ := strconv.Atoi(digits[:2])
		zm, _ := strconv.Atoi(digits[2:])
		loc = time.FixedZone(z, sign*(zh*3600+zm*60))
	}
	t := time.Date(field(1, 0), time.Month(mon), day, h, mi, sec, ms*int(time.Millisecond), loc)
	if t.Day() != day {
		return 0, fmt.Errorf("day %d does not exist in that month", day)
	}
	return t.UnixMilli(), nil
}
