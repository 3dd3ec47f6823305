package executor

import (
	"context"
	"errors"
	"fmt"

	"github.com/wasmstream/wasmstream/host/serde"
	"github.com/wasmstream/wasmstream/sdk"
)

// InsertValues runs an INSERT ... VALUES module: its single stage has no
// inputs and computes one row, which is encoded with the sink's serdes and
// produced. The record's timestamp is the stage's ROWTIME output when the
// statement gave one, else now (milliseconds). It returns the produced
// record (whose slices the caller owns).
func InsertValues(ctx context.Context, man *sdk.Manifest, inst StageInstance, sink Sink, now int64) (Record, error) {
	if man == nil || len(man.Stages) != 1 {
		return Record{}, errors.New("insert values: the module must have exactly one stage")
	}
	st := &man.Stages[0]
	if len(st.Inputs) != 0 {
		return Record{}, fmt.Errorf("insert values: the stage has %d inputs, want none", len(st.Inputs))
	}
	dst := &man.Sink
	keySerde, err := serde.NewKey(dst)
	if err != nil {
		return Record{}, fmt.Errorf("insert values into %s: %w", dst.Name, err)
	}
	valSerde, err := serde.NewValue(dst)
	if err != nil {
		return Record{}, fmt.Errorf("insert values into %s: %w", dst.Name, err)
	}
	outKey, err := outputIndexes(man.QueryID, st, dst.KeyColumns())
	if err != nil {
		return Record{}, err
	}
	outVal, err := outputIndexes(man.QueryID, st, dst.ValueColumns())
	if err != nil {
		return Record{}, err
	}
	b, err := inst.Batch(0)
	if err != nil {
		return Record{}, err
	}
	b.Reset()
	status, _, err := b.Run(ctx, 1, -1)
	if err != nil {
		return Record{}, fmt.Errorf("insert values into %s: %w", dst.Name, err)
	}
	if status != sdk.StatusOK {
		return Record{}, fmt.Errorf("insert values into %s: the stage returned status %d", dst.Name, status)
	}
	if sel := b.Sel(0); sel >= sdk.SelError {
		return Record{}, fmt.Errorf("insert values into %s: %s", dst.Name, rowErrorReason(sel-sdk.SelError))
	} else if sel != sdk.SelEmit {
		return Record{}, fmt.Errorf("insert values into %s: the stage produced no row", dst.Name)
	}
	keyRow := make([]sdk.Value, len(outKey))
	for j, o := range outKey {
		if keyRow[j], err = b.Output(o, 0); err != nil {
			return Record{}, fmt.Errorf("insert values into %s: %w", dst.Name, err)
		}
	}
	valRow := make([]sdk.Value, len(outVal))
	for j, o := range outVal {
		if valRow[j], err = b.Output(o, 0); err != nil {
			return Record{}, fmt.Errorf("insert values into %s: %w", dst.Name, err)
		}
	}
	rec := Record{Topic: dst.Topic, Partition: -1, Timestamp: now}
	for j, o := range st.Outputs {
		if o.Name == "ROWTIME" && dst.Column("ROWTIME") < 0 {
			v, err := b.Output(j, 0)
			if err != nil {
				return Record{}, fmt.Errorf("insert values into %s: %w", dst.Name, err)
			}
			if !v.Null {
				rec.Timestamp = v.I
			}
		}
	}
	if rec.Key, err = keySerde.Encode(nil, keyRow); err != nil {
		return Record{}, fmt.Errorf("insert values into %s: %w", dst.Name, err)
	}
	if rec.Value, err = valSerde.Encode(nil, valRow); err != nil {
		return Record{}, fmt.Errorf("insert values into %s: %w", dst.Name, err)
	}
	if err := sink.Produce(ctx, &rec); err != nil {
		return Record{}, fmt.Errorf("insert values into %s: %w", dst.Name, err)
	}
	return rec, nil
}
