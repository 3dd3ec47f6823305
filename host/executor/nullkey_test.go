package executor

import (
	"context"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

// nullKeyManifest is a JSON stream query whose stage copies its inputs to
// its outputs: SELECT * (the sink's key is the source's) or PARTITION BY
// other columns (the sink's key differs in types from the source's).
func nullKeyManifest(srcKeys, sinkKeys []sdk.Column, vals []sdk.Column) *sdk.Manifest {
	src := append(append([]sdk.Column{}, srcKeys...), vals...)
	sink := append(append([]sdk.Column{}, sinkKeys...), vals...)
	var inputs []sdk.Column
	for _, c := range src {
		inputs = append(inputs, sdk.Column{Name: c.Name, Type: c.Type})
	}
	outputs := append([]sdk.Column{}, sink...)
	return &sdk.Manifest{
		ABIVersion: sdk.ABIVersion,
		QueryID:    "CSAS_OUTPUT_0",
		Sources:    []sdk.Source{{Name: "INPUT", Kind: sdk.Stream, Topic: "input", KeyFormat: "JSON", ValueFormat: "JSON", WrapSingleValue: true, Columns: src}},
		Sink:       sdk.Source{Name: "OUTPUT", Kind: sdk.Stream, Topic: "OUTPUT", KeyFormat: "JSON", ValueFormat: "JSON", WrapSingleValue: true, Columns: sink},
		Stages:     []sdk.Stage{{Export: "stage_0", Inputs: inputs, Outputs: outputs}},
		Pipeline:   sdk.Pipeline{Inputs: []sdk.InputStep{{Source: 0, Stage: 0}}, Final: -1},
	}
}

// TestNullKeys checks ksqlDB's rule for keys of several columns that are all
// NULL (multi-col-keys.json, partition-by.json): a null key passed through
// unchanged stays a null Kafka key, while a key built from NULL columns is
// an object of NULLs.
func TestNullKeys(t *testing.T) {
	k := func(name string, typ sdk.Type) sdk.Column { return sdk.Column{Name: name, Type: typ, Key: true} }
	v := func(name string, typ sdk.Type) sdk.Column { return sdk.Column{Name: name, Type: typ} }
	cases := []struct {
		name     string
		man      *sdk.Manifest
		out      func(in []sdk.Value) []sdk.Value // the stage's outputs
		key, val string
		want     string // key|value of the one output record
	}{
		{
			name: "SELECT * keeps a null key null",
			man:  nullKeyManifest([]sdk.Column{k("K", sdk.TypeInt), k("K2", sdk.TypeInt)}, []sdk.Column{k("K", sdk.TypeInt), k("K2", sdk.TypeInt)}, []sdk.Column{v("V", sdk.TypeInt)}),
			out: func(in []sdk.Value) []sdk.Value {
				return []sdk.Value{sdk.Null(sdk.TypeInt), sdk.Null(sdk.TypeInt), sdk.Int(int32(in[2].I))}
			},
			key: "<null>", val: `{"V":0}`,
			want: `null|{"V":0}`,
		},
		{
			name: "SELECT * writes a present key of NULLs as it came",
			man:  nullKeyManifest([]sdk.Column{k("K", sdk.TypeInt), k("K2", sdk.TypeInt)}, []sdk.Column{k("K", sdk.TypeInt), k("K2", sdk.TypeInt)}, []sdk.Column{v("V", sdk.TypeInt)}),
			out: func(in []sdk.Value) []sdk.Value {
				return []sdk.Value{sdk.Null(sdk.TypeInt), sdk.Null(sdk.TypeInt), sdk.Int(int32(in[2].I))}
			},
			key: `{"K":null,"K2":null}`, val: `{"V":0}`,
			want: `{"K":null,"K2":null}|{"V":0}`,
		},
		{
			name: "PARTITION BY builds a key of NULLs from a null key",
			man:  nullKeyManifest([]sdk.Column{k("NAME", sdk.TypeString)}, []sdk.Column{k("ID", sdk.TypeInt), k("NAME", sdk.TypeString)}, []sdk.Column{v("AGE", sdk.TypeInt)}),
			out: func(in []sdk.Value) []sdk.Value {
				return []sdk.Value{sdk.Null(sdk.TypeInt), sdk.Null(sdk.TypeString), sdk.Int(int32(in[1].I))}
			},
			key: "<null>", val: `{"AGE":30}`,
			want: `{"ID":null,"NAME":null}|{"AGE":30}`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stage := newGoStage(8, len(c.man.Stages[0].Inputs), func(in []sdk.Value) (byte, []sdk.Value) { return sdk.SelEmit, c.out(in) })
			topics := NewMemoryTopics()
			if err := topics.CreateTopic("OUTPUT", 1); err != nil {
				t.Fatal(err)
			}
			q, err := NewQuery(QueryConfig{Manifest: c.man, Instances: &goInstance{stage: stage}, Sink: topics})
			if err != nil {
				t.Fatal(err)
			}
			r := Record{Topic: "input", Value: []byte(c.val)}
			if c.key != "<null>" {
				r.Key = []byte(c.key)
			}
			if err := q.Process(context.Background(), []Record{r}); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, o := range topics.Records("OUTPUT") {
				key := "null"
				if o.Key != nil {
					key = string(o.Key)
				}
				got = append(got, key+"|"+string(o.Value))
			}
			if strings.Join(got, "\n") != c.want {
				t.Errorf("output %q, want %q", got, c.want)
			}
		})
	}
}
