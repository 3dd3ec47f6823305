package token

import (
	"strconv"
	"strings"
)

// Kind is the lexical class of a token.
type Kind int

// The token kinds. Keywords follow the operators; every keyword has its own
// kind so that the parser can switch on it, and Lookup maps a word to it.
const (
	// ILLEGAL is a character or sequence the scanner could not read; the
	// scanner has already reported an error at its position.
	ILLEGAL Kind = iota
	// EOF is the end of the input.
	EOF

	literalBeg
	// IDENT is an unquoted identifier that is not a keyword (Lit upper-cased).
	IDENT
	// QIDENT is an identifier quoted with backticks or double quotes (Lit as
	// written, quotes removed and doubled quotes unescaped).
	QIDENT
	// STRING is a string literal 'text' (Lit without quotes, '' unescaped).
	STRING
	// INTEGER is a number of digits only: 42.
	INTEGER
	// DECIMAL is a number with a point and no exponent: 4.2, 4., .2
	DECIMAL
	// FLOAT is a number with an exponent: 4.2E1.
	FLOAT
	// VARIABLE is a variable reference ${name} (Lit is the name as written).
	VARIABLE
	literalEnd

	operatorBeg
	EQ        // =
	NE        // <> or !=
	LT        // <
	LE        // <=
	GT        // >
	GE        // >=
	PLUS      // +
	MINUS     // -
	STAR      // *
	SLASH     // /
	PERCENT   // %
	CONCAT    // ||
	COMMA     // ,
	LPAREN    // (
	RPAREN    // )
	DOT       // .
	SEMICOLON // ;
	LBRACK    // [
	RBRACK    // ]
	ARROW     // ->
	COLON     // :
	ASSIGN    // :=
	LAMBDA    // =>
	operatorEnd

	keywordBeg
	ADD
	ADVANCE
	ALL
	ALTER
	ANALYZE
	AND
	ARRAY
	AS
	ASSERT
	AT
	BEGINNING
	BETWEEN
	BY
	CASE
	CAST
	CATALOG
	CHANGES
	COLUMN
	COLUMNS
	CONNECTOR
	CONNECTORS
	CREATE
	DATE
	DAY
	DAYS
	DECIMALKW // DECIMAL, the keyword (DECIMAL is the number kind)
	DEFINE
	DELETE
	DESCRIBE
	DISTINCT
	DROP
	ELSE
	EMIT
	END
	ESCAPE
	EXISTS
	EXPLAIN
	EXPORT
	EXTENDED
	FALSE
	FINAL
	FROM
	FULL
	FUNCTION
	FUNCTIONS
	GRACE
	GROUP
	HAVING
	HEADER
	HEADERS
	HOPPING
	HOUR
	HOURS
	ID
	IF
	IN
	INNER
	INSERT
	INTEGERKW // INTEGER, the keyword (INTEGER is the number kind)
	INTERVAL
	INTO
	IS
	JOIN
	KEY
	LEFT
	LIKE
	LIMIT
	LIST
	LOAD
	MAP
	MATERIALIZED
	MILLISECOND
	MILLISECONDS
	MINUTE
	MINUTES
	MONTH
	MONTHS
	NAMESPACE
	NOT
	NULL
	ON
	OR
	OUTER
	PARTITION
	PARTITIONS
	PERIOD
	PLUGINS
	PRIMARY
	PRINT
	PROPERTIES
	QUERIES
	QUERY
	RENAME
	REPLACE
	RESET
	RETENTION
	RIGHT
	RUN
	SAMPLE
	SCHEMA
	SCRIPT
	SECOND
	SECONDS
	SELECT
	SESSION
	SET
	SHOW
	SINK
	SIZE
	SOURCE
	STREAM
	STREAMS
	STRINGKW // STRING, the keyword (STRING is the literal kind)
	STRUCT
	SUBJECT
	SYSTEM
	TABLE
	TABLES
	TERMINATE
	THEN
	TIME
	TIMEOUT
	TIMESTAMP
	TO
	TOPIC
	TOPICS
	TRUE
	TUMBLING
	TYPE
	TYPES
	UNDEFINE
	UNSET
	VALUES
	VARIABLES
	VIEW
	WHEN
	WHERE
	WINDOW
	WITH
	WITHIN
	YEAR
	YEARS
	ZONE
	keywordEnd
)

var kindNames = [...]string{
	ILLEGAL:  "ILLEGAL",
	EOF:      "end of input",
	IDENT:    "identifier",
	QIDENT:   "quoted identifier",
	STRING:   "string",
	INTEGER:  "integer",
	DECIMAL:  "decimal number",
	FLOAT:    "floating-point number",
	VARIABLE: "variable",

	EQ:        "=",
	NE:        "<>",
	LT:        "<",
	LE:        "<=",
	GT:        ">",
	GE:        ">=",
	PLUS:      "+",
	MINUS:     "-",
	STAR:      "*",
	SLASH:     "/",
	PERCENT:   "%",
	CONCAT:    "||",
	COMMA:     ",",
	LPAREN:    "(",
	RPAREN:    ")",
	DOT:       ".",
	SEMICOLON: ";",
	LBRACK:    "[",
	RBRACK:    "]",
	ARROW:     "->",
	COLON:     ":",
	ASSIGN:    ":=",
	LAMBDA:    "=>",

	ADD:          "ADD",
	ADVANCE:      "ADVANCE",
	ALL:          "ALL",
	ALTER:        "ALTER",
	ANALYZE:      "ANALYZE",
	AND:          "AND",
	ARRAY:        "ARRAY",
	AS:           "AS",
	ASSERT:       "ASSERT",
	AT:           "AT",
	BEGINNING:    "BEGINNING",
	BETWEEN:      "BETWEEN",
	BY:           "BY",
	CASE:         "CASE",
	CAST:         "CAST",
	CATALOG:      "CATALOG",
	CHANGES:      "CHANGES",
	COLUMN:       "COLUMN",
	COLUMNS:      "COLUMNS",
	CONNECTOR:    "CONNECTOR",
	CONNECTORS:   "CONNECTORS",
	CREATE:       "CREATE",
	DATE:         "DATE",
	DAY:          "DAY",
	DAYS:         "DAYS",
	DECIMALKW:    "DECIMAL",
	DEFINE:       "DEFINE",
	DELETE:       "DELETE",
	DESCRIBE:     "DESCRIBE",
	DISTINCT:     "DISTINCT",
	DROP:         "DROP",
	ELSE:         "ELSE",
	EMIT:         "EMIT",
	END:          "END",
	ESCAPE:       "ESCAPE",
	EXISTS:       "EXISTS",
	EXPLAIN:      "EXPLAIN",
	EXPORT:       "EXPORT",
	EXTENDED:     "EXTENDED",
	FALSE:        "FALSE",
	FINAL:        "FINAL",
	FROM:         "FROM",
	FULL:         "FULL",
	FUNCTION:     "FUNCTION",
	FUNCTIONS:    "FUNCTIONS",
	GRACE:        "GRACE",
	GROUP:        "GROUP",
	HAVING:       "HAVING",
	HEADER:       "HEADER",
	HEADERS:      "HEADERS",
	HOPPING:      "HOPPING",
	HOUR:         "HOUR",
	HOURS:        "HOURS",
	ID:           "ID",
	IF:           "IF",
	IN:           "IN",
	INNER:        "INNER",
	INSERT:       "INSERT",
	INTEGERKW:    "INTEGER",
	INTERVAL:     "INTERVAL",
	INTO:         "INTO",
	IS:           "IS",
	JOIN:         "JOIN",
	KEY:          "KEY",
	LEFT:         "LEFT",
	LIKE:         "LIKE",
	LIMIT:        "LIMIT",
	LIST:         "LIST",
	LOAD:         "LOAD",
	MAP:          "MAP",
	MATERIALIZED: "MATERIALIZED",
	MILLISECOND:  "MILLISECOND",
	MILLISECONDS: "MILLISECONDS",
	MINUTE:       "MINUTE",
	MINUTES:      "MINUTES",
	MONTH:        "MONTH",
	MONTHS:       "MONTHS",
	NAMESPACE:    "NAMESPACE",
	NOT:          "NOT",
	NULL:         "NULL",
	ON:           "ON",
	OR:           "OR",
	OUTER:        "OUTER",
	PARTITION:    "PARTITION",
	PARTITIONS:   "PARTITIONS",
	PERIOD:       "PERIOD",
	PLUGINS:      "PLUGINS",
	PRIMARY:      "PRIMARY",
	PRINT:        "PRINT",
	PROPERTIES:   "PROPERTIES",
	QUERIES:      "QUERIES",
	QUERY:        "QUERY",
	RENAME:       "RENAME",
	REPLACE:      "REPLACE",
	RESET:        "RESET",
	RETENTION:    "RETENTION",
	RIGHT:        "RIGHT",
	RUN:          "RUN",
	SAMPLE:       "SAMPLE",
	SCHEMA:       "SCHEMA",
	SCRIPT:       "SCRIPT",
	SECOND:       "SECOND",
	SECONDS:      "SECONDS",
	SELECT:       "SELECT",
	SESSION:      "SESSION",
	SET:          "SET",
	SHOW:         "SHOW",
	SINK:         "SINK",
	SIZE:         "SIZE",
	SOURCE:       "SOURCE",
	STREAM:       "STREAM",
	STREAMS:      "STREAMS",
	STRINGKW:     "STRING",
	STRUCT:       "STRUCT",
	SUBJECT:      "SUBJECT",
	SYSTEM:       "SYSTEM",
	TABLE:        "TABLE",
	TABLES:       "TABLES",
	TERMINATE:    "TERMINATE",
	THEN:         "THEN",
	TIME:         "TIME",
	TIMEOUT:      "TIMEOUT",
	TIMESTAMP:    "TIMESTAMP",
	TO:           "TO",
	TOPIC:        "TOPIC",
	TOPICS:       "TOPICS",
	TRUE:         "TRUE",
	TUMBLING:     "TUMBLING",
	TYPE:         "TYPE",
	TYPES:        "TYPES",
	UNDEFINE:     "UNDEFINE",
	UNSET:        "UNSET",
	VALUES:       "VALUES",
	VARIABLES:    "VARIABLES",
	VIEW:         "VIEW",
	WHEN:         "WHEN",
	WHERE:        "WHERE",
	WINDOW:       "WINDOW",
	WITH:         "WITH",
	WITHIN:       "WITHIN",
	YEAR:         "YEAR",
	YEARS:        "YEARS",
	ZONE:         "ZONE",
}

// nonReserved are the keywords that ksqlDB also accepts as identifiers
// (its grammar's nonReserved rule): a column may be called KEY, a source
// SESSION. Every other keyword can only be used as a name when quoted.
var nonReserved = map[Kind]bool{
	SHOW: true, TABLES: true, COLUMNS: true, COLUMN: true, PARTITIONS: true,
	FUNCTIONS: true, FUNCTION: true, SESSION: true, STRUCT: true, MAP: true,
	ARRAY: true, PARTITION: true, INTEGERKW: true, DATE: true, TIME: true,
	TIMESTAMP: true, INTERVAL: true, ZONE: true, STRINGKW: true, YEAR: true,
	MONTH: true, DAY: true, HOUR: true, MINUTE: true, SECOND: true,
	EXPLAIN: true, ANALYZE: true, TYPE: true, TYPES: true, SET: true,
	RESET: true, IF: true, SOURCE: true, SINK: true, PRIMARY: true, KEY: true,
	EMIT: true, CHANGES: true, FINAL: true, ESCAPE: true, REPLACE: true,
	ASSERT: true, ALTER: true, ADD: true, HEADER: true, HEADERS: true,
	GRACE: true, PERIOD: true, DEFINE: true, UNDEFINE: true, VARIABLES: true,
	PLUGINS: true, SYSTEM: true, TIMEOUT: true, SCHEMA: true, SUBJECT: true,
	ID: true,
}

var keywords = func() map[string]Kind {
	m := make(map[string]Kind, keywordEnd-keywordBeg)
	for k := keywordBeg + 1; k < keywordEnd; k++ {
		m[kindNames[k]] = k
	}
	return m
}()

// String returns the text of an operator or keyword, or a description of a
// literal kind ("identifier", "string", "end of input").
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "token(" + strconv.Itoa(int(k)) + ")"
}

// IsLiteral reports whether k is an identifier, string, number or variable.
func (k Kind) IsLiteral() bool { return literalBeg < k && k < literalEnd }

// IsOperator reports whether k is an operator or punctuation.
func (k Kind) IsOperator() bool { return operatorBeg < k && k < operatorEnd }

// IsKeyword reports whether k is a keyword.
func (k Kind) IsKeyword() bool { return keywordBeg < k && k < keywordEnd }

// IsReserved reports whether k is a keyword that cannot be used as an
// unquoted identifier. ksqlDB reserves every keyword except the ones its
// grammar lists as non-reserved; we reserve exactly the same ones so that a
// script means the same here and in ksqlDB.
func (k Kind) IsReserved() bool { return k.IsKeyword() && !nonReserved[k] }

// IsNumber reports whether k is an INTEGER, DECIMAL or FLOAT literal.
func (k Kind) IsNumber() bool { return k == INTEGER || k == DECIMAL || k == FLOAT }

// Lookup maps an upper-cased word to its keyword kind, or IDENT if the word
// is not a keyword.
func Lookup(upper string) Kind {
	if k, ok := keywords[upper]; ok {
		return k
	}
	return IDENT
}

// IsKeyword reports whether the word (in any case) is a keyword of the
// dialect.
func IsKeyword(word string) bool {
	_, ok := keywords[strings.ToUpper(word)]
	return ok
}

// Token is one token as the scanner returns it.
type Token struct {
	Kind Kind
	Pos  Pos    // position of the first character
	End  Pos    // position just after the last character
	Lit  string // see the kinds: upper-cased word, unquoted text, or number as written
}
