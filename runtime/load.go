package runtime

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/wasmstream/wasmstream/runtime/internal/wasmbin"
	"github.com/wasmstream/wasmstream/sdk"
)

// Module is a verified and compiled module, ready to be instantiated. It is
// safe for concurrent use.
type Module struct {
	rt       *Runtime
	compiled wazero.CompiledModule
	manifest *sdk.Manifest
}

// Manifest returns the module's manifest. Callers must not modify it.
func (m *Module) Manifest() *sdk.Manifest { return m.manifest }

// QueryID returns the manifest's query id.
func (m *Module) QueryID() string { return m.manifest.QueryID }

// Close releases the compiled code. Instances already created keep working
// until they are closed.
func (m *Module) Close(ctx context.Context) error { return m.compiled.Close(ctx) }

// ReadManifest extracts and decodes the manifest of a module binary without
// verifying or compiling the module (for tools such as sql2wasm inspect).
func ReadManifest(wasm []byte) (*sdk.Manifest, error) {
	bin, err := wasmbin.Parse(wasm)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidModule, err)
	}
	return manifestOf(bin)
}

func manifestOf(bin *wasmbin.Module) (*sdk.Manifest, error) {
	var payload []byte
	found := 0
	for _, c := range bin.Customs {
		if c.Name == sdk.ManifestSection {
			payload = c.Data
			found++
		}
	}
	switch found {
	case 0:
		return nil, fmt.Errorf("%w: no %q custom section: not a wasmstream module", ErrInvalidModule, sdk.ManifestSection)
	case 1:
	default:
		return nil, fmt.Errorf("%w: %d %q custom sections, want one", ErrInvalidModule, found, sdk.ManifestSection)
	}
	man, err := sdk.UnmarshalManifest(payload)
	if err != nil {
		if qid := queryIDOf(payload); qid != "" {
			return nil, fmt.Errorf("%w: query %s: %w", ErrInvalidModule, qid, err)
		}
		return nil, fmt.Errorf("%w: %w", ErrInvalidModule, err)
	}
	return man, nil
}

// queryIDOf reads just the query id of a manifest that failed to decode or
// validate, so that the error can name the query; "" if even that fails.
func queryIDOf(payload []byte) string {
	var head struct {
		QueryID string `msgpack:"query_id"`
	}
	if msgpack.Unmarshal(payload, &head) != nil {
		return ""
	}
	return head.QueryID
}

// Load verifies a module binary against the ABI (see the package
// documentation) and compiles it, using the compilation cache if one is
// configured. Every error wraps ErrInvalidModule, except failures of the
// context or of the cache.
func (r *Runtime) Load(ctx context.Context, wasm []byte) (*Module, error) {
	bin, err := wasmbin.Parse(wasm)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidModule, err)
	}
	man, err := manifestOf(bin)
	if err != nil {
		return nil, err
	}
	if err := r.verify(bin, man); err != nil {
		return nil, fmt.Errorf("%w: query %s: %w", ErrInvalidModule, man.QueryID, err)
	}
	compiled, err := r.wz.CompileModule(ctx, wasm)
	if err != nil {
		return nil, fmt.Errorf("%w: query %s: %w", ErrInvalidModule, man.QueryID, err)
	}
	// wazero decoded the module independently; check that it agrees on the
	// exported memory, as the Batch views depend on it.
	mems := compiled.ExportedMemories()
	if md, ok := mems[sdk.MemoryExport]; !ok || md.Min() != man.MemoryPages {
		_ = compiled.Close(ctx)
		return nil, fmt.Errorf("%w: query %s: compiled module has no memory %q of %d pages", ErrInvalidModule, man.QueryID, sdk.MemoryExport, man.MemoryPages)
	}
	return &Module{rt: r, compiled: compiled, manifest: man}, nil
}

// stageType is the signature of every stage: (rows i32) -> (status i32).
var stageType = wasmbin.FuncType{Params: []byte{byte(sdk.I32)}, Results: []byte{byte(sdk.I32)}}

func sameType(a, b wasmbin.FuncType) bool {
	return bytes.Equal(a.Params, b.Params) && bytes.Equal(a.Results, b.Results)
}

func sigString(t wasmbin.FuncType) string {
	name := func(ts []byte) string {
		s := make([]string, len(ts))
		for i, v := range ts {
			switch sdk.ValType(v) {
			case sdk.I32:
				s[i] = "i32"
			case sdk.I64:
				s[i] = "i64"
			case sdk.F64:
				s[i] = "f64"
			case 0x7d:
				s[i] = "f32"
			case 0x7b:
				s[i] = "v128"
			default:
				s[i] = fmt.Sprintf("0x%02x", v)
			}
		}
		return "(" + strings.Join(s, ", ") + ")"
	}
	return name(t.Params) + " -> " + name(t.Results)
}

// verify checks the module structure against the manifest and the ABI.
func (r *Runtime) verify(bin *wasmbin.Module, man *sdk.Manifest) error {
	if bin.HasStart {
		return fmt.Errorf("module has a start function; modules must not run code when instantiated")
	}
	for _, im := range bin.Imports {
		if err := verifyImport(bin, im); err != nil {
			return err
		}
	}

	limit := r.cfg.MemoryLimitPages()
	if man.MemoryPages == 0 {
		return fmt.Errorf("manifest declares no memory")
	}
	if man.MemoryPages > limit {
		return fmt.Errorf("manifest declares %d memory pages, over the limit of %d", man.MemoryPages, limit)
	}
	if len(bin.Memories) != 1 {
		return fmt.Errorf("module defines %d memories, want exactly one", len(bin.Memories))
	}
	mem := bin.Memories[0]
	if !mem.HasMax || mem.Min != mem.Max {
		return fmt.Errorf("memory must have a fixed size (minimum = maximum), so that it never grows")
	}
	if mem.Max > limit {
		return fmt.Errorf("memory of %d pages is over the limit of %d", mem.Max, limit)
	}
	if mem.Min != man.MemoryPages {
		return fmt.Errorf("memory has %d pages, manifest says %d", mem.Min, man.MemoryPages)
	}

	exports := make(map[string]wasmbin.Export, len(bin.Exports))
	for _, e := range bin.Exports {
		exports[e.Name] = e
	}
	if e, ok := exports[sdk.MemoryExport]; !ok || e.Kind != wasmbin.KindMemory || e.Index != 0 {
		return fmt.Errorf("module does not export its memory as %q", sdk.MemoryExport)
	}
	seen := make(map[string]bool, len(man.Stages))
	for _, st := range man.Stages {
		if seen[st.Export] {
			return fmt.Errorf("manifest lists stage %q twice", st.Export)
		}
		seen[st.Export] = true
		e, ok := exports[st.Export]
		if !ok {
			return fmt.Errorf("stage %q is not exported", st.Export)
		}
		if e.Kind != wasmbin.KindFunc {
			return fmt.Errorf("stage export %q is a %s, not a function", st.Export, wasmbin.KindName(e.Kind))
		}
		ft, ok := bin.FuncType(e.Index)
		if !ok {
			return fmt.Errorf("stage export %q refers to function %d, which does not exist", st.Export, e.Index)
		}
		if !sameType(ft, stageType) {
			return fmt.Errorf("stage %q has type %s, want %s", st.Export, sigString(ft), sigString(stageType))
		}
		if st.Layout.Base%8 != 0 {
			return fmt.Errorf("stage %q: layout base %d is not 8-byte aligned", st.Export, st.Layout.Base)
		}
	}
	return nil
}

func verifyImport(bin *wasmbin.Module, im wasmbin.Import) error {
	if im.Module != sdk.IntrinsicsModule {
		if strings.HasPrefix(im.Module, "wasi") {
			return fmt.Errorf("import %s.%s: WASI is not available to modules (no clock, randomness, files or network)", im.Module, im.Name)
		}
		return fmt.Errorf("import %s.%s: unknown import module %q; only %q may be imported", im.Module, im.Name, im.Module, sdk.IntrinsicsModule)
	}
	if im.Kind != wasmbin.KindFunc {
		return fmt.Errorf("import %s.%s: imports a %s; only functions may be imported", im.Module, im.Name, wasmbin.KindName(im.Kind))
	}
	in, ok := sdk.LookupIntrinsic(im.Name)
	if !ok {
		return fmt.Errorf("import %s.%s: no such intrinsic in ABI %d", im.Module, im.Name, sdk.ABIVersion)
	}
	if uint64(im.Type) >= uint64(len(bin.Types)) {
		return fmt.Errorf("import %s.%s: type index %d out of range", im.Module, im.Name, im.Type)
	}
	want := wasmbin.FuncType{Params: valBytes(in.Params), Results: valBytes(in.Results)}
	if got := bin.Types[im.Type]; !sameType(got, want) {
		return fmt.Errorf("import %s.%s: type %s, but the intrinsic is %s", im.Module, im.Name, sigString(got), sigString(want))
	}
	return nil
}

func valBytes(ts []sdk.ValType) []byte {
	b := make([]byte, len(ts))
	for i, t := range ts {
		b[i] = byte(t)
	}
	return b
}
