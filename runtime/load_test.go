package runtime

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/runtime/internal/wasmbin"
	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/wasm"
)

func TestLoadValid(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			rt := newRuntime(t, NewConfig().WithInterpreter(e.interpreter))
			all := modSpec{imports: sdk.Intrinsics, stages: []stageSpec{copyStage("a"), copyStage("b")}}
			m, err := rt.Load(context.Background(), buildModule(t, all))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if m.QueryID() != testQueryID || len(m.Manifest().Stages) != 2 {
				t.Fatalf("manifest: %q, %d stages", m.QueryID(), len(m.Manifest().Stages))
			}
			// Several instances of one module are independent.
			ctx := context.Background()
			i1, err := m.Instantiate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			i2, err := m.Instantiate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for k, in := range []*Instance{i1, i2} {
				b := in.Batch(1)
				b.Reset()
				b.SetInt64(0, 0, int64(k))
				b.SetString(1, 0, nil)
				if _, err := b.Run(1, 0); err != nil {
					t.Fatal(err)
				}
			}
			if i1.Batch(1).OutInt64(0, 0) != 1 || i2.Batch(1).OutInt64(0, 0) != 2 {
				t.Fatalf("instances share memory: %d, %d", i1.Batch(1).OutInt64(0, 0), i2.Batch(1).OutInt64(0, 0))
			}
			_ = i1.Close(ctx)
			if _, err := i1.Batch(0).Run(0, 0); !errors.Is(err, ErrBroken) {
				t.Fatalf("Run after Close: %v, want ErrBroken", err)
			}
			_ = i2.Close(ctx)
		})
	}
}

func TestReadManifest(t *testing.T) {
	man, err := ReadManifest(buildModule(t, modSpec{}))
	if err != nil || man.QueryID != testQueryID {
		t.Fatalf("ReadManifest = %v, %v", man, err)
	}
}

// withSection inserts a raw section before the first non-custom section
// whose id is larger than id (sections must be in order).
func withSection(t testing.TB, bin []byte, id byte, body []byte) []byte {
	t.Helper()
	off := 8
	for off < len(bin) {
		sid := bin[off]
		size, n := uleb(bin[off+1:])
		if sid != 0 && sid > id {
			break
		}
		off += 1 + n + int(size)
	}
	sec := append([]byte{id}, wasm.AppendULEB128(nil, uint64(len(body)))...)
	sec = append(sec, body...)
	out := append(append(append([]byte{}, bin[:off]...), sec...), bin[off:]...)
	return out
}

func uleb(b []byte) (uint64, int) {
	var v uint64
	for i, c := range b {
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v, i + 1
		}
	}
	return 0, len(b)
}

// memoryImportModule is a hand-written module importing a memory.
func memoryImportModule(t testing.TB) []byte {
	bin := append([]byte{}, wasmbin.Magic...)
	bin = append(bin, wasmbin.Version...)
	var body []byte
	body = append(body, 1)                                    // one import
	body = append(body, byte(len(sdk.IntrinsicsModule)))      // module name
	body = append(body, sdk.IntrinsicsModule...)              //
	body = append(body, 6)                                    // field name
	body = append(body, "memory"...)                          //
	body = append(body, wasmbin.KindMemory, 0x01, 0x01, 0x01) // memory 1..1
	bin = append(bin, wasmbin.SectionImport, byte(len(body)))
	bin = append(bin, body...)
	man := buildModule(t, modSpec{}) // borrow a valid manifest
	mp, err := wasmbin.Parse(man)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range mp.Customs {
		if c.Name == sdk.ManifestSection {
			bin = wasm.AppendCustomSection(bin, c.Name, c.Data)
		}
	}
	return bin
}

func TestLoadRefused(t *testing.T) {
	i32 := []wasm.ValType{wasm.I32}
	valid := buildModule(t, modSpec{})
	upper, _ := sdk.LookupIntrinsic(sdk.IntrUpper)
	cases := []struct {
		name string
		bin  func(t *testing.T) []byte
		want string // a part of the message
		is   error  // and an error it wraps besides ErrInvalidModule
	}{
		{"empty", func(*testing.T) []byte { return nil }, "too short", wasmbin.ErrMalformed},
		{"bad magic", func(*testing.T) []byte {
			b := append([]byte{}, valid...)
			b[1] = 'x'
			return b
		}, "bad magic", wasmbin.ErrMalformed},
		{"bad version", func(*testing.T) []byte {
			b := append([]byte{}, valid...)
			b[4] = 2
			return b
		}, "version", wasmbin.ErrMalformed},
		{"truncated", func(*testing.T) []byte { return valid[:len(valid)-3] }, "", wasmbin.ErrMalformed},
		{"hostile section size", func(*testing.T) []byte {
			return append(append([]byte{}, valid[:8]...), 1, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x60)
		}, "claims 4294967295 bytes", wasmbin.ErrMalformed},
		{"hostile vector count", func(*testing.T) []byte {
			return append(append([]byte{}, valid[:8]...), 1, 5, 0xff, 0xff, 0xff, 0xff, 0x0f)
		}, "does not fit", wasmbin.ErrMalformed},
		{"overlong LEB", func(*testing.T) []byte {
			return append(append([]byte{}, valid[:8]...), 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00)
		}, "LEB128", wasmbin.ErrMalformed},
		{"unknown section", func(*testing.T) []byte {
			return append(append([]byte{}, valid...), 99, 0)
		}, "unknown section id 99", wasmbin.ErrMalformed},
		{"missing manifest", func(t *testing.T) []byte { return buildModule(t, modSpec{noMan: true}) }, "not a wasmstream module", nil},
		{"two manifests", func(t *testing.T) []byte {
			p, _ := (&sdk.Manifest{}).Marshal()
			return wasm.AppendCustomSection(append([]byte{}, valid...), sdk.ManifestSection, p)
		}, "want one", nil},
		{"garbage manifest", func(t *testing.T) []byte {
			return wasm.AppendCustomSection(buildModule(t, modSpec{noMan: true}), sdk.ManifestSection, []byte{0xc1, 0xff})
		}, "decode manifest", nil},
		{"manifest declaring a huge array", func(t *testing.T) []byte {
			hostile := []byte{0x81, 0xa6, 's', 't', 'a', 'g', 'e', 's', 0xdd, 0x7f, 0xff, 0xff, 0xff}
			return wasm.AppendCustomSection(buildModule(t, modSpec{noMan: true}), sdk.ManifestSection, hostile)
		}, "exceeds", nil},
		{"wrong ABI", func(t *testing.T) []byte {
			return buildModule(t, modSpec{manifest: func(m *sdk.Manifest) { m.ABIVersion = 99 }})
		}, "ABI 99", sdk.ErrABIVersion},
		{"WASI import", func(t *testing.T) []byte {
			return buildModule(t, modSpec{rawImps: []rawImport{{"wasi_snapshot_preview1", "fd_write", []wasm.ValType{wasm.I32, wasm.I32, wasm.I32, wasm.I32}, i32}}})
		}, "wasi_snapshot_preview1.fd_write: WASI is not available", nil},
		{"unknown import module", func(t *testing.T) []byte {
			return buildModule(t, modSpec{rawImps: []rawImport{{"env", "abort", nil, nil}}})
		}, `env.abort: unknown import module "env"`, nil},
		{"unknown intrinsic", func(t *testing.T) []byte {
			return buildModule(t, modSpec{rawImps: []rawImport{{sdk.IntrinsicsModule, "system", i32, i32}}})
		}, "wasmstream.system: no such intrinsic", nil},
		{"wrong intrinsic signature", func(t *testing.T) []byte {
			return buildModule(t, modSpec{rawImps: []rawImport{{sdk.IntrinsicsModule, sdk.IntrUpper, i32, i32}}})
		}, "wasmstream.str_upper: type (i32) -> (i32), but the intrinsic is (i32, i32, i32) -> (i64)", nil},
		{"memory import", func(t *testing.T) []byte { return memoryImportModule(t) }, "wasmstream.memory: imports a memory", nil},
		{"memory over limit", func(t *testing.T) []byte { return buildModule(t, modSpec{pages: 4096}) }, "over the limit of 2048", nil},
		{"memory can grow", func(t *testing.T) []byte { return buildModule(t, modSpec{memMax: 8}) }, "fixed size", nil},
		{"memory differs from manifest", func(t *testing.T) []byte { return buildModule(t, modSpec{memMin: 5, memMax: 5}) }, "manifest says 4", nil},
		{"memory not exported", func(t *testing.T) []byte { return buildModule(t, modSpec{memName: "mem"}) }, `does not export its memory as "memory"`, nil},
		{"missing stage export", func(t *testing.T) []byte {
			return buildModule(t, modSpec{manifest: func(m *sdk.Manifest) { m.Stages[0].Export = "stage_gone" }})
		}, `stage "stage_gone" is not exported`, nil},
		{"stage of wrong type", func(t *testing.T) []byte {
			return buildModule(t, modSpec{extra: func(m *wasm.Module, _ map[string]uint32) {
				f := m.AddFunc("bad", m.AddType(nil, nil))
				m.Export("bad", wasm.ExternFunc, f.Index())
			}, manifest: func(m *sdk.Manifest) {
				m.Stages = append(m.Stages, m.Stages[0])
				m.Stages[1].Export = "bad"
			}})
		}, `stage "bad" has type () -> (), want (i32) -> (i32)`, nil},
		{"stage is a memory", func(t *testing.T) []byte {
			return buildModule(t, modSpec{manifest: func(m *sdk.Manifest) { m.Stages[0].Export = sdk.MemoryExport }})
		}, "is a memory, not a function", nil},
		{"duplicate stage", func(t *testing.T) []byte {
			return buildModule(t, modSpec{manifest: func(m *sdk.Manifest) { m.Stages = append(m.Stages, m.Stages[0]) }})
		}, "twice", nil},
		{"layout beyond memory", func(t *testing.T) []byte {
			return buildModule(t, modSpec{manifest: func(m *sdk.Manifest) { m.Stages[0].Layout.HeapSize = 1 << 20 }})
		}, "beyond the module's 4 pages", nil},
		{"layout wrapping around 4 GiB", func(t *testing.T) []byte {
			return buildModule(t, modSpec{manifest: func(m *sdk.Manifest) { m.Stages[0].Layout.Base = 1<<32 - 64 }})
		}, "beyond the module's 4 pages", nil},
		{"unaligned layout", func(t *testing.T) []byte {
			return buildModule(t, modSpec{manifest: func(m *sdk.Manifest) { m.Stages[0].Layout.Base = 1025 }})
		}, "not 8-byte aligned", nil},
		{"start function", func(t *testing.T) []byte {
			return withSection(t, valid, wasmbin.SectionStart, []byte{0})
		}, "start function", nil},
		{"code wazero rejects", func(t *testing.T) []byte {
			return buildModule(t, modSpec{stages: []stageSpec{simpleStage("stage_bad", func(f *wasm.Func, _ sdk.Layout) {
				f.I64Const(1) // an i64 where the stage returns i32
			})}})
		}, "", nil},
		{"upper imported twice is fine but a bad one is not", func(t *testing.T) []byte {
			return buildModule(t, modSpec{imports: []sdk.Intrinsic{upper}, rawImps: []rawImport{{sdk.IntrinsicsModule, sdk.IntrLower, i32, nil}}})
		}, "wasmstream.str_lower", nil},
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			rt := newRuntime(t, NewConfig().WithInterpreter(e.interpreter))
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					m, err := rt.Load(context.Background(), c.bin(t))
					if err == nil {
						_ = m.Close(context.Background())
						t.Fatalf("Load succeeded")
					}
					t.Log(err)
					if !errors.Is(err, ErrInvalidModule) {
						t.Errorf("error does not wrap ErrInvalidModule: %v", err)
					}
					if c.is != nil && !errors.Is(err, c.is) {
						t.Errorf("error does not wrap %v: %v", c.is, err)
					}
					if !strings.Contains(err.Error(), c.want) {
						t.Errorf("error %q does not contain %q", err, c.want)
					}
				})
			}
		})
	}
}

// Every prefix of a valid module is refused without a panic.
func TestLoadTruncatedPrefixes(t *testing.T) {
	rt := newRuntime(t, NewConfig())
	valid := buildModule(t, modSpec{imports: sdk.Intrinsics})
	for n := 0; n < len(valid); n++ {
		if m, err := rt.Load(context.Background(), valid[:n]); err == nil {
			// A cut after the last section could be valid: only the
			// trailing custom sections can be dropped that way.
			if _, err := wasmbin.Parse(valid[:n]); err != nil {
				t.Fatalf("prefix %d: Load accepted what Parse refused", n)
			}
			_ = m.Close(context.Background())
		}
	}
}

func TestErrorsNameQuery(t *testing.T) {
	rt := newRuntime(t, NewConfig())
	_, err := rt.Load(context.Background(), buildModule(t, modSpec{rawImps: []rawImport{{"env", "f", nil, nil}}}))
	if err == nil || !strings.Contains(err.Error(), testQueryID) {
		t.Fatalf("error %v does not name the query %s", err, testQueryID)
	}
}

func TestCompilationCache(t *testing.T) {
	dir := t.TempDir()
	bin := buildModule(t, modSpec{imports: sdk.Intrinsics})
	for round := 0; round < 2; round++ { // the second runtime finds the code on disk
		rt := newRuntime(t, NewConfig().WithCompilationCacheDir(dir))
		in := mustInstance(t, rt, bin)
		b := in.Batch(0)
		b.Reset()
		b.SetInt64(0, 0, 41)
		b.SetString(1, 0, []byte("x"))
		if _, err := b.Run(1, 0); err != nil || b.OutInt64(0, 0) != 42 {
			t.Fatalf("round %d: %v, %d", round, err, b.OutInt64(0, 0))
		}
		entries, err := os.ReadDir(dir)
		if err != nil || len(entries) == 0 {
			t.Fatalf("round %d: cache directory empty (%v)", round, err)
		}
	}
	if _, err := New(context.Background(), NewConfig().WithCompilationCacheDir("/dev/null/x")); err == nil {
		t.Errorf("a cache directory that cannot exist was accepted")
	}
}
