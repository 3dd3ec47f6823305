// Package jtext implements the text operations behind the wasmstream
// intrinsics with the semantics of Java's String methods and ksqlDB's
// functions, on UTF-8 bytes: case mapping, trimming, lengths and substrings
// counted in UTF-16 code units, UTF-16 ordering, LIKE matching, and the
// number formatting and parsing of Double.toString, Integer.parseInt,
// Long.parseLong, Double.parseDouble and ksqlDB's boolean parsing.
//
// Functions that produce text write into a caller-provided fixed buffer (a
// Sink) and report when it is too small, so the intrinsics can write
// straight into a module's heap without allocating. Invalid UTF-8 is never
// an error: where Java would have decoded it to U+FFFD, these functions
// treat each invalid byte as one U+FFFD character, and case mapping copies
// it through unchanged.
package jtext
