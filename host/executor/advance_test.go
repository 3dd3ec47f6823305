package executor

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

// TestAdvanceStreamTime: under EMIT FINAL, windows close when stream time
// is advanced without a record, as a record at that time would close them;
// each window is emitted once, however often time is advanced; a
// non-final aggregation emits nothing.
func TestAdvanceStreamTime(t *testing.T) {
	test := source("TEST", sdk.Stream, keyCol("ID", sdk.TypeBigInt), col("NAME", sdk.TypeString), col("VALUE", sdk.TypeBigInt))
	tumbling := &sdk.Window{Type: sdk.WindowTumbling, SizeMs: 30000, GraceMs: 0, RetentionMs: -1}
	inputs := []in{{"test", bigKey(0), "a,1", 1000}, {"test", bigKey(1), "b,5", 2000}, {"test", bigKey(0), "a,2", 20000}}
	tests := []struct {
		name     string
		final    bool
		advances []int64
		want     []string
	}{
		{"before the window end: nothing", true, []int64{29999}, nil},
		{"to the window end: the window closes once", true, []int64{30000, 45000, 90000},
			[]string{"0[0]=3@20000", "1[0]=5@2000"}},
		{"backwards: nothing", true, []int64{100}, nil},
		{"far past the retention: still emitted, once", true, []int64{10_000_000},
			[]string{"0[0]=3@20000", "1[0]=5@2000"}},
		{"emit changes: only the updates", false, []int64{90000},
			[]string{"0[0]=1@1000", "1[0]=5@2000", "0[0]=3@20000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			man := aggManifest(test, tumbling, tt.final)
			stages := map[int]*goStage{0: passStage(man.Stages[0], nil), 1: passStage(man.Stages[1], nil)}
			topics := NewMemoryTopics()
			if err := topics.CreateTopic(man.Sink.Topic, 1); err != nil {
				t.Fatal(err)
			}
			q, err := NewQuery(QueryConfig{Manifest: man, Instances: &stagesInstance{stages}, Sink: topics})
			if err != nil {
				t.Fatal(err)
			}
			defer q.Close(context.Background())
			ctx := context.Background()
			if err := q.AdvanceStreamTime(ctx, 50000); err != nil { // before any record: nothing to advance
				t.Fatal(err)
			}
			for i, r := range inputs {
				rec := Record{Topic: r.topic, Offset: int64(i), Key: r.key, Value: []byte(r.value), Timestamp: r.ts}
				if err := q.Process(ctx, []Record{rec}); err != nil {
					t.Fatal(err)
				}
			}
			for _, at := range tt.advances {
				if err := q.AdvanceStreamTime(ctx, at); err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			for _, r := range topics.Records(man.Sink.Topic) {
				got = append(got, fmt.Sprintf("%s=%s@%d", renderTimeWindowed(r.Key), r.Value, r.Timestamp))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			st, ok := q.StreamTime()
			wantST := max(int64(20000), tt.advances[len(tt.advances)-1])
			if !ok || st != wantST {
				t.Errorf("stream time %d (%v), want %d", st, ok, wantST)
			}
		})
	}
}
