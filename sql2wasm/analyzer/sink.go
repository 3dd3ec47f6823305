package analyzer

import (
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
)

// buildSink derives the catalog entry of a CREATE ... AS SELECT's sink:
//
//   - topic: KAFKA_TOPIC, else the sink's name (upper-cased unless quoted)
//     after the ksql.output.topic.name.prefix property;
//   - formats: KEY_FORMAT/VALUE_FORMAT/FORMAT, else the source's; the
//     delimiters of a DELIMITED format are inherited when the format is;
//   - a keyless sink has key format NONE; when PARTITION BY made a new key
//     and no key format was given, a KAFKA (or NONE) key format that cannot
//     hold it (several columns, a BOOLEAN) becomes JSON, as ksqlDB's
//     SerdeFeaturesFactory.sanitizeKeyFormat does;
//   - WRAP_SINGLE_VALUE from the WITH clause or the session default;
//   - the window of a windowed source's key carries over.
func (a *Analyzer) buildSink(name *ast.Ident, kind sdk.SourceKind, with withProps, q *queryAnalysis) (sdk.Source, *Error) {
	src := q.src
	sink := sdk.Source{Name: name.Name, Kind: kind}
	if t, _, ok := with.str(wKafkaTopic); ok {
		sink.Topic = t
	} else {
		sink.Topic = a.props[PropOutputTopicPrefix] + name.Name
	}
	cols := q.resultColumns()
	sink.Columns = cols
	keys, values := sink.KeyColumns(), sink.ValueColumns()

	keyF, valF, err := explicitFormats(with)
	if err != nil {
		return sdk.Source{}, err
	}
	explicitKey := keyF != ""
	partitionNull := q.partition != nil && q.partition.null
	switch {
	case partitionNull && explicitKey && keyF != sdk.FormatNone:
		pos := name.Pos()
		if p, ok := with[wKeyFormat]; ok {
			pos = p.pos
		} else if p, ok := with[wFormat]; ok {
			pos = p.pos
		}
		return sdk.Source{}, errorf(pos, "Key format specified for stream without key columns.")
	case len(keys) == 0:
		keyF = sdk.FormatNone
	case !explicitKey && q.join != nil:
		keyF = q.join.keyFormat(a.props)
	case !explicitKey:
		keyF = src.KeyFormat
		rekeyed := q.partition != nil || q.agg != nil
		if rekeyed && keyF == sdk.FormatNone {
			// A keyless source's new key takes the session's default key
			// format (none.json "inherited in CSAS - PARTITION BY").
			keyF = sdk.FormatKafka
			if f := a.props[PropDefaultKeyFormat]; f != "" {
				keyF = strings.ToUpper(f)
			}
			keyF = sanitizeKeyFormat(keyF, keys)
		} else if q.partition != nil {
			keyF = sanitizeKeyFormat(keyF, keys)
		}
	}
	if valF == "" {
		valF = src.ValueFormat
	}
	sink.KeyFormat, sink.ValueFormat = keyF, valF

	inheritKey, inheritVal := "", ""
	if keyF == src.KeyFormat {
		inheritKey = src.KeyDelimiter
	}
	if valF == src.ValueFormat {
		inheritVal = src.ValueDelimiter
	}
	if sink.KeyDelimiter, sink.ValueDelimiter, err = delimiters(with, keyF, valF, inheritKey, inheritVal); err != nil {
		return sdk.Source{}, err
	}
	if err := checkKeyFormat(keyF, keys, name.Pos()); err != nil {
		return sdk.Source{}, err
	}
	wrap, wrapSet, err := with.boolean(wWrapSingleValue)
	if err != nil {
		return sdk.Source{}, err
	}
	wrapPos := name.Pos()
	if p, ok := with[wWrapSingleValue]; ok {
		wrapPos = p.pos
	}
	if sink.WrapSingleValue, err = wrapping(valF, values, wrap, wrapSet, a.props, wrapPos); err != nil {
		return sdk.Source{}, err
	}
	if err := checkValueFormat(valF, values, wrapSet && !wrap, name.Pos()); err != nil {
		return sdk.Source{}, err
	}

	if sink.Partitions, _, err = with.int(wPartitions); err != nil {
		return sdk.Source{}, err
	}
	if sink.Partitions == 0 {
		sink.Partitions = src.Partitions
	}
	if sink.Replicas, _, err = with.int(wReplicas); err != nil {
		return sdk.Source{}, err
	}
	if sink.Replicas == 0 {
		sink.Replicas = src.Replicas
	}
	if err := timestampColumn(&sink, with, cols); err != nil {
		return sdk.Source{}, err
	}
	switch {
	case q.sinkWindow != nil:
		w := *q.sinkWindow
		sink.Window = &w
	case src.Window != nil && q.partition == nil && q.operator == nil:
		w := *src.Window
		sink.Window = &w
	}
	return sink, nil
}

// sanitizeKeyFormat changes a key format that cannot serialize a new key
// to one that can: KAFKA and NONE hold a single KAFKA-typed column.
func sanitizeKeyFormat(f string, keys []sdk.Column) string {
	if f != sdk.FormatKafka && f != sdk.FormatNone {
		return f
	}
	if len(keys) == 1 && formatSupports(sdk.FormatKafka, keys[0].Type) {
		return sdk.FormatKafka
	}
	return sdk.FormatJSON
}
