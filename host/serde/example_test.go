package serde_test

import (
	"errors"
	"fmt"

	"github.com/wasmstream/wasmstream/host/serde"
	"github.com/wasmstream/wasmstream/sdk"
)

// A source's key and value serdes are built once; rows and buffers are
// reused from record to record.
func Example() {
	src := &sdk.Source{
		Name: "USERS",
		Columns: []sdk.Column{
			{Name: "ID", Type: sdk.TypeBigInt, Key: true},
			{Name: "NAME", Type: sdk.TypeString},
			{Name: "AGE", Type: sdk.TypeInt},
			{Name: "SCORE", Type: sdk.TypeDouble},
		},
		KeyFormat:       sdk.FormatKafka,
		ValueFormat:     sdk.FormatJSON,
		WrapSingleValue: true,
	}
	keys, err := serde.NewKey(src)
	if err != nil {
		panic(err)
	}
	values, err := serde.NewValue(src)
	if err != nil {
		panic(err)
	}

	key := make([]sdk.Value, len(keys.Columns()))
	row := make([]sdk.Value, len(values.Columns()))
	if err := keys.Decode([]byte{0, 0, 0, 0, 0, 0, 0, 42}, key); err != nil {
		panic(err)
	}
	// Field names match case-insensitively; a missing field is NULL.
	if err := values.Decode([]byte(`{"name": "Ada", "age": 36}`), row); err != nil {
		panic(err)
	}
	fmt.Printf("%#v %#v\n", key[0], row)

	row[2] = sdk.Double(100)
	buf := make([]byte, 0, 256)
	out, err := values.Encode(buf, row)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))

	err = values.Decode([]byte(`{"name": "Bob", "age": "abc"}`), row)
	var bad *serde.Error
	fmt.Println(errors.As(err, &bad), err)
	// Output:
	// 42 []sdk.Value{"Ada", 36, NULL:DOUBLE}
	// {"NAME":"Ada","AGE":36,"SCORE":100.0}
	// true JSON value: field "AGE": cannot parse "abc" as INTEGER
}
