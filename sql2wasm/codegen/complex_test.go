package codegen

import (
	"context"
	"encoding/binary"
	"math"
	"strconv"
	"testing"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/plan"
)

// Test implementations of the complex-value intrinsics, from their
// documentation in sdk.Intrinsics.
func init() {
	nth := func(b []byte, want byte, n int) (int, int) {
		tag, count, i, ok := sdk.CxCount(b)
		if !ok || tag != want || n < 0 || n >= count {
			return 0, 0
		}
		for ; n > 0; n-- {
			i = sdk.CxSkip(b, i)
		}
		return i, sdk.CxSkip(b, i)
	}
	testIntrinsics[sdk.IntrCxField] = func(_ context.Context, m api.Module, s []uint64) {
		b := []byte(readStr(m, s[0], s[1]))
		i, j := nth(b, sdk.CxStruct, int(int32(s[2])))
		s[0] = slice(uint64(uint32(s[0])), i, j)
	}
	testIntrinsics[sdk.IntrCxIndex] = func(_ context.Context, m api.Module, s []uint64) {
		b := []byte(readStr(m, s[0], s[1]))
		idx := int(int32(s[2]))
		_, count, _, _ := sdk.CxCount(b)
		n := idx - 1
		if idx < 0 {
			n = count + idx
		}
		i, j := nth(b, sdk.CxArray, n)
		s[0] = slice(uint64(uint32(s[0])), i, j)
	}
	testIntrinsics[sdk.IntrCxLookup] = func(_ context.Context, m api.Module, s []uint64) {
		b := []byte(readStr(m, s[0], s[1]))
		key := readStr(m, s[2], s[3])
		_, count, i, _ := sdk.CxCount(b)
		ptr := uint64(uint32(s[0]))
		s[0] = 0
		for ; count > 0; count-- {
			k := sdk.CxSkip(b, i)
			v := sdk.CxSkip(b, k)
			if ks, ok := sdk.CxStr(b[i:k]); ok && string(ks) == key {
				s[0] = slice(ptr, k, v)
				return
			}
			i = v
		}
	}
	testIntrinsics[sdk.IntrCxBuild] = func(_ context.Context, m api.Module, s []uint64) {
		base, tag, n := uint32(s[0]), byte(s[1]), int(uint32(s[2]))
		recs := []byte(readStr(m, s[3], uint64(16*n)))
		count := n
		if tag == sdk.CxMap {
			count /= 2
		}
		out := sdk.CxAppendHeader(nil, tag, count)
		for k := 0; k < n; k++ {
			v := binary.LittleEndian.Uint64(recs[16*k:])
			switch kind := recs[16*k+8]; kind {
			case sdk.CxInt:
				out = sdk.CxAppendInt(out, int64(v))
			case sdk.CxDouble:
				out = sdk.CxAppendDouble(out, math.Float64frombits(v))
			case sdk.CxString:
				out = sdk.CxAppendString(out, readStr(m, v&0xffffffff, v>>32))
			case sdk.CxArray, sdk.CxMap, sdk.CxStruct:
				out = append(out, readStr(m, v&0xffffffff, v>>32)...)
			default:
				out = append(out, kind)
			}
		}
		s[0] = heapStr(m, base, string(out))
	}
	// A JSON writer for the elements these tests use: integers, plain
	// strings, NULL and arrays of them.
	var toJSON func(b []byte) (string, int)
	toJSON = func(b []byte) (string, int) {
		end := sdk.CxSkip(b, 0)
		switch b[0] {
		case sdk.CxNull:
			return "null", end
		case sdk.CxInt:
			v, _ := sdk.CxInt64(b)
			return strconv.FormatInt(v, 10), end
		case sdk.CxString:
			str, _ := sdk.CxStr(b)
			return `"` + string(str) + `"`, end
		case sdk.CxArray:
			_, n, j, _ := sdk.CxCount(b)
			out := "["
			for k := 0; k < n; k++ {
				if k > 0 {
					out += ","
				}
				t, m := toJSON(b[j:])
				out, j = out+t, j+m
			}
			return out + "]", end
		}
		panic("test cx_json: element not implemented")
	}
	testIntrinsics[sdk.IntrCxJSON] = func(_ context.Context, m api.Module, s []uint64) {
		text, _ := toJSON([]byte(readStr(m, s[1], s[2])))
		s[0] = heapStr(m, uint32(s[0]), text)
	}
	// ARRAY_CONCAT only (the other operations are tested with the
	// runtime's implementation).
	testIntrinsics[sdk.IntrCxArrayFn] = func(_ context.Context, m api.Module, s []uint64) {
		if s[1] != sdk.CxFnConcat {
			panic("test cx_array_fn: only CONCAT is implemented")
		}
		var body []byte
		total := 0
		for _, i := range []int{2, 4} {
			if s[i+1] == 0 {
				continue
			}
			b := []byte(readStr(m, s[i], s[i+1]))
			_, n, first, _ := sdk.CxCount(b)
			total += n
			body = append(body, b[first:]...)
		}
		s[0] = heapStr(m, uint32(s[0]), string(append(sdk.CxAppendHeader(nil, sdk.CxArray, total), body...)))
	}
	// CAST of complex values is tested with the runtime's implementation
	// (engine/qtt); here only the identity is needed.
	testIntrinsics[sdk.IntrCxCast] = func(_ context.Context, m api.Module, s []uint64) {
		if readStr(m, s[3], s[4]) != readStr(m, s[5], s[6]) {
			panic("test cx_cast: only casts to the same type are implemented")
		}
		s[0] = s[1] | s[2]<<32
	}
}

// cxT is STRUCT<A INT, L ARRAY<STRING>, M MAP<STRING, DOUBLE>>.
var cxT = sdk.StructOf(
	sdk.Field{Name: "A", Type: sdk.Scalar(sdk.TypeInt)},
	sdk.Field{Name: "L", Type: sdk.ArrayOf(sdk.Scalar(sdk.TypeString))},
	sdk.Field{Name: "M", Type: sdk.MapOf(sdk.Scalar(sdk.TypeString), sdk.Scalar(sdk.TypeDouble))},
)

// cxRow encodes {A: a, L: l, M: {"k": 1.5}}; a nil l is NULL.
func cxRow(a int64, l ...string) sdk.Value {
	v := sdk.CxAppendHeader(nil, sdk.CxStruct, 3)
	v = sdk.CxAppendInt(v, a)
	v = sdk.CxAppendHeader(v, sdk.CxArray, len(l))
	for _, s := range l {
		if s == "" {
			v = append(v, sdk.CxNull)
		} else {
			v = sdk.CxAppendString(v, s)
		}
	}
	v = sdk.CxAppendHeader(v, sdk.CxMap, 1)
	v = sdk.CxAppendString(v, "k")
	v = sdk.CxAppendDouble(v, 1.5)
	return sdk.Value{Type: sdk.TypeStruct, S: string(v)}
}

func TestComplexExpressions(t *testing.T) {
	s := &plan.Col{Index: 0, T: sdk.TypeStruct, D: cxT}
	field := func(i int) *plan.Element {
		return &plan.Element{X: s, Kind: plan.ElemField, Field: i, D: cxT.Fields[i].Type}
	}
	elem := func(i plan.Expr) *plan.Element {
		return &plan.Element{X: field(1), Kind: plan.ElemIndex, Index: i, D: sdk.Scalar(sdk.TypeString)}
	}
	key := func(k string) *plan.Element {
		return &plan.Element{X: field(2), Kind: plan.ElemKey, Index: cStr(k), D: sdk.Scalar(sdk.TypeDouble)}
	}
	arrT := sdk.ArrayOf(sdk.Scalar(sdk.TypeString))
	cons := &plan.Construct{Args: []plan.Expr{cStr("x"), cNull(tS), cStr("z")}, D: arrT}
	ints := &plan.Construct{Args: []plan.Expr{field(0), cNull(tI), cInt(3)}, D: sdk.ArrayOf(sdk.Scalar(sdk.TypeInt))}
	want := sdk.CxAppendInt(append(sdk.CxAppendInt(sdk.CxAppendHeader(nil, sdk.CxArray, 3), 7), sdk.CxNull), 3)
	in := []sdk.Type{sdk.TypeStruct}
	rows := rowsOf(cxRow(7, "x", "", "z"), cxRow(-1), sdk.Null(sdk.TypeStruct))
	runComplexCases(t, []exprCase{
		{"field", in, rows, field(0), wants(vI(7), vI(-1), vNullI)},
		{"last element", in, rows, elem(cInt(-1)), wants(vS("z"), vNullS, vNullS)},
		{"NULL element", in, rows, elem(cInt(2)), wants(vNullS, vNullS, vNullS)},
		{"out of range", in, rows, elem(cInt(4)), wants(vNullS, vNullS, vNullS)},
		{"map key", in, rows, key("k"), wants(vD(1.5), vD(1.5), vNullD)},
		{"missing key", in, rows, key("q"), wants(vNullD, vNullD, vNullD)},
		{"equality by encoding", in, rows, bin(plan.OpEq, field(1), cons), wants(vB(true), vB(false), vB(false))},
		{"to json, scalar", in, rows, &plan.ToJSON{X: field(0)}, wants(vS("7"), vS("-1"), vS("null"))},
		{"to json, array", in, rows, &plan.ToJSON{X: field(1)}, wants(vS(`["x",null,"z"]`), vS("[]"), vS("null"))},
		{"concat", in, rows, &plan.ArrayFn{Fn: sdk.CxFnConcat, Args: []plan.Expr{field(1), cons}, D: arrT}, wants(
			sdk.Value{Type: sdk.TypeArray, S: string(sdk.CxAppendString(append(sdk.CxAppendString(sdk.CxAppendString(append(sdk.CxAppendString(sdk.CxAppendHeader(nil, sdk.CxArray, 6), "x"), sdk.CxNull), "z"), "x"), sdk.CxNull), "z"))},
			sdk.Value{Type: sdk.TypeArray, S: string(sdk.CxAppendString(append(sdk.CxAppendString(sdk.CxAppendHeader(nil, sdk.CxArray, 3), "x"), sdk.CxNull), "z"))},
			sdk.Value{Type: sdk.TypeArray, S: string(sdk.CxAppendString(append(sdk.CxAppendString(sdk.CxAppendHeader(nil, sdk.CxArray, 3), "x"), sdk.CxNull), "z"))},
		)},
		{"constructor", in, rows, ints, wants(
			sdk.Value{Type: sdk.TypeArray, S: string(want)},
			sdk.Value{Type: sdk.TypeArray, S: string(sdk.CxAppendInt(append(sdk.CxAppendInt(sdk.CxAppendHeader(nil, sdk.CxArray, 3), -1), sdk.CxNull), 3))},
			sdk.Value{Type: sdk.TypeArray, S: string(sdk.CxAppendInt(append(append(sdk.CxAppendHeader(nil, sdk.CxArray, 3), sdk.CxNull), sdk.CxNull), 3))},
		)},
	})
}

// runComplexCases is runExprCases with the descriptor of the complex
// input column.
func runComplexCases(t *testing.T, cases []exprCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := cols(tc.inputs...)
			in[0].Desc = cxT
			for eng, rr := range evalRows(t, in, tc.rows, nil, tc.expr) {
				for r, w := range tc.want {
					want := w.(sdk.Value)
					if rr[r].sel != sdk.SelEmit || !sameValue(rr[r].out[0], want) {
						t.Errorf("%s: row %d: sel %d, got %#v, want %#v", eng, r, rr[r].sel, rr[r].out[0], want)
					}
				}
			}
		})
	}
}
