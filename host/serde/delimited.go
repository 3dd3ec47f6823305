package serde

import (
	"fmt"

	"github.com/wasmstream/wasmstream/sdk"
)

func newDelimited(cols []sdk.Column, opts Options) (Serde, error) {
	return nil, fmt.Errorf("not supported yet: DELIMITED format")
}
