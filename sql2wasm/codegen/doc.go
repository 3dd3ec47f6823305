// Package codegen turns a planned query (package plan) into one WebAssembly
// module with its manifest: the last pass of sql2wasm.
//
// # Module shape
//
// A module imports only the intrinsics its code calls (from
// sdk.IntrinsicsModule, in sdk.Intrinsics order), defines a few private
// helper functions when needed (string equality, Java's double remainder,
// ROUND to n places, LIKE '%x%'), then one exported function per plan.Stage.
// Its single memory has min == max pages: a constant area at address 8
// (strings the code needs an address for, such as the results of CAST(b AS
// STRING), constant CONCAT arguments and long string constants, and a table
// of powers of ten for ROUND), the lists of passing rows of two-pass stages
// (4 bytes a row), then one sdk.Layout region per stage, each starting where
// the previous one ends. The manifest is in the custom section
// sdk.ManifestSection; the map from code offsets to SQL byte offsets is in
// sdk.PositionsSection (format below). The same plan always gives the same
// bytes.
//
// # A stage function
//
// Every address of a stage's batch is a constant known at compile time, so a
// column access is a load with a constant offset from the row's index (valid
// bytes, selection byte) or from the row's index times 8 (value slots):
//
//	func stage(rows i32) (status i32)
//	    rows = min(rows, Capacity)
//	    for row := 0; row < rows; {             // chunks of CancelCheckRows rows
//	        if cancel flag != 0 { header.StatusRow = row; return StatusCancelled }
//	        end := min(row+CancelCheckRows, rows)
//	        for ; row < end; row++ {
//	            block next {
//	                block drop {
//	                    <filter as jumps: br drop unless TRUE>
//	                    <each output: value slot and validity byte>
//	                    sel[row] = SelEmit; br next
//	                }
//	                sel[row] = SelDrop
//	            }
//	        }
//	    }
//	    return StatusOK
//
// That is the general shape. A filter made only of cheap leaves that cannot
// trap (comparisons of columns and constants, string equality with a
// constant, IS NULL, boolean columns, under AND, OR and NOT) is instead
// evaluated without branches, as a 0/1 value ("flat" form, see flat.go):
// over unpredictable data a branch per predicate mispredicts so often that
// it costs more than evaluating every predicate. A stage with such a filter
// and no outputs just stores that value as the selection byte. With outputs
// it runs in two passes: the first stores every row's selection byte and
// appends the row to the list of passing rows (passing[count] = row; count
// += sel, no branch), the second computes the outputs for the rows of the
// list only. Measured on the benchmark query (4096-row batches of
// fresh data), that is about twice the rate of one pass with a branch per
// row.
//
// # Expressions
//
// An expression is compiled in one of three ways, chosen by its consumer:
//
//   - as a value ("strict" form): the code leaves the value on the operand
//     stack (BOOLEAN as i32 0/1, INT and BIGINT as i64 with INT kept
//     sign-extended, DOUBLE as f64, STRING as the i64 slot: address low, length
//     high) or, when the value is NULL, branches to a label the consumer gives.
//     A wasm branch discards whatever operands are on the stack, so NULL
//     propagation through arithmetic, comparisons and functions is one
//     validity test per nullable leaf and no code at all for values that
//     cannot be NULL.
//   - as jumps (filters and CASE conditions): a BOOLEAN expression branches to a
//     label when its three-valued result is in a given set ({FALSE, NULL} for
//     WHERE) and falls through otherwise, so `a AND b` is two conditional
//     branches and no boolean is ever materialised.
//   - as a three-valued i32 (FALSE = 0, NULL = 1, TRUE = 2), where AND is
//     the minimum, OR the maximum and NOT is 2-x: used for AND, OR and NOT in
//     value position.
//
// # Semantics (ksqlDB's, as its query-validation tests expect)
//
//   - A comparison with a NULL operand is FALSE, not NULL (ksqlDB generates
//     `a == null || b == null ? false : ...`), so `NOT (x > 1)` is TRUE for a
//     NULL x. AND, OR and NOT are three-valued over NULL booleans.
//   - Evaluation order, which decides which row errors are raised: operands
//     left to right, stopping at the first NULL operand of a strict operator;
//     AND and OR evaluate their right operand only when the left one leaves
//     the answer open (in a filter or a CASE condition, the answer is whether
//     the row passes, so `NULL AND x` does not evaluate x there).
//   - INT arithmetic wraps at 32 bits (computed in i64, then sign-extended
//     from the low 32 bits), BIGINT at 64 bits; INT_MIN / -1 is INT_MIN as in
//     Java and never traps. Integer division and modulo by zero give NULL.
//     DOUBLE arithmetic is IEEE; DOUBLE % is Java's (C's fmod), computed
//     exactly by a helper function.
//   - Strings compare for equality byte by byte (a constant operand is
//     compared with a length test and a few overlapping 4- or 8-byte loads);
//     ordering calls the str_compare intrinsic (Java's UTF-16 order). LIKE
//     with a constant pattern that is one literal with % only at its ends
//     (and no _ or escape) is inline code too; other patterns call str_like.
//   - CAST from DOUBLE to INT or BIGINT truncates toward zero and saturates,
//     NaN gives 0 (Java's (int) and (long) casts); BIGINT to INT keeps the low
//     32 bits. CAST from STRING parses with an intrinsic; on failure it gives
//     NULL when the plan says NullOnError, else the row fails with
//     sdk.SelError+sdk.RowErrCast.
//   - ROUND(DOUBLE) is Java's Math.round (half up, saturating, NaN gives 0);
//     ROUND(DOUBLE, n) rounds the shortest decimal form half up (towards
//     positive infinity for a tie, as ksqlDB's BigDecimal code does), NULL for
//     NaN and infinities. When 10^-n is below x's precision (|x * 10^n| >=
//     2^52) x is returned unchanged, where ksqlDB may move it by an ulp.
//   - CONCAT skips NULL arguments; CONCAT_WS is NULL for a NULL separator and
//     skips NULL arguments. Strings are built in the stage's heap; when it is
//     full (or an intrinsic reports it full) the stage stores the row in
//     sdk.HdrStatusRow and returns sdk.StatusHeapFull.
//
// # Positions section
//
// sdk.PositionsSection holds, for each function that has tagged code:
// uvarint function index, uvarint entry count, then per entry uvarint code
// offset (from the start of the code section's contents, the DWARF
// convention) and uvarint SQL byte offset (0-based). An instruction belongs to
// the last entry of its function at or before its offset. Functions appear in
// index order, entries in offset order.
package codegen
