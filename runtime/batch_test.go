package runtime

import (
	"errors"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

func TestBatchCopy(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			rt := newRuntime(t, NewConfig().WithInterpreter(e.interpreter))
			in := mustInstance(t, rt, buildModule(t, modSpec{}))
			b := in.Batch(0)
			if b != in.BatchByExport("stage_copy") || in.NumStages() != 1 {
				t.Fatalf("BatchByExport or NumStages disagree with Batch(0)")
			}
			words := []string{"zero", "", "two", "drei", "quatre"}
			for round := 0; round < 3; round++ { // batches reuse the region
				b.Reset()
				for row, w := range words {
					if row == 1 {
						b.SetNull(0, row)
					} else {
						b.SetInt64(0, row, int64(row*10+round))
					}
					if !b.SetString(1, row, []byte(w)) {
						t.Fatalf("SetString(%q) found the area full", w)
					}
				}
				st, err := b.Run(len(words), 100)
				if err != nil || st != sdk.StatusOK {
					t.Fatalf("Run = %v, %v", st, err)
				}
				for row, w := range words {
					if b.Sel(row) != sdk.SelEmit {
						t.Errorf("row %d: sel %d", row, b.Sel(row))
					}
					if row == 1 {
						if !b.OutNull(0, row) {
							t.Errorf("row 1: A1 not NULL")
						}
					} else if got, want := b.OutInt64(0, row), int64(row*10+round+1); got != want || b.OutNull(0, row) {
						t.Errorf("row %d: A1 = %d (null %v), want %d", row, got, b.OutNull(0, row), want)
					}
					s, err := b.OutString(1, row)
					if err != nil || string(s) != w {
						t.Errorf("row %d: S1 = %q, %v; want %q", row, s, err, w)
					}
					v, err := b.OutValue(1, row)
					if err != nil || !v.Equal(sdk.Str(w)) {
						t.Errorf("row %d: OutValue(S1) = %#v, %v", row, v, err)
					}
				}
			}
		})
	}
}

func TestBatchValues(t *testing.T) {
	rt := newRuntime(t, NewConfig())
	in := mustInstance(t, rt, buildModule(t, modSpec{}))
	b := in.Batch(0)
	b.Reset()
	rows := []struct{ a, s sdk.Value }{
		{sdk.BigInt(-5), sdk.Str("x")},
		{sdk.Null(sdk.TypeBigInt), sdk.Null(sdk.TypeString)},
		{sdk.BigInt(1 << 40), sdk.Str("héllo")},
	}
	for row, r := range rows {
		if !b.SetValue(0, row, r.a) || !b.SetValue(1, row, r.s) {
			t.Fatalf("SetValue row %d: area full", row)
		}
	}
	if _, err := b.Run(len(rows), 0); err != nil {
		t.Fatal(err)
	}
	for row, r := range rows {
		a, err := b.OutValue(0, row)
		want := r.a
		if !want.Null {
			want.I++
		}
		if err != nil || !a.Equal(want) {
			t.Errorf("row %d: A1 = %#v, %v; want %#v", row, a, err, want)
		}
		s, err := b.OutValue(1, row)
		if err != nil || !s.Equal(r.s) {
			t.Errorf("row %d: S1 = %#v, %v; want %#v", row, s, err, r.s)
		}
	}
}

func TestSetStringFull(t *testing.T) {
	rt := newRuntime(t, NewConfig())
	in := mustInstance(t, rt, buildModule(t, modSpec{}))
	b := in.Batch(0)
	b.Reset()
	big := make([]byte, 3000)
	if !b.SetString(1, 0, big) {
		t.Fatalf("first 3000 bytes did not fit in 4096")
	}
	free := b.InDataFree()
	if free != 4096-3000 {
		t.Fatalf("InDataFree = %d, want %d", free, 4096-3000)
	}
	if b.SetString(1, 1, big) {
		t.Fatalf("second 3000 bytes fit in %d", free)
	}
	if b.InDataFree() != free {
		t.Fatalf("a refused SetString changed the free space")
	}
	b.Reset()
	if !b.SetString(1, 1, big) {
		t.Fatalf("after Reset the string does not fit")
	}
}

func TestRunRowsOutOfRange(t *testing.T) {
	rt := newRuntime(t, NewConfig())
	in := mustInstance(t, rt, buildModule(t, modSpec{}))
	b := in.Batch(0)
	for _, rows := range []int{-1, b.Capacity() + 1} {
		if _, err := b.Run(rows, 0); err == nil {
			t.Errorf("Run(%d) succeeded with capacity %d", rows, b.Capacity())
		}
	}
	if in.Err() != nil {
		t.Errorf("a refused Run broke the instance: %v", in.Err())
	}
}

func TestOutStringBadPointer(t *testing.T) {
	rt := newRuntime(t, NewConfig())
	in := mustInstance(t, rt, buildModule(t, modSpec{}))
	b := in.Batch(0)
	b.Reset()
	// The copy stage passes the input slot through: a slot with a range
	// outside memory, as a hostile module could write, must be an error.
	b.SetInt64(1, 0, int64(0xfffffff0)|int64(100)<<32)
	b.SetInt64(0, 0, 0)
	if _, err := b.Run(1, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := b.OutString(1, 0); !errors.Is(err, ErrGuestPointer) {
		t.Fatalf("OutString of a bad slot: %v, want ErrGuestPointer", err)
	}
	if _, err := b.OutValue(1, 0); !errors.Is(err, ErrGuestPointer) {
		t.Fatalf("OutValue of a bad slot: %v, want ErrGuestPointer", err)
	}
}

func TestHeapFull(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			rt := newRuntime(t, NewConfig().WithInterpreter(e.interpreter))
			upper, _ := sdk.LookupIntrinsic(sdk.IntrUpper)
			in := mustInstance(t, rt, buildModule(t, modSpec{stages: []stageSpec{upperStage("stage_upper")}, imports: []sdk.Intrinsic{upper}}))
			b := in.Batch(0)
			// ΐ (2 bytes) upper-cases to three characters (6 bytes), so the
			// output outgrows the input: 300 of them are 600 bytes in, 1800 out.
			word := []byte(strings.Repeat("ΐ", 300))
			want := strings.Repeat("\u0399\u0308\u0301", 300)
			for round := 0; round < 2; round++ { // the heap is reset by every Run
				b.Reset()
				for row := 0; row < 3; row++ {
					if !b.SetString(0, row, word) {
						t.Fatalf("row %d does not fit", row)
					}
				}
				// Two outputs (3600 bytes) fit in the 4096-byte heap, the third not.
				st, err := b.Run(3, 0)
				if err != nil || st != sdk.StatusHeapFull {
					t.Fatalf("Run(3) = %v, %v; want heap full", st, err)
				}
				if got := b.StatusRow(); got != 2 {
					t.Fatalf("StatusRow = %d, want 2", got)
				}
				for row := 0; row < 2; row++ {
					if s, err := b.OutString(0, row); err != nil || string(s) != want {
						t.Fatalf("row %d: %d bytes, %v", row, len(s), err)
					}
				}
				// The host runs the rest again in a smaller batch.
				b.Reset()
				b.SetString(0, 0, word)
				if st, err := b.Run(1, 2); err != nil || st != sdk.StatusOK {
					t.Fatalf("Run(1) = %v, %v; want ok", st, err)
				}
				if s, err := b.OutString(0, 0); err != nil || string(s) != want {
					t.Fatalf("rerun: %d bytes, %v", len(s), err)
				}
			}
		})
	}
}
