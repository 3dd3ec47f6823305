package serde

import "unsafe"

// StringViews returns a serde like s whose Decode does not copy STRING
// values: a value that the input holds as is (a JSON string without
// escapes, an unquoted DELIMITED field, a KAFKA string) is a string that
// shares the input's bytes. Encode and IsNull are unchanged.
//
// This removes the one allocation per STRING column that Decode makes, for a
// caller that is done with a row before the input changes: one that copies
// the values into a stage's batch, or encodes them, and keeps none of them.
// The input bytes must then not be modified, nor reused for another record,
// while any value of the row is in use: Go strings are immutable, and a
// view into bytes that change is a string that changes. A value kept
// longer (in state, in a map) must be copied with strings.Clone. A view
// also keeps the whole input buffer from being freed.
func StringViews(s Serde) Serde {
	switch s := s.(type) {
	case *jsonSerde:
		v := *s
		v.views = true
		return &v
	case *delimitedSerde:
		v := *s
		v.views = true
		return &v
	case *kafkaSerde:
		v := *s
		v.views = true
		return &v
	}
	return s // NONE reads nothing
}

// view returns b as a string without copying it (see StringViews).
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
