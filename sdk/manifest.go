package sdk

import (
	"errors"
	"fmt"

	"github.com/vmihailenco/msgpack/v5"
)

// Manifest makes a module self-describing: everything the runtime and the
// host need to run it, carried in the module's ManifestSection custom section.
type Manifest struct {
	// ABIVersion is the ABI the module was built for; see ABIVersion.
	ABIVersion int `msgpack:"abi"`
	// Compiler names the program and version that produced the module.
	Compiler string `msgpack:"compiler"`
	// QueryID identifies the persistent query (ksqlDB style, e.g.
	// CSAS_OUTPUT_0); it names the consumer group and internal topics.
	QueryID string `msgpack:"query_id"`
	// Kind is the statement kind: CSAS, CTAS, INSERT, VALUES or PLUGIN.
	Kind string `msgpack:"kind"`
	// SQL is the text of the statement the module was compiled from.
	SQL string `msgpack:"sql"`
	// Sources are the catalog entries of the sources the query reads, in the
	// order the pipeline refers to them.
	Sources []Source `msgpack:"sources"`
	// Sink is the catalog entry of the stream or table the query writes.
	Sink Source `msgpack:"sink"`
	// Stages lists the exported stage functions with their schemas.
	Stages []Stage `msgpack:"stages"`
	// Pipeline says how records flow through stages and host operators.
	Pipeline Pipeline `msgpack:"pipeline"`
	// MemoryPages is the size of the module's memory; the module neither
	// needs nor is allowed more.
	MemoryPages uint32 `msgpack:"memory_pages"`
}

// Stage describes one exported stage function.
type Stage struct {
	// Export is the exported function's name.
	Export string `msgpack:"export"`
	// Inputs are the batch's input columns, in slot order. Names are those
	// of the stage's input relation; the host fills them by name from the
	// record key, the record value, and the pseudo-columns ROWTIME,
	// ROWPARTITION, ROWOFFSET, WINDOWSTART and WINDOWEND.
	Inputs []Column `msgpack:"inputs"`
	// Outputs are the columns the stage writes, in slot order; Key marks the
	// output key columns.
	Outputs []Column `msgpack:"outputs"`
	// Layout places the batch in linear memory.
	Layout Layout `msgpack:"layout"`
}

// Pipeline is the operator graph of a query: per source an optional
// input stage, then an optional host operator (aggregation, join; see
// Operator), then an optional final stage. A stateless query is
// Inputs[0].Stage alone.
type Pipeline struct {
	// Inputs has one entry per source, in the order of Manifest.Sources.
	Inputs []InputStep `msgpack:"inputs"`
	// Operator is the host operator, nil for a stateless query. The final
	// stage, if any, reads the operator's output rows.
	Operator *Operator `msgpack:"operator,omitempty"`
	// Final is the index into Stages of the stage applied after the host
	// operators, or -1.
	Final int `msgpack:"final"`
	// Between is set for an aggregation over a join: the stage the join's
	// result rows go through before the aggregation.
	Between *BetweenStep `msgpack:"between,omitempty"`
	// SingleTask says the operator's state cannot be split by partition:
	// a foreign-key join (every right row may join left rows of any
	// partition), or a chain that would re-key a table result. Such a
	// query runs as one task over all partitions of its inputs, in one
	// instance. Otherwise the operator's state is kept per
	// task: per partition of its (co-partitioned or repartitioned) inputs.
	SingleTask bool `msgpack:"single_task,omitempty"`
}

// BetweenStep is the stage between a join and the aggregation over its
// results.
type BetweenStep struct {
	// Stage indexes Manifest.Stages: it reads the join's output row (by
	// name) and outputs the aggregation's GROUP BY columns and arguments.
	Stage int `msgpack:"stage"`
	// Repartition says the aggregation's GROUP BY is not the join key:
	// the stage's rows go through the repartition topic, as a repartitioned
	// input's do.
	Repartition bool `msgpack:"repartition,omitempty"`
}

// InputStep is what happens to the records of one source before any host
// operator.
type InputStep struct {
	// Source indexes Manifest.Sources.
	Source int `msgpack:"source"`
	// Stage indexes Manifest.Stages, or is -1 when records pass unchanged.
	Stage int `msgpack:"stage"`
	// Repartition says the operator's key (the GROUP BY columns, the join
	// key) is not the source's Kafka key: the input stage's rows are
	// written to the query's repartition topic, keyed and partitioned by
	// the operator key, and the operator reads them from there, so that
	// each key's rows reach one task (as Kafka Streams repartitions).
	Repartition bool `msgpack:"repartition,omitempty"`
}

// Marshal encodes the manifest as msgpack.
func (m *Manifest) Marshal() ([]byte, error) {
	b, err := msgpack.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	return b, nil
}

// ErrABIVersion is returned by UnmarshalManifest when a module was built for
// another ABI version.
var ErrABIVersion = errors.New("unsupported ABI version")

// UnmarshalManifest decodes and checks a manifest. It never panics on
// malformed input.
func UnmarshalManifest(b []byte) (*Manifest, error) {
	if err := checkMsgpack(b); err != nil {
		return nil, fmt.Errorf("decode manifest: %w", err)
	}
	var m Manifest
	if err := msgpack.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("decode manifest: %w", err)
	}
	if m.ABIVersion != ABIVersion {
		return nil, fmt.Errorf("module built for ABI %d, host speaks %d: %w", m.ABIVersion, ABIVersion, ErrABIVersion)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// Validate checks the manifest's internal consistency: indexes in range,
// layouts that fit the declared memory, known types. The runtime calls it so
// that a hostile manifest cannot make the host address outside the module.
func (m *Manifest) Validate() error {
	for i, st := range m.Stages {
		if st.Export == "" {
			return fmt.Errorf("manifest: stage %d has no export name", i)
		}
		l := st.Layout
		if l.Capacity == 0 || l.Capacity > 1<<16 {
			return fmt.Errorf("manifest: stage %q: batch capacity %d out of range", st.Export, l.Capacity)
		}
		if int(l.Inputs) != len(st.Inputs) || int(l.Outputs) != len(st.Outputs) {
			return fmt.Errorf("manifest: stage %q: layout column counts do not match its schema", st.Export)
		}
		if len(st.Inputs) > 4096 || len(st.Outputs) > 4096 || l.InDataSize > 1<<28 || l.HeapSize > 1<<28 {
			return fmt.Errorf("manifest: stage %q: layout too large", st.Export)
		}
		if l.Base%8 != 0 {
			return fmt.Errorf("manifest: stage %q: layout base %d is not 8-byte aligned", st.Export, l.Base)
		}
		if l.End64() > uint64(m.MemoryPages)*PageSize {
			return fmt.Errorf("manifest: stage %q: layout ends at %d, beyond the module's %d pages", st.Export, l.End64(), m.MemoryPages)
		}
		for _, c := range append(append([]Column(nil), st.Inputs...), st.Outputs...) {
			if !c.Type.IsKnown() {
				return fmt.Errorf("manifest: stage %q: column %q has unknown type %d", st.Export, c.Name, c.Type)
			}
			if err := checkColumnDesc(c); err != nil {
				return fmt.Errorf("manifest: stage %q: %w", st.Export, err)
			}
		}
	}
	stageOK := func(i int) bool { return i == -1 || (i >= 0 && i < len(m.Stages)) }
	for _, in := range m.Pipeline.Inputs {
		if in.Source < 0 || in.Source >= len(m.Sources) {
			return fmt.Errorf("manifest: pipeline refers to source %d of %d", in.Source, len(m.Sources))
		}
		if !stageOK(in.Stage) {
			return fmt.Errorf("manifest: pipeline refers to stage %d of %d", in.Stage, len(m.Stages))
		}
	}
	if !stageOK(m.Pipeline.Final) {
		return fmt.Errorf("manifest: pipeline final stage %d of %d", m.Pipeline.Final, len(m.Stages))
	}
	if op := m.Pipeline.Operator; op != nil {
		between := m.Pipeline.Between
		switch {
		case op.Aggregate == nil && op.Join == nil:
			return errors.New("manifest: an operator must be an aggregate, a join, or both")
		case (op.Aggregate != nil && op.Join != nil) != (between != nil):
			return errors.New("manifest: an aggregation over a join, and only it, has a between stage")
		case between != nil && (between.Stage < 0 || between.Stage >= len(m.Stages)):
			return fmt.Errorf("manifest: pipeline between stage %d of %d", between.Stage, len(m.Stages))
		}
		if j := op.Join; j != nil {
			n := len(m.Pipeline.Inputs)
			if j.Left < 0 || j.Left >= n || j.Right < 0 || j.Right >= n || j.Left == j.Right {
				return fmt.Errorf("manifest: join sides %d and %d of %d inputs", j.Left, j.Right, n)
			}
			switch j.Type {
			case JoinInner, JoinLeft, JoinRight, JoinFull:
			default:
				return fmt.Errorf("manifest: unknown join type %q", j.Type)
			}
		}
		if a := op.Aggregate; a != nil {
			if len(m.Pipeline.Inputs) != 1 && op.Join == nil {
				return fmt.Errorf("manifest: an aggregation reads one input, not %d", len(m.Pipeline.Inputs))
			}
			if w := a.Window; w != nil && (w.SizeMs <= 0 || w.AdvanceMs < 0 || (w.Type == WindowHopping && (w.AdvanceMs == 0 || w.AdvanceMs > w.SizeMs))) {
				return fmt.Errorf("manifest: invalid %s window (size %d ms, advance %d ms)", w.Type, w.SizeMs, w.AdvanceMs)
			}
		}
	}
	return nil
}

// checkColumnDesc checks that a complex column carries a well-formed
// descriptor of its type.
func checkColumnDesc(c Column) error {
	if !c.Type.IsComplex() {
		return nil
	}
	if c.Desc == nil || c.Desc.Type != c.Type {
		return fmt.Errorf("column %q of type %s has no matching type descriptor", c.Name, c.Type)
	}
	if err := c.Desc.Check(); err != nil {
		return fmt.Errorf("column %q: %w", c.Name, err)
	}
	return nil
}
