package analyzer

import (
	"errors"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
)

const (
	inputIDName = "CREATE STREAM INPUT (ID INT KEY, NAME STRING) WITH (kafka_topic='input', value_format='JSON');\n"
	testDelim   = "CREATE STREAM TEST (K STRING KEY, ID BIGINT, NAME VARCHAR, VALUE BIGINT) WITH (kafka_topic='test_topic', value_format='DELIMITED');\n"
)

// TestPlans checks what scripts compile to: the last statement's plan (or,
// for a CREATE, its catalog entry) in FormatPlan/FormatSource form.
func TestPlans(t *testing.T) {
	tests := []struct {
		name  string
		props map[string]string
		sql   string
		want  string
	}{
		{
			name: "filter on key, star keeps key then values",
			sql:  inputIDName + "CREATE STREAM OUTPUT AS SELECT * FROM INPUT WHERE id < 10;",
			want: `query CSAS_OUTPUT_0 (CSAS)
source INPUT STREAM topic=input key=KAFKA value=JSON [ID INTEGER KEY, NAME STRING]
sink OUTPUT STREAM topic=OUTPUT key=KAFKA value=JSON [ID INTEGER KEY, NAME STRING]
stage_0($0 ID INTEGER KEY, $1 NAME STRING)
  filter ($0 < 10)
  ID INTEGER KEY = $0
  NAME STRING = $1
`,
		},
		{
			name: "only used columns are inputs; pseudo-columns after source columns",
			sql: "CREATE STREAM S (K STRING KEY, A INT, B DOUBLE, C STRING) WITH (kafka_topic='s', value_format='JSON');\n" +
				"CREATE STREAM O AS SELECT K, ROWTIME AS T, ROWPARTITION AS P, B * 2 AS B2 FROM S s WHERE s.B > ROWOFFSET;",
			want: `query CSAS_O_0 (CSAS)
source S STREAM topic=s key=KAFKA value=JSON [K STRING KEY, A INTEGER, B DOUBLE, C STRING]
sink O STREAM topic=O key=KAFKA value=JSON [K STRING KEY, T BIGINT, P INTEGER, B2 DOUBLE]
stage_0($0 K STRING KEY, $1 B DOUBLE, $2 ROWTIME BIGINT, $3 ROWPARTITION INTEGER, $4 ROWOFFSET BIGINT)
  filter ($1 > DOUBLE($4))
  K STRING KEY = $0
  T BIGINT = $2
  P INTEGER = $3
  B2 DOUBLE = ($1 * 2.0)
`,
		},
		{
			name: "numeric widening, generated names, string + and CONCAT_WS with NULL",
			sql: "CREATE STREAM I (K STRING KEY, C1 BIGINT, C2 INTEGER, C3 STRING) WITH (kafka_topic='t', value_format='DELIMITED', value_delimiter='|');\n" +
				"CREATE STREAM S1 WITH (KAFKA_TOPIC='topic_s') AS SELECT K, C1 + C2, C3 + C3, -C2, SUBSTRING(C3, 2), CONCAT_WS(',', C3, NULL), 6 / 3 - 4 FROM I WHERE C1 = 4294967296;",
			want: `query CSAS_S1_0 (CSAS)
source I STREAM topic=t key=KAFKA value=DELIMITED value_delimiter="|" [K STRING KEY, C1 BIGINT, C2 INTEGER, C3 STRING]
sink S1 STREAM topic=topic_s key=KAFKA value=DELIMITED value_delimiter="|" [K STRING KEY, KSQL_COL_0 BIGINT, KSQL_COL_1 STRING, KSQL_COL_2 INTEGER, KSQL_COL_3 STRING, KSQL_COL_4 STRING, KSQL_COL_5 INTEGER]
stage_0($0 K STRING KEY, $1 C1 BIGINT, $2 C2 INTEGER, $3 C3 STRING)
  filter ($1 = 4294967296L)
  K STRING KEY = $0
  KSQL_COL_0 BIGINT = ($1 + BIGINT($2))
  KSQL_COL_1 STRING = CASE WHEN (($3 IS NULL) OR ($3 IS NULL)) THEN NULL:STRING ELSE CONCAT($3, $3) END
  KSQL_COL_2 INTEGER = -$2
  KSQL_COL_3 STRING = SUBSTRING($3, 2)
  KSQL_COL_4 STRING = CONCAT_WS(',', $3, NULL:STRING)
  KSQL_COL_5 INTEGER = ((6 / 3) - 4)
`,
		},
		{
			name: "PARTITION BY a value column with SELECT *: new key, values, then old key",
			sql:  testDelim + "CREATE STREAM REPARTITIONED AS select * from TEST partition by name;",
			want: `query CSAS_REPARTITIONED_0 (CSAS)
source TEST STREAM topic=test_topic key=KAFKA value=DELIMITED value_delimiter="," [K STRING KEY, ID BIGINT, NAME STRING, VALUE BIGINT]
sink REPARTITIONED STREAM topic=REPARTITIONED key=KAFKA value=DELIMITED value_delimiter="," [NAME STRING KEY, ID BIGINT, VALUE BIGINT, K STRING]
stage_0($0 K STRING KEY, $1 ID BIGINT, $2 NAME STRING, $3 VALUE BIGINT)
  NAME STRING KEY = $2
  ID BIGINT = $1
  VALUE BIGINT = $3
  K STRING = $0
`,
		},
		{
			name: "PARTITION BY expressions take the names of the matching select items",
			sql: "CREATE STREAM INPUT (AGE INT KEY, NAME STRING, ID INT) with (kafka_topic='input', format='JSON');\n" +
				"CREATE STREAM OUTPUT AS select ABS(ID), 1, AGE + 2 AS K3, AGE, NAME from INPUT partition by ABS(ID), 1, AGE + 2;",
			want: `query CSAS_OUTPUT_0 (CSAS)
source INPUT STREAM topic=input key=JSON value=JSON [AGE INTEGER KEY, NAME STRING, ID INTEGER]
sink OUTPUT STREAM topic=OUTPUT key=JSON value=JSON [KSQL_COL_0 INTEGER KEY, KSQL_COL_1 INTEGER KEY, K3 INTEGER KEY, AGE INTEGER, NAME STRING]
stage_0($0 AGE INTEGER KEY, $1 NAME STRING, $2 ID INTEGER)
  KSQL_COL_0 INTEGER KEY = ABS($2)
  KSQL_COL_1 INTEGER KEY = 1
  K3 INTEGER KEY = ($0 + 2)
  AGE INTEGER = $0
  NAME STRING = $1
`,
		},
		{
			name: "PARTITION BY two columns of a keyless KAFKA-keyed stream switches the key to JSON",
			sql: "CREATE STREAM INPUT (NAME STRING, ID INT, AGE INT) with (kafka_topic='input', value_format='JSON');\n" +
				"CREATE STREAM OUTPUT AS select * from INPUT partition by ID, AGE;",
			want: `query CSAS_OUTPUT_0 (CSAS)
source INPUT STREAM topic=input key=KAFKA value=JSON [NAME STRING, ID INTEGER, AGE INTEGER]
sink OUTPUT STREAM topic=OUTPUT key=JSON value=JSON [ID INTEGER KEY, AGE INTEGER KEY, NAME STRING]
stage_0($0 NAME STRING, $1 ID INTEGER, $2 AGE INTEGER)
  ID INTEGER KEY = $1
  AGE INTEGER KEY = $2
  NAME STRING = $0
`,
		},
		{
			name: "PARTITION BY ROWTIME with SELECT *",
			sql: "CREATE STREAM INPUT (K STRING KEY, ID bigint) with (kafka_topic='input', value_format='JSON');\n" +
				"CREATE STREAM OUTPUT AS select * from INPUT partition by ROWTIME;",
			want: `query CSAS_OUTPUT_0 (CSAS)
source INPUT STREAM topic=input key=KAFKA value=JSON [K STRING KEY, ID BIGINT]
sink OUTPUT STREAM topic=OUTPUT key=KAFKA value=JSON [ROWTIME BIGINT KEY, ID BIGINT, K STRING]
stage_0($0 K STRING KEY, $1 ID BIGINT, $2 ROWTIME BIGINT)
  ROWTIME BIGINT KEY = $2
  ID BIGINT = $1
  K STRING = $0
`,
		},
		{
			name: "PARTITION BY NULL makes the sink keyless with key format NONE",
			sql:  inputIDName + "CREATE STREAM OUTPUT AS SELECT ID, NAME from INPUT partition by null;",
			want: `query CSAS_OUTPUT_0 (CSAS)
source INPUT STREAM topic=input key=KAFKA value=JSON [ID INTEGER KEY, NAME STRING]
sink OUTPUT STREAM topic=OUTPUT key=NONE value=JSON [ID INTEGER, NAME STRING]
stage_0($0 ID INTEGER KEY, $1 NAME STRING)
  ID INTEGER = $0
  NAME STRING = $1
`,
		},
		{
			name: "old planner keeps source key order",
			sql: "CREATE STREAM INPUT (id int KEY, age int KEY, name STRING) WITH (kafka_topic='t', format='JSON');\n" +
				"CREATE STREAM OUTPUT AS SELECT age, id, NAME FROM INPUT;",
			want: `query CSAS_OUTPUT_0 (CSAS)
source INPUT STREAM topic=t key=JSON value=JSON [ID INTEGER KEY, AGE INTEGER KEY, NAME STRING]
sink OUTPUT STREAM topic=OUTPUT key=JSON value=JSON [ID INTEGER KEY, AGE INTEGER KEY, NAME STRING]
stage_0($0 ID INTEGER KEY, $1 AGE INTEGER KEY, $2 NAME STRING)
  ID INTEGER KEY = $0
  AGE INTEGER KEY = $1
  NAME STRING = $2
`,
		},
		{
			name:  "new planner keeps projection key order",
			props: map[string]string{PropNewQueryPlanner: "true"},
			sql: "CREATE STREAM INPUT (id int KEY, age int KEY, name STRING) WITH (kafka_topic='t', format='JSON');\n" +
				"CREATE STREAM OUTPUT AS SELECT age, id, NAME FROM INPUT;",
			want: `query CSAS_OUTPUT_0 (CSAS)
source INPUT STREAM topic=t key=JSON value=JSON [ID INTEGER KEY, AGE INTEGER KEY, NAME STRING]
sink OUTPUT STREAM topic=OUTPUT key=JSON value=JSON [AGE INTEGER KEY, ID INTEGER KEY, NAME STRING]
stage_0($0 ID INTEGER KEY, $1 AGE INTEGER KEY, $2 NAME STRING)
  AGE INTEGER KEY = $1
  ID INTEGER KEY = $0
  NAME STRING = $2
`,
		},
		{
			name: "IN over strings turns literals into text and never yields NULL",
			sql: "CREATE STREAM INPUT (VAL0 STRING, VAL1 STRING) WITH (kafka_topic='t', format='JSON');\n" +
				"CREATE STREAM OUTPUT AS SELECT * FROM INPUT WHERE VAL0 NOT IN (true, 10, '10.1', 10.30, VAL1, NULL);",
			want: `query CSAS_OUTPUT_0 (CSAS)
source INPUT STREAM topic=t key=JSON value=JSON [VAL0 STRING, VAL1 STRING]
sink OUTPUT STREAM topic=OUTPUT key=NONE value=JSON [VAL0 STRING, VAL1 STRING]
stage_0($0 VAL0 STRING, $1 VAL1 STRING)
  filter NOT CASE WHEN ((((($0 = 'true') OR ($0 = '10')) OR ($0 = '10.1')) OR ($0 = '10.30')) OR ($0 = $1)) THEN TRUE ELSE FALSE END
  VAL0 STRING = $0
  VAL1 STRING = $1
`,
		},
		{
			name: "DECIMAL: literals, exact comparisons across scales, ksqlDB's result types, BYTES functions",
			sql: "CREATE STREAM S (K STRING KEY, D DECIMAL(4, 3), I INT, X DOUBLE, B BYTES) WITH (kafka_topic='s', value_format='JSON');\n" +
				"CREATE STREAM O AS SELECT K, D < 1.20 AS LT, D + 1.5 AS A, I * 0.5 AS M, D * D AS DD, D = X AS E, EXP(I) AS EX, LEN(B) AS L, CAST(D AS DECIMAL(3, 1)) AS C FROM S;",
			want: `query CSAS_O_0 (CSAS)
source S STREAM topic=s key=KAFKA value=JSON [K STRING KEY, D DECIMAL(4, 3), I INTEGER, X DOUBLE, B BYTES]
sink O STREAM topic=O key=KAFKA value=JSON [K STRING KEY, LT BOOLEAN, A DECIMAL(5, 3), M DECIMAL(12, 1), DD DECIMAL(9, 6), E BOOLEAN, EX DOUBLE, L INTEGER, C DECIMAL(3, 1)]
stage_0($0 K STRING KEY, $1 D DECIMAL(4, 3), $2 I INTEGER, $3 X DOUBLE, $4 B BYTES)
  K STRING KEY = $0
  LT BOOLEAN = ($1 < 1.20BD)
  A DECIMAL(5, 3) = ($1 + 1.5BD)
  M DECIMAL(12, 1) = (DECIMAL(10, 0)($2) * 0.5BD)
  DD DECIMAL(9, 6) = ($1 * $1)
  E BOOLEAN = (DOUBLE($1) = $3)
  EX DOUBLE = EXP(DOUBLE($2))
  L INTEGER = LEN($4)
  C DECIMAL(3, 1) = DECIMAL(3, 1)($1)
`,
		},
		{
			name: "IS [NOT] DISTINCT FROM treats NULL as a value",
			sql: "CREATE STREAM INPUT (A INT, B BIGINT) WITH (kafka_topic='t', format='JSON');\n" +
				"CREATE STREAM OUTPUT AS SELECT A IS DISTINCT FROM B AS D, A IS NOT DISTINCT FROM NULL AS N FROM INPUT;",
			want: `query CSAS_OUTPUT_0 (CSAS)
source INPUT STREAM topic=t key=JSON value=JSON [A INTEGER, B BIGINT]
sink OUTPUT STREAM topic=OUTPUT key=NONE value=JSON [D BOOLEAN, N BOOLEAN]
stage_0($0 A INTEGER, $1 B BIGINT)
  D BOOLEAN = CASE WHEN ($0 IS NULL) THEN ($1 IS NOT NULL) WHEN ($1 IS NULL) THEN TRUE ELSE (BIGINT($0) <> $1) END
  N BOOLEAN = ($0 IS NULL)
`,
		},
		{
			name: "IN over numbers compares in the widest type, parsing numeric strings",
			sql: "CREATE STREAM INPUT (VAL0 INT, VAL1 BIGINT) WITH (kafka_topic='t', format='JSON');\n" +
				"CREATE STREAM OUTPUT AS SELECT VAL0 IN (1, '2147483648') AS A, VAL0 IN (VAL1, 2) AS B FROM INPUT;",
			want: `query CSAS_OUTPUT_0 (CSAS)
source INPUT STREAM topic=t key=JSON value=JSON [VAL0 INTEGER, VAL1 BIGINT]
sink OUTPUT STREAM topic=OUTPUT key=NONE value=JSON [A BOOLEAN, B BOOLEAN]
stage_0($0 VAL0 INTEGER, $1 VAL1 BIGINT)
  A BOOLEAN = CASE WHEN ((BIGINT($0) = 1L) OR (BIGINT($0) = 2147483648L)) THEN TRUE ELSE FALSE END
  B BOOLEAN = CASE WHEN ((BIGINT($0) = $1) OR (BIGINT($0) = 2L)) THEN TRUE ELSE FALSE END
`,
		},
		{
			name: "CASE with NULL branches, BETWEEN, aliased ROWTIME",
			sql: "CREATE STREAM orders (ID STRING KEY, ORDERUNITS double) WITH (kafka_topic='t', value_format='JSON');\n" +
				"CREATE STREAM S1 AS SELECT ID, CASE WHEN orderunits < 2.0 THEN null WHEN orderunits < 4.0 THEN 'medium' END AS case_result, ROWTIME AS RT FROM orders WHERE orderunits NOT BETWEEN 1 AND 5;",
			want: `query CSAS_S1_0 (CSAS)
source ORDERS STREAM topic=t key=KAFKA value=JSON [ID STRING KEY, ORDERUNITS DOUBLE]
sink S1 STREAM topic=S1 key=KAFKA value=JSON [ID STRING KEY, CASE_RESULT STRING, RT BIGINT]
stage_0($0 ID STRING KEY, $1 ORDERUNITS DOUBLE, $2 ROWTIME BIGINT)
  filter NOT (($1 >= 1.0) AND ($1 <= 5.0))
  ID STRING KEY = $0
  CASE_RESULT STRING = CASE WHEN ($1 < 2.0) THEN NULL:STRING WHEN ($1 < 4.0) THEN 'medium' ELSE NULL:STRING END
  RT BIGINT = $2
`,
		},
		{
			name: "simple CASE, CAST, IS NULL, LIKE with ESCAPE, functions",
			sql: "CREATE STREAM S (K STRING KEY, A INT, B STRING, D DOUBLE) WITH (kafka_topic='s', value_format='JSON');\n" +
				"CREATE STREAM O AS SELECT K, CASE A WHEN 1 THEN 'one' ELSE 'many' END AS C, CAST(B AS BIGINT) AS X, " +
				"ROUND(D) AS R, ROUND(D, 2) AS R2, COALESCE(A, D) AS CO, NULLIF(B, 'x') AS N, LEN(B) AS L, CAST(NULL AS STRING) AS Z " +
				"FROM S WHERE B IS NOT NULL AND B LIKE '%!%' ESCAPE '!';",
			want: `query CSAS_O_0 (CSAS)
source S STREAM topic=s key=KAFKA value=JSON [K STRING KEY, A INTEGER, B STRING, D DOUBLE]
sink O STREAM topic=O key=KAFKA value=JSON [K STRING KEY, C STRING, X BIGINT, R BIGINT, R2 DOUBLE, CO DOUBLE, N STRING, L INTEGER, Z STRING]
stage_0($0 K STRING KEY, $1 A INTEGER, $2 B STRING, $3 D DOUBLE)
  filter (($2 IS NOT NULL) AND ($2 LIKE '%!%' ESCAPE '!'))
  K STRING KEY = $0
  C STRING = CASE WHEN ($1 = 1) THEN 'one' ELSE 'many' END
  X BIGINT = BIGINT($2)?
  R BIGINT = ROUND($3)
  R2 DOUBLE = ROUND($3, 2)
  CO DOUBLE = COALESCE(DOUBLE($1), $3)
  N STRING = NULLIF($2, 'x')
  L INTEGER = LEN($2)
  Z STRING = NULL:STRING
`,
		},
		{
			name: "literals: INT and BIGINT bounds, DOUBLE, booleans",
			sql: "CREATE STREAM INPUT (K STRING KEY, ID bigint) WITH (kafka_topic='input', value_format='DELIMITED');\n" +
				"CREATE STREAM OUTPUT AS select K, -2147483648 AS MIN, 2147483648 AS BIG, 04.90E-324 AS TINY, 2.345, TRUE FROM INPUT;",
			want: `query CSAS_OUTPUT_0 (CSAS)
source INPUT STREAM topic=input key=KAFKA value=DELIMITED value_delimiter="," [K STRING KEY, ID BIGINT]
sink OUTPUT STREAM topic=OUTPUT key=KAFKA value=DELIMITED value_delimiter="," [K STRING KEY, MIN INTEGER, BIG BIGINT, TINY DOUBLE, KSQL_COL_0 DECIMAL(4, 3), KSQL_COL_1 BOOLEAN]
stage_0($0 K STRING KEY)
  K STRING KEY = $0
  MIN INTEGER = -2147483648
  BIG BIGINT = 2147483648L
  TINY DOUBLE = 5e-324
  KSQL_COL_0 DECIMAL(4, 3) = 2.345BD
  KSQL_COL_1 BOOLEAN = TRUE
`,
		},
		{
			name:  "topic prefix, quoted sink name keeps its case",
			props: map[string]string{PropOutputTopicPrefix: "some-prefix-"},
			sql:   inputIDName + "CREATE STREAM `OutPut` AS SELECT * FROM INPUT;",
			want: `query CSAS_OUTPUT_0 (CSAS)
source INPUT STREAM topic=input key=KAFKA value=JSON [ID INTEGER KEY, NAME STRING]
sink OutPut STREAM topic=some-prefix-OutPut key=KAFKA value=JSON [ID INTEGER KEY, NAME STRING]
stage_0($0 ID INTEGER KEY, $1 NAME STRING)
  ID INTEGER KEY = $0
  NAME STRING = $1
`,
		},
		{
			name: "sink formats override; AS_VALUE copies the key into the value",
			sql: "CREATE TABLE INPUT (K STRING PRIMARY KEY, ID bigint) WITH (kafka_topic='input', value_format='JSON');\n" +
				"CREATE TABLE OUTPUT WITH (format='DELIMITED') as SELECT K, ID, AS_VALUE(K) as KEY FROM INPUT;",
			want: `query CTAS_OUTPUT_0 (CTAS)
source INPUT TABLE topic=input key=KAFKA value=JSON [K STRING PRIMARY KEY, ID BIGINT]
sink OUTPUT TABLE topic=OUTPUT key=DELIMITED value=DELIMITED key_delimiter="," value_delimiter="," [K STRING PRIMARY KEY, ID BIGINT, KEY STRING]
stage_0($0 K STRING KEY, $1 ID BIGINT)
  K STRING KEY = $0
  ID BIGINT = $1
  KEY STRING = $0
`,
		},
		{
			name: "WRAP_SINGLE_VALUE=false on the sink",
			sql: "CREATE STREAM INPUT (V INT) WITH (kafka_topic='input_topic', value_format='JSON');\n" +
				"CREATE STREAM OUTPUT WITH (WRAP_SINGLE_VALUE=false) AS SELECT * FROM INPUT;",
			want: `query CSAS_OUTPUT_0 (CSAS)
source INPUT STREAM topic=input_topic key=KAFKA value=JSON [V INTEGER]
sink OUTPUT STREAM topic=OUTPUT key=NONE value=JSON unwrapped [V INTEGER]
stage_0($0 V INTEGER)
  V INTEGER = $0
`,
		},
		{
			name: "INSERT INTO ... SELECT widens to the target's types; ids count queries",
			sql: "CREATE STREAM SOURCE (c0 INT, ignored VARCHAR) WITH (kafka_topic='source', value_format='JSON');\n" +
				"CREATE STREAM COPY AS SELECT * FROM SOURCE;\n" +
				"CREATE STREAM TARGET (c1 BIGINT, c2 DOUBLE) WITH (kafka_topic='target', value_format='JSON');\n" +
				"INSERT INTO TARGET SELECT 1 as c1, c0 as c2 FROM SOURCE;",
			want: `query INSERTQUERY_1 (INSERT)
source SOURCE STREAM topic=source key=KAFKA value=JSON [C0 INTEGER, IGNORED STRING]
sink TARGET STREAM topic=target key=KAFKA value=JSON [C1 BIGINT, C2 DOUBLE]
stage_0($0 C0 INTEGER)
  C1 BIGINT = 1L
  C2 DOUBLE = DOUBLE($0)
`,
		},
		{
			name: "INSERT VALUES: named columns, others NULL, ROWTIME",
			sql:  inputIDName + "INSERT INTO INPUT (name, ROWTIME) VALUES ('a', 10);",
			want: `query VALUES_INPUT (VALUES)
sink INPUT STREAM topic=input key=KAFKA value=JSON [ID INTEGER KEY, NAME STRING]
stage_0()
  ID INTEGER KEY = NULL:INTEGER
  NAME STRING = 'a'
  ROWTIME BIGINT = 10L
`,
		},
		{
			name: "INSERT VALUES without columns: keys first",
			sql: "CREATE TABLE T (NAME STRING, ID BIGINT PRIMARY KEY) WITH (kafka_topic='t', value_format='JSON');\n" +
				"INSERT INTO T VALUES (1, UCASE('x'));",
			want: `query VALUES_T (VALUES)
sink T TABLE topic=t key=KAFKA value=JSON [ID BIGINT PRIMARY KEY, NAME STRING]
stage_0()
  ID BIGINT KEY = 1L
  NAME STRING = UCASE('x')
`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, pos, err := runScript(t, tc.props, tc.sql)
			if err != nil {
				t.Fatalf("%s: %v", pos, err)
			}
			if res.Query == nil {
				t.Fatalf("no plan; result %v", res.Kind)
			}
			if got := FormatPlan(res.Query); got != tc.want {
				t.Errorf("plan:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestSources checks the catalog entries CREATE statements make.
func TestSources(t *testing.T) {
	tests := []struct {
		name               string
		defaultValueFormat string
		sql                string
		want               string
	}{
		{"key columns first, defaults", "",
			"CREATE STREAM S (A INT, K STRING KEY, B DOUBLE) WITH (kafka_topic='s', value_format='json');",
			"S STREAM topic=s key=KAFKA value=JSON [K STRING KEY, A INTEGER, B DOUBLE]"},
		{"FORMAT sets both, delimiter words", "",
			"CREATE STREAM S (A INT, K STRING KEY) WITH (kafka_topic='s', format='DELIMITED', value_delimiter='SPACE', key_delimiter='TAB');",
			`S STREAM topic=s key=DELIMITED value=DELIMITED key_delimiter="TAB" value_delimiter="SPACE" [K STRING KEY, A INTEGER]`},
		{"default formats from properties", "JSON",
			"CREATE TABLE T (ID BIGINT PRIMARY KEY, V STRING) WITH (kafka_topic='t', partitions=3);",
			"T TABLE topic=t key=KAFKA value=JSON partitions=3 [ID BIGINT PRIMARY KEY, V STRING]"},
		{"windowed source, timestamp column", "",
			"CREATE STREAM W (K INT KEY, TS BIGINT) WITH (kafka_topic='w', value_format='JSON', WINDOW_TYPE='Tumbling', WINDOW_SIZE='30 seconds', timestamp='ts');",
			"W STREAM topic=w key=KAFKA value=JSON window=TUMBLING/30000ms timestamp=TS [K INTEGER KEY, TS BIGINT]"},
		{"unwrapped single value", "",
			"CREATE STREAM U (V BOOLEAN) WITH (WRAP_SINGLE_VALUE=false, kafka_topic='u', value_format='JSON');",
			"U STREAM topic=u key=KAFKA value=JSON unwrapped [V BOOLEAN]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var props map[string]string
			if tc.defaultValueFormat != "" {
				props = map[string]string{PropDefaultValueFormat: tc.defaultValueFormat}
			}
			res, pos, err := runScript(t, props, tc.sql)
			if err != nil {
				t.Fatalf("%s: %v", pos, err)
			}
			if res.Kind != KindCreateSource {
				t.Fatalf("kind %v", res.Kind)
			}
			if got := FormatSource(res.Source); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestErrors checks that scripts are rejected at the right place with
// ksqlDB's message (or ours where ksqlDB's tests do not fix one).
func TestErrors(t *testing.T) {
	tests := []struct {
		sql  string
		pos  string // line:col of the error
		want string // contained in the message
	}{
		// Key rules (project-filter.json, partition-by.json).
		{inputIDName + "CREATE STREAM OUTPUT as SELECT NAME FROM INPUT;",
			"2:25", "The query used to build `OUTPUT` must include the key column ID in its projection (eg, SELECT ID...)."},
		{"CREATE STREAM INPUT (ID INT KEY, ID2 INT KEY, NAME STRING) WITH (kafka_topic='t', format='JSON');\nCREATE STREAM OUTPUT as SELECT ID, NAME FROM INPUT;",
			"2:25", "must include the key columns ID and ID2 in its projection (eg, SELECT ID, ID2...)."},
		{inputIDName + "CREATE STREAM OUTPUT as SELECT ID, ID AS ID2, NAME FROM INPUT;",
			"2:25", "The projection contains a key column (`ID`) more than once, aliased as: ID and ID2."},
		{inputIDName + "CREATE STREAM OUTPUT as SELECT ID FROM INPUT;",
			"2:25", "The projection contains no value columns."},
		{inputIDName + "CREATE STREAM OUTPUT AS select NAME, ID from INPUT partition by ABS(ID);",
			"2:25", "must include the partitioning expression ABS(INPUT.ID) in its projection (eg, SELECT ABS(INPUT.ID)...)."},
		{"CREATE STREAM INPUT (NAME STRING, ID INT, AGE INT) with (kafka_topic='input', format='JSON');\nCREATE STREAM OUTPUT AS select ID, NAME from INPUT partition by ID, AGE;",
			"2:25", "must include the partitioning expressions INPUT.ID and INPUT.AGE in its projection (eg, SELECT INPUT.ID, INPUT.AGE...)."},
		{inputIDName + "CREATE STREAM OUTPUT AS select NAME, NAME AS NAME2, ID from INPUT partition by NAME;",
			"2:25", "The projection contains a key column (`NAME`) more than once, aliased as: NAME and NAME2."},
		{inputIDName + "CREATE STREAM OUTPUT WITH(key_format='DELIMITED') AS SELECT ID, NAME from INPUT partition by null;",
			"2:27", "Key format specified for stream without key columns."},
		{inputIDName + "CREATE STREAM OUTPUT AS select ID, NAME from INPUT partition by NULL, ID;",
			"2:65", "Cannot PARTITION BY multiple columns including NULL"},
		{inputIDName + "CREATE STREAM OUTPUT AS select ID, NAME from INPUT partition by ();",
			"2:25", "PARTITION BY requires at least one expression"},

		// Names (select.json, where.json, partition-by.json).
		{inputIDName + "CREATE STREAM OUTPUT AS SELECT ID, I.BOB, NAME FROM INPUT I;",
			"2:36", "SELECT column 'I.BOB' cannot be resolved."},
		{inputIDName + "CREATE STREAM OUTPUT AS SELECT * FROM INPUT WHERE BOB = 1;",
			"2:51", "WHERE column 'BOB' cannot be resolved."},
		{inputIDName + "CREATE STREAM OUTPUT AS SELECT * FROM INPUT WHERE INPUT.ID = 1 AND NAME = BOB;",
			"2:75", "WHERE column 'BOB' cannot be resolved."},
		{testDelim + "CREATE STREAM R AS select ID + '_new' AS ID_new, NAME from TEST partition by ID_NEW;",
			"2:78", "PARTITION BY column 'ID_NEW' cannot be resolved."},
		{inputIDName + "CREATE STREAM OUTPUT AS SELECT INPUT.ID, NAME FROM INPUT I;",
			"2:32", "SELECT column 'INPUT.ID' cannot be resolved."},
		{inputIDName + "CREATE STREAM OUTPUT AS SELECT * FROM MISSING;",
			"2:39", "Source `MISSING` does not exist."},

		// Types (comparison-expression.json, null.json, case-expression.json, in.json).
		{"CREATE STREAM INPUT (K DOUBLE KEY, ID INT) WITH (kafka_topic='t', value_format='JSON');\nCREATE STREAM OUTPUT AS SELECT * FROM INPUT WHERE ID >= 'not an int' EMIT CHANGES;",
			"2:54", "Error in WHERE expression: Cannot compare ID (INTEGER) to 'not an int' (STRING) with GREATER_THAN_OR_EQUAL."},
		{"CREATE STREAM INPUT (K DOUBLE KEY, ID INT) WITH (kafka_topic='t', value_format='JSON');\nCREATE STREAM OUTPUT AS SELECT * FROM INPUT WHERE 'not a boolean' EMIT CHANGES;",
			"2:51", "Type error in WHERE expression: Should evaluate to boolean but is 'not a boolean' (STRING) instead."},
		{"CREATE STREAM INPUT (K DOUBLE KEY, ID INT) WITH (kafka_topic='t', value_format='JSON');\nCREATE STREAM OUTPUT AS SELECT * FROM INPUT WHERE ID + 1.5;",
			"2:51", "Type error in WHERE expression: Should evaluate to boolean but is (ID + 1.5) (DECIMAL(12, 1)) instead."},
		{inputIDName + "CREATE STREAM OUTPUT AS SELECT ID, NULL <> NULL FROM INPUT;",
			"2:41", "Comparison with NULL not supported: NULL <> NULL"},
		{inputIDName + "CREATE STREAM OUTPUT AS SELECT ID, COALESCE() FROM INPUT;",
			"2:36", "Function 'COALESCE' does not accept parameters ()"},
		{inputIDName + "CREATE STREAM OUTPUT AS SELECT ID, ABS(NAME) FROM INPUT;",
			"2:36", "Function 'ABS' does not accept parameters (STRING)."},
		{inputIDName + "CREATE STREAM OUTPUT AS SELECT ID, null as COL2 FROM INPUT;",
			"2:36", "Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR)."},
		{inputIDName + "CREATE STREAM OUTPUT AS SELECT ID, CASE WHEN ID < 2 THEN null ELSE null END AS C FROM INPUT;",
			"2:36", "Invalid Case expression. All case branches have NULL type"},
		{inputIDName + "CREATE STREAM OUTPUT AS SELECT ID, CASE WHEN ID < 2 THEN 1 ELSE 'x' END AS C FROM INPUT;",
			"2:65", "Type for the default clause should be the same as for 'THEN' clauses."},
		{inputIDName + "CREATE STREAM OUTPUT AS SELECT ID, CAST(ID = 1 AS INT) AS C FROM INPUT;",
			"2:36", "Invalid Select: Cast of BOOLEAN to INTEGER is not supported"},
		{inputIDName + "CREATE STREAM OUTPUT AS SELECT ID, NAME + 1 FROM INPUT;",
			"2:41", "Unsupported arithmetic types. STRING INTEGER"},
		{inputIDName + "CREATE STREAM OUTPUT AS SELECT ID, NAME AND TRUE FROM INPUT;",
			"2:36", "Logical operator AND requires BOOLEAN operands, but NAME is STRING."},
		{"CREATE STREAM INPUT (ID INT) WITH (kafka_topic='t', format='JSON');\nCREATE STREAM OUTPUT AS SELECT * FROM INPUT WHERE ID IN (10, '10 - not a number');",
			"2:62", "Invalid Predicate: invalid input syntax for type INTEGER: \"10 - not a number\"."},
		{"CREATE STREAM INPUT (ID BOOLEAN KEY, VAL BOOLEAN) WITH (kafka_topic='t', format='JSON');\nCREATE STREAM OUTPUT AS SELECT * FROM INPUT WHERE ID IN (true, 10);",
			"2:64", "Invalid Predicate: operator does not exist: BOOLEAN = INTEGER (10)"},
		{"CREATE STREAM INPUT (ID STRING, VAL0 DOUBLE) WITH (kafka_topic='t', format='JSON');\nCREATE STREAM OUTPUT AS SELECT * FROM INPUT WHERE ID IN (10, VAL0);",
			"2:62", "Invalid Predicate: operator does not exist: STRING = DOUBLE (VAL0)"},
		{inputIDName + "CREATE STREAM OUTPUT AS SELECT ID, NOPE(NAME) FROM INPUT;",
			"2:36", "Can't find any functions with the name 'NOPE'"},

		// Not supported yet.
		{inputIDName + "CREATE STREAM OUTPUT AS SELECT ID, COS(ID) AS E FROM INPUT;", "2:36", "not supported yet: function COS"},
		{inputIDName + "CREATE TABLE OUTPUT AS SELECT ID, HISTOGRAM(NAME) AS C FROM INPUT GROUP BY ID;", "2:35", "not supported yet: aggregate function HISTOGRAM"},
		{inputIDName + "CREATE STREAM OUTPUT AS SELECT ID, COUNT(*) AS C FROM INPUT;", "2:25", "Non-aggregate SELECT expression(s) not part of GROUP BY: ID"},
		{inputIDName + "CREATE STREAM OUTPUT AS SELECT * FROM INPUT A JOIN INPUT B WITHIN 1 SECOND ON A.ID = B.ID;", "2:52", "Can not join 'INPUT' to 'INPUT': self joins are not yet supported."},
		{"CREATE STREAM S (K STRING KEY, D DECIMAL(20, 2)) WITH (kafka_topic='s', value_format='JSON');", "1:34", "not supported yet: DECIMAL precision above 18"},
		{"CREATE STREAM S (K STRING KEY, D DECIMAL(4, 5)) WITH (kafka_topic='s', value_format='JSON');", "1:34", "DECIMAL scale must be between 0 and precision 4"},
		{"CREATE STREAM S (K STRING KEY, D DECIMAL(18, 2), B BIGINT) WITH (kafka_topic='s', value_format='JSON');\nCREATE STREAM O AS SELECT D + B FROM S;", "2:29", "not supported yet: DECIMAL precision above 18"},
		{"CREATE STREAM S (K STRING KEY, D DECIMAL(12, 2)) WITH (kafka_topic='s', value_format='JSON');\nCREATE STREAM O AS SELECT D / D FROM S;", "2:29", "not supported yet: DECIMAL precision above 18"},
		{"CREATE STREAM S (K STRING KEY) WITH (kafka_topic='s', value_format='AVRO');", "1:55", "not supported yet: AVRO format"},

		// DDL (formats.json, kafka.json, delimited.json, serdes.json, key-schemas.json, system-columns.json).
		{"CREATE STREAM S (A INT) WITH (value_format='JSON');", "1:1", `Missing required property "KAFKA_TOPIC" which has no default value.`},
		{"CREATE STREAM TEST (foo VARCHAR) WITH (kafka_topic='test_topic');", "1:1",
			"Statement is missing the 'VALUE_FORMAT' property from the WITH clause. Either provide one or set a default via the 'ksql.persistence.default.format.value' config."},
		{"CREATE STREAM TEST WITH (kafka_topic='test_topic', format='FOO');", "1:52", "Unknown format: FOO"},
		{"CREATE STREAM TEST WITH (kafka_topic='test_topic', value_format='JSON', format='KAFKA');", "1:52",
			"Cannot supply both 'VALUE_FORMAT' and 'FORMAT' properties, as 'FORMAT' sets both key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and 'VALUE_FORMAT'."},
		{"CREATE STREAM INPUT (K BOOLEAN KEY, ID bigint) WITH (kafka_topic='input',value_format='JSON');", "1:1",
			"Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`K` BOOLEAN KEY], features=[]}\nreason: The 'KAFKA' format does not support type 'BOOLEAN'"},
		{"CREATE STREAM INPUT (A INT KEY, B INT KEY, C INT) WITH (kafka_topic='input',value_format='JSON');", "1:1",
			"The 'KAFKA' format only supports a single field. Got: [`A` INTEGER KEY, `B` INTEGER KEY]"},
		{"CREATE STREAM INPUT (A INT, B INT) WITH (kafka_topic='input',value_format='KAFKA');", "1:1",
			"The 'KAFKA' format only supports a single field. Got: [`A` INTEGER, `B` INTEGER]"},
		{"CREATE STREAM INPUT (K STRING KEY, foo INT) WITH (WRAP_SINGLE_VALUE=true, kafka_topic='input', value_format='KAFKA');", "1:51",
			"Format 'KAFKA' does not support 'WRAP_SINGLE_VALUE' set to 'true'."},
		{"CREATE STREAM INPUT (K STRING KEY, f0 STRING, f1 STRING) WITH (WRAP_SINGLE_VALUE=true, kafka_topic='input_topic', value_format='JSON');", "1:64",
			"'WRAP_SINGLE_VALUE' is only valid for single-field value schemas"},
		{"CREATE STREAM TEST WITH (kafka_topic='test_topic', value_format='DELIMITED', value_delimiter='<~>');", "1:78",
			"Configuration VALUE_DELIMITER is invalid: Invalid delimiter value: '<~>'. Delimiter must be a single character or TAB,SPACE\nExample valid value: ';'"},
		{"CREATE STREAM TEST WITH (kafka_topic='test_topic', value_format='DELIMITED', value_delimiter=' ');", "1:78",
			"Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'"},
		{"CREATE STREAM TEST WITH (kafka_topic='test_topic', value_format='JSON', value_delimiter='|');", "1:73",
			"JSON does not support the following configs: [delimiter]"},
		{"CREATE STREAM TEST WITH (kafka_topic='test_topic', value_format='JSON');", "1:1", "The statement does not define any columns."},
		{"CREATE TABLE T (A INT, B INT) WITH (kafka_topic='t', value_format='JSON');", "1:14", "Tables require a PRIMARY KEY. Please define the PRIMARY KEY."},
		{"CREATE STREAM S (A INT, a INT) WITH (kafka_topic='t', value_format='JSON');", "1:25", "Duplicate column names: A"},
		{"CREATE STREAM S (ROWTIME BIGINT) WITH (kafka_topic='t', value_format='JSON');", "1:18", "'ROWTIME' is a reserved column name. You cannot use it as a name for a column."},
		{"CREATE STREAM S (A INT) WITH (kafka_topic='t', value_format='JSON', foo='x');", "1:69", "Invalid config variable(s) in the WITH clause: FOO"},
		{"CREATE STREAM S (A INT) WITH (kafka_topic='t', value_format='JSON', WINDOW_TYPE='HOPPING');", "1:69",
			"HOPPING windows require 'WINDOW_SIZE' to be provided in the WITH clause."},
		{"CREATE STREAM S (A INT) WITH (kafka_topic='t', value_format='JSON', timestamp='b');", "1:69",
			"The TIMESTAMP column set in the WITH clause does not exist in the schema: 'B'"},
		{inputIDName + "CREATE STREAM INPUT (A INT) WITH (kafka_topic='t', value_format='JSON');", "2:15",
			"Cannot add stream 'INPUT': A stream with the same name already exists"},
		{inputIDName + "CREATE STREAM OUTPUT WITH (value_format='FOO') AS SELECT * FROM INPUT;", "2:28", "Unknown format: FOO"},
		{"CREATE STREAM INPUT (K BOOLEAN KEY, foo INT) WITH (kafka_topic='t', format='JSON');\nCREATE STREAM OUTPUT WITH (key_format='KAFKA') AS SELECT * FROM INPUT;",
			"2:15", "The 'KAFKA' format does not support type 'BOOLEAN'"},
		{"CREATE TABLE INPUT (K STRING PRIMARY KEY, f0 STRING, f1 STRING) WITH (kafka_topic='t', value_format='JSON');\nCREATE TABLE OUTPUT WITH(WRAP_SINGLE_VALUE=false) AS SELECT * FROM INPUT;",
			"2:26", "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas"},
		{"CREATE STREAM INPUT (K STRING KEY, x int) WITH (kafka_topic='test', value_format='JSON', WINDOW_TYPE='session');\nCREATE STREAM OUTPUT AS SELECT K, x AS windowstart FROM INPUT;",
			"2:35", "`WINDOWSTART` is a reserved column name. You cannot use it as an alias for a column."},
		{inputIDName + "CREATE STREAM OUTPUT AS SELECT ID, ROWTIME FROM INPUT;",
			"2:36", "Reserved column name in select: `ROWTIME`. Please remove or alias the column."},
		{"CREATE TABLE T (K STRING PRIMARY KEY, V INT) WITH (kafka_topic='t', value_format='JSON');\nCREATE STREAM O AS SELECT * FROM T;",
			"2:1", "Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead."},
		{inputIDName + "CREATE TABLE O AS SELECT * FROM INPUT;",
			"2:1", "Invalid result type. Your SELECT query produces a STREAM. Please use CREATE STREAM AS SELECT statement instead."},

		// DROP (drop_source.json).
		{"DROP STREAM test;", "1:13", "Stream TEST does not exist"},
		{inputIDName + "DROP TABLE INPUT;", "2:12", "Incompatible data source type is STREAM, but statement was DROP TABLE"},
		{inputIDName + "CREATE STREAM O AS SELECT * FROM INPUT;\nDROP STREAM INPUT;", "3:13",
			"Cannot drop INPUT.\nThe following queries read from this source: [CSAS_O_0].\nThe following queries write into this source: [].\nYou need to terminate them before dropping INPUT."},

		// INSERT (insert-into.json).
		{"CREATE STREAM SOURCE (K STRING KEY, d1 VARCHAR) WITH (kafka_topic='SOURCE', value_format='DELIMITED');\n" +
			"CREATE TABLE OUTPUT (d1 STRING PRIMARY KEY, COUNT BIGINT) WITH (kafka_topic='OUTPUT', value_format='DELIMITED');\n" +
			"INSERT INTO OUTPUT SELECT d1, K AS COUNT FROM SOURCE;",
			"3:13", "INSERT INTO can only be used to insert into a stream. OUTPUT is a table."},
		{"INSERT INTO UNKNOWN SELECT * FROM SOURCE;", "1:13", "Source `UNKNOWN` does not exist."},
		{"CREATE STREAM S1 (K STRING KEY, data VARCHAR) WITH (kafka_topic='s1', value_format='DELIMITED');\n" +
			"CREATE STREAM OUTPUT AS SELECT K, DATA AS DATA_1, DATA AS DATA_2 FROM S1;\n" +
			"INSERT INTO OUTPUT SELECT K, DATA AS DATA_1 FROM S1;",
			"3:20", "Incompatible schema between results and sink.\nResult schema is `K` STRING KEY, `DATA_1` STRING\nSink schema is `K` STRING KEY, `DATA_1` STRING, `DATA_2` STRING"},
		{"CREATE STREAM \"input\" (id INT KEY, val STRING) WITH (kafka_topic='test_topic', value_format='JSON');\nINSERT INTO input (id, val) VALUES (1, 'hello');",
			"2:13", "Cannot insert values into an unknown stream/table: `INPUT`\nDid you mean \"input\"? Hint: wrap the source name in double quotes to make it case-sensitive."},
		{"CREATE STREAM input (id INT KEY, val STRING) WITH (kafka_topic='test_topic', value_format='JSON');\nINSERT INTO \"input\" (id, val) VALUES (1, 'hello');",
			"2:13", "Cannot insert values into an unknown stream/table: `input`\nDid you mean INPUT? Hint: try removing double quotes from the source name."},
		{inputIDName + "INSERT INTO INPUT (ID, NAME) VALUES ('x', 'y');", "2:38", "Expected type INTEGER for field `ID` but got STRING('x')"},
		{inputIDName + "INSERT INTO INPUT (ID) VALUES (1, 'y');", "2:1", "Expected a value for each column. Expected Columns: [ID]. Got [1, 'y']"},
		{inputIDName + "INSERT INTO INPUT (NOPE) VALUES (1);", "2:20", "Column name `NOPE` does not exist."},
		{"CREATE TABLE T (ID INT PRIMARY KEY, V INT) WITH (kafka_topic='t', value_format='JSON');\nINSERT INTO T (V) VALUES (1);", "2:1",
			"Value for primary key column(s) ID is required for tables"},
		{inputIDName + "INSERT INTO INPUT (ID, NAME) VALUES (1, NAME);", "2:41", "VALUES column 'NAME' cannot be resolved."},
	}
	for _, tc := range tests {
		t.Run(firstLine(tc.want), func(t *testing.T) {
			_, pos, err := runScript(t, nil, tc.sql)
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tc.want)
			}
			if pos != tc.pos {
				t.Errorf("error at %s, want %s (%v)", pos, tc.pos, err)
			}
		})
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 60 {
		s = s[:60]
	}
	return s
}

// TestStateChanges checks what committing results does to the catalog, the
// properties and the query registry.
func TestStateChanges(t *testing.T) {
	a := New(map[string]string{"x": "1"})
	run := func(sql string) (*Result, error) {
		t.Helper()
		return a.AnalyzeAndCommit(mustParse(t, sql), sql)
	}
	mustRun := func(sql string) *Result {
		t.Helper()
		res, err := run(sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return res
	}

	mustRun("CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON');")
	if res := mustRun("CREATE STREAM IF NOT EXISTS S (A INT) WITH (kafka_topic='other', value_format='JSON');"); !res.Skipped {
		t.Error("IF NOT EXISTS on an existing stream was not skipped")
	}
	if src, _ := a.Catalog().Lookup("S"); src.Topic != "s" {
		t.Errorf("IF NOT EXISTS changed the stream: topic %q", src.Topic)
	}
	mustRun("CREATE OR REPLACE STREAM S (K STRING KEY, V INT, W INT) WITH (kafka_topic='s2', value_format='JSON');")
	if src, _ := a.Catalog().Lookup("S"); src.Topic != "s2" || len(src.Columns) != 3 {
		t.Errorf("OR REPLACE: got %+v", src)
	}

	q := mustRun("CREATE STREAM O AS SELECT * FROM S;")
	if q.Query.ID != "CSAS_O_0" {
		t.Errorf("first query id %s", q.Query.ID)
	}
	if src, ok := a.Catalog().Lookup("O"); !ok || src.Declared {
		t.Errorf("sink not registered as a query's sink: %+v %v", src, ok)
	}
	q = mustRun("CREATE OR REPLACE STREAM O AS SELECT K, W FROM S;")
	if q.Query.ID != "CSAS_O_0" {
		t.Errorf("CREATE OR REPLACE took a new id %s, want the replaced query's", q.Query.ID)
	}
	q = mustRun("INSERT INTO O SELECT K, V AS W FROM S;")
	if q.Query.ID != "INSERTQUERY_1" {
		t.Errorf("insert id %s", q.Query.ID)
	}
	if got := strings.Join(a.Queries(), ","); got != "CSAS_O_0,INSERTQUERY_1" {
		t.Errorf("queries %s", got)
	}

	// DROP of a source other queries read is refused; its own writers go with it.
	if _, err := run("DROP STREAM S;"); err == nil {
		t.Error("dropped a source that queries read")
	}
	if _, err := run("DROP STREAM O;"); err == nil || !strings.Contains(err.Error(), "The following queries write into this source: [INSERTQUERY_1].") {
		t.Errorf("dropped a stream an INSERT INTO writes: %v", err)
	}
	mustRun("TERMINATE INSERTQUERY_1;")
	res := mustRun("DROP STREAM O;")
	if got := strings.Join(res.Terminated, ","); got != "CSAS_O_0" {
		t.Errorf("DROP terminated %q", got)
	}
	if _, ok := a.Catalog().Lookup("O"); ok {
		t.Error("O still in the catalog")
	}
	mustRun("DROP STREAM S;")
	mustRun("DROP STREAM IF EXISTS S;")
	if a.Catalog().Len() != 0 {
		t.Errorf("catalog not empty: %v", a.Catalog().Names())
	}

	mustRun("SET 'ksql.persistence.default.format.value' = 'JSON';")
	mustRun("CREATE STREAM D (A INT) WITH (kafka_topic='d');")
	mustRun("UNSET 'ksql.persistence.default.format.value';")
	if _, err := run("CREATE STREAM E (A INT) WITH (kafka_topic='e');"); err == nil {
		t.Error("UNSET did not remove the default value format")
	}
	if p := a.Properties(); p["x"] != "1" || len(p) != 1 {
		t.Errorf("properties %v", p)
	}

	mustRun("CREATE STREAM F AS SELECT * FROM D;")
	res = mustRun("TERMINATE CSAS_F_2;")
	if len(res.Terminated) != 1 || len(a.Queries()) != 0 {
		t.Errorf("TERMINATE: %v, left %v", res.Terminated, a.Queries())
	}
	if _, err := run("TERMINATE CSAS_F_2;"); err == nil {
		t.Error("terminated an unknown query")
	}

	// Analyze alone changes nothing.
	if _, err := a.Analyze(mustParse(t, "CREATE STREAM G (A INT) WITH (kafka_topic='g', value_format='JSON');"), ""); err != nil {
		t.Fatal(err)
	}
	if _, ok := a.Catalog().Lookup("G"); ok {
		t.Error("Analyze registered a source without Commit")
	}
}

// TestCatalogCopies checks that the catalog hands out copies.
func TestCatalogCopies(t *testing.T) {
	a := New(nil)
	if _, err := a.AnalyzeAndCommit(mustParse(t, "CREATE STREAM S (A INT) WITH (kafka_topic='s', value_format='JSON');"), ""); err != nil {
		t.Fatal(err)
	}
	src, _ := a.Catalog().Lookup("S")
	src.Columns[0].Type = sdk.TypeString
	again, _ := a.Catalog().Lookup("S")
	if again.Columns[0].Type != sdk.TypeInt {
		t.Error("changing a looked-up source changed the catalog")
	}
}

// TestKeyKindMismatch checks KEY/PRIMARY KEY against the source kind on
// trees the parser would not build (it rejects these itself).
func TestKeyKindMismatch(t *testing.T) {
	col := func(pk bool) *ast.ColumnDef {
		return &ast.ColumnDef{Name: &ast.Ident{Name: "A", NamePos: 5}, Type: &ast.TypeExpr{Name: "INT"}, Key: !pk, PrimaryKey: pk}
	}
	props := []*ast.Property{
		{Name: "KAFKA_TOPIC", Value: &ast.Literal{Kind: ast.LitString, Value: "t"}},
		{Name: "VALUE_FORMAT", Value: &ast.Literal{Kind: ast.LitString, Value: "JSON"}},
	}
	for _, tc := range []struct {
		kind ast.SourceKind
		pk   bool
		want string
	}{
		{ast.KindStream, true, "Column `A` is a 'PRIMARY KEY' column: please use 'KEY' for streams."},
		{ast.KindTable, false, "Column `A` is a 'KEY' column: please use 'PRIMARY KEY' for tables."},
	} {
		stmt := &ast.CreateSource{Kind: tc.kind, Name: &ast.Ident{Name: "S"}, Columns: []*ast.ColumnDef{col(tc.pk)}, Props: props}
		_, err := New(nil).Analyze(stmt, "")
		var ae *Error
		if !errors.As(err, &ae) || !strings.HasPrefix(ae.Msg, tc.want) || ae.Pos != 5 {
			t.Errorf("%v: got %v, want %q at 5", tc.kind, err, tc.want)
		}
	}
}
