package analyzer

import (
	"strings"
	"testing"
)

const (
	statefulStream = "CREATE STREAM S (ID INT KEY, V BIGINT, NAME STRING) WITH (kafka_topic='s', value_format='JSON');\n"
	statefulTable  = "CREATE TABLE T (ID INT PRIMARY KEY, V BIGINT, NAME STRING) WITH (kafka_topic='t', value_format='JSON');\n"
	joinStreams    = "CREATE STREAM L (A INT KEY, B INT, C INT) WITH (kafka_topic='l', format='JSON');\n" +
		"CREATE STREAM R (A INT KEY, B INT, D STRING) WITH (kafka_topic='r', format='JSON');\n"
)

// TestStatefulPlans checks the pipelines of aggregations and joins: the
// input stages, the host operator, the final stage and the sink.
func TestStatefulPlans(t *testing.T) {
	tests := []struct {
		name string
		sql  string
		want string
	}{
		{
			name: "windowed aggregation: key in GROUP BY order, shared argument, HAVING and window bounds in the final stage",
			sql: statefulStream + "CREATE TABLE O AS SELECT COUNT(*) AS N, ID, SUM(V) AS TOTAL, MAX(V), WINDOWSTART AS WS FROM S " +
				"WINDOW HOPPING (SIZE 30 SECONDS, ADVANCE BY 10 SECONDS, RETENTION 2 DAYS) WHERE NAME <> 'x' GROUP BY ID HAVING SUM(V) > 10 EMIT FINAL;",
			want: `query CTAS_O_0 (CTAS)
source S STREAM topic=s key=KAFKA value=JSON [ID INTEGER KEY, V BIGINT, NAME STRING]
sink O TABLE topic=O key=KAFKA value=JSON window=HOPPING/30000ms [ID INTEGER PRIMARY KEY, N BIGINT, TOTAL BIGINT, KSQL_COL_0 BIGINT, WS BIGINT]
stage_0($0 ID INTEGER KEY, $1 V BIGINT, $2 NAME STRING)
  filter ($2 <> 'x')
  KSQL_INTERNAL_COL_0 INTEGER = $0
  KSQL_INTERNAL_COL_1 BIGINT = $1
aggregate by [KSQL_INTERNAL_COL_0] COUNT_STAR()->KSQL_AGG_VARIABLE_0 BIGINT SUM(KSQL_INTERNAL_COL_1)->KSQL_AGG_VARIABLE_1 BIGINT MAX(KSQL_INTERNAL_COL_1)->KSQL_AGG_VARIABLE_2 BIGINT window HOPPING size=30000 advance=10000 grace=-1 retention=172800000 emit=final
stage_1($0 KSQL_INTERNAL_COL_0 INTEGER, $1 KSQL_AGG_VARIABLE_0 BIGINT, $2 KSQL_AGG_VARIABLE_1 BIGINT, $3 KSQL_AGG_VARIABLE_2 BIGINT, $4 WINDOWSTART BIGINT)
  filter ($2 > 10L)
  ID INTEGER KEY = $0
  N BIGINT = $1
  TOTAL BIGINT = $2
  KSQL_COL_0 BIGINT = $3
  WS BIGINT = $4
`,
		},
		{
			name: "table aggregation: no NULL filter, constant and expression keys named by the projection",
			sql:  "CREATE TABLE T (ID INT PRIMARY KEY, V BIGINT, NAME STRING) WITH (kafka_topic='t', format='JSON');\n" + "CREATE TABLE O AS SELECT 1 AS ONE, LEN(NAME), COUNT(V) AS C, AVG(V) FROM T GROUP BY LEN(NAME), 1;",
			want: `query CTAS_O_0 (CTAS)
source T TABLE topic=t key=JSON value=JSON [ID INTEGER PRIMARY KEY, V BIGINT, NAME STRING]
sink O TABLE topic=O key=JSON value=JSON [KSQL_COL_0 INTEGER PRIMARY KEY, ONE INTEGER PRIMARY KEY, C BIGINT, KSQL_COL_1 DOUBLE]
stage_0($0 V BIGINT, $1 NAME STRING)
  KSQL_INTERNAL_COL_0 INTEGER = LEN($1)
  KSQL_INTERNAL_COL_1 INTEGER = 1
  KSQL_INTERNAL_COL_2 BIGINT = $0
repartition input0
aggregate by [KSQL_INTERNAL_COL_0, KSQL_INTERNAL_COL_1] COUNT(KSQL_INTERNAL_COL_2)->KSQL_AGG_VARIABLE_0 BIGINT AVG(KSQL_INTERNAL_COL_2)->KSQL_AGG_VARIABLE_1 DOUBLE
stage_1($0 KSQL_INTERNAL_COL_0 INTEGER, $1 KSQL_INTERNAL_COL_1 INTEGER, $2 KSQL_AGG_VARIABLE_0 BIGINT, $3 KSQL_AGG_VARIABLE_1 DOUBLE)
  KSQL_COL_0 INTEGER KEY = $0
  ONE INTEGER KEY = $1
  C BIGINT = $2
  KSQL_COL_1 DOUBLE = $3
`,
		},
		{
			name: "keyless stream grouped by two columns: KAFKA key format cannot hold them, JSON can",
			sql:  "CREATE STREAM K (X INT, Y STRING) WITH (kafka_topic='k', key_format='NONE', value_format='JSON');\n" + "CREATE TABLE O AS SELECT Y, X, LATEST_BY_OFFSET(Y) AS LAST, EARLIEST_BY_OFFSET(X) AS FIRST, MIN(Y) FROM K GROUP BY X, Y;",
			want: `query CTAS_O_0 (CTAS)
source K STREAM topic=k key=NONE value=JSON [X INTEGER, Y STRING]
sink O TABLE topic=O key=JSON value=JSON [X INTEGER PRIMARY KEY, Y STRING PRIMARY KEY, LAST STRING, FIRST INTEGER, KSQL_COL_0 STRING]
stage_0($0 X INTEGER, $1 Y STRING)
  KSQL_INTERNAL_COL_0 INTEGER = $0
  KSQL_INTERNAL_COL_1 STRING = $1
repartition input0
aggregate by [KSQL_INTERNAL_COL_0, KSQL_INTERNAL_COL_1] LATEST_BY_OFFSET(KSQL_INTERNAL_COL_1)->KSQL_AGG_VARIABLE_0 STRING EARLIEST_BY_OFFSET(KSQL_INTERNAL_COL_0)->KSQL_AGG_VARIABLE_1 INTEGER MIN(KSQL_INTERNAL_COL_1)->KSQL_AGG_VARIABLE_2 STRING
stage_1($0 KSQL_INTERNAL_COL_0 INTEGER, $1 KSQL_INTERNAL_COL_1 STRING, $2 KSQL_AGG_VARIABLE_0 STRING, $3 KSQL_AGG_VARIABLE_1 INTEGER, $4 KSQL_AGG_VARIABLE_2 STRING)
  X INTEGER KEY = $0
  Y STRING KEY = $1
  LAST STRING = $2
  FIRST INTEGER = $3
  KSQL_COL_0 STRING = $4
`,
		},
		{
			name: "session window with grace; WINDOWEND in an expression",
			sql:  statefulStream + "CREATE TABLE O AS SELECT ID, COUNT(NAME) AS C, WINDOWEND - WINDOWSTART AS SPAN FROM S WINDOW SESSION (5 MINUTES, GRACE PERIOD 10 SECONDS) GROUP BY ID;",
			want: `query CTAS_O_0 (CTAS)
source S STREAM topic=s key=KAFKA value=JSON [ID INTEGER KEY, V BIGINT, NAME STRING]
sink O TABLE topic=O key=KAFKA value=JSON window=SESSION [ID INTEGER PRIMARY KEY, C BIGINT, SPAN BIGINT]
stage_0($0 ID INTEGER KEY, $1 NAME STRING)
  KSQL_INTERNAL_COL_0 INTEGER = $0
  KSQL_INTERNAL_COL_1 STRING = $1
aggregate by [KSQL_INTERNAL_COL_0] COUNT(KSQL_INTERNAL_COL_1)->KSQL_AGG_VARIABLE_0 BIGINT window SESSION size=300000 grace=10000 retention=-1
stage_1($0 KSQL_INTERNAL_COL_0 INTEGER, $1 KSQL_AGG_VARIABLE_0 BIGINT, $2 WINDOWSTART BIGINT, $3 WINDOWEND BIGINT)
  ID INTEGER KEY = $0
  C BIGINT = $1
  SPAN BIGINT = ($3 - $2)
`,
		},
		{
			name: "stream-table left join on a stream value column: the key is the first selected join column",
			sql:  statefulStream + "CREATE TABLE N (K STRING PRIMARY KEY, W INT) WITH (kafka_topic='n', value_format='JSON');\n" + "CREATE STREAM O AS SELECT N.K, S.NAME, W FROM S LEFT JOIN N ON S.NAME = N.K;",
			want: `query CSAS_O_0 (CSAS)
source S STREAM topic=s key=KAFKA value=JSON [ID INTEGER KEY, V BIGINT, NAME STRING]
source N TABLE topic=n key=KAFKA value=JSON [K STRING PRIMARY KEY, W INTEGER]
sink O STREAM topic=O key=KAFKA value=JSON [K STRING KEY, NAME STRING, W INTEGER]
stage_0($0 NAME STRING)
  S_NAME STRING = $0
stage_1($0 K STRING KEY, $1 W INTEGER)
  N_K STRING = $0
  N_W INTEGER = $1
repartition input0
join LEFT input0.S_NAME = input1.N_K
stage_2($0 S_NAME STRING, $1 N_K STRING, $2 N_W INTEGER)
  K STRING KEY = $0
  NAME STRING = $0
  W INTEGER = $2
`,
		},
		{
			name: "stream-table join on the table key: unique names stay, shared names get the alias",
			sql:  statefulStream + statefulTable + "CREATE STREAM O AS SELECT S.ID, S.V, T.NAME FROM S JOIN T ON S.ID = T.ID WHERE T.V > S.V;",
			want: `query CSAS_O_0 (CSAS)
source S STREAM topic=s key=KAFKA value=JSON [ID INTEGER KEY, V BIGINT, NAME STRING]
source T TABLE topic=t key=KAFKA value=JSON [ID INTEGER PRIMARY KEY, V BIGINT, NAME STRING]
sink O STREAM topic=O key=KAFKA value=JSON [S_ID INTEGER KEY, S_V BIGINT, T_NAME STRING]
stage_0($0 ID INTEGER KEY, $1 V BIGINT)
  S_ID INTEGER = $0
  S_V BIGINT = $1
stage_1($0 ID INTEGER KEY, $1 V BIGINT, $2 NAME STRING)
  T_ID INTEGER = $0
  T_V BIGINT = $1
  T_NAME STRING = $2
join INNER input0.S_ID = input1.T_ID
stage_2($0 S_ID INTEGER, $1 S_V BIGINT, $2 T_V BIGINT, $3 T_NAME STRING)
  filter ($2 > $1)
  S_ID INTEGER KEY = $0
  S_V BIGINT = $1
  T_NAME STRING = $3
`,
		},
		{
			name: "stream-stream full outer join: synthetic ROWKEY from either side, WHERE in the final stage",
			sql:  joinStreams + "CREATE STREAM O AS SELECT * FROM L FULL OUTER JOIN R WITHIN 10 SECONDS ON L.A = R.A WHERE R.B < 5;",
			want: `query CSAS_O_0 (CSAS)
source L STREAM topic=l key=JSON value=JSON [A INTEGER KEY, B INTEGER, C INTEGER]
source R STREAM topic=r key=JSON value=JSON [A INTEGER KEY, B INTEGER, D STRING]
sink O STREAM topic=O key=JSON value=JSON [ROWKEY INTEGER KEY, L_A INTEGER, L_B INTEGER, L_C INTEGER, R_A INTEGER, R_B INTEGER, R_D STRING]
stage_0($0 A INTEGER KEY, $1 B INTEGER, $2 C INTEGER)
  L_A INTEGER = $0
  L_B INTEGER = $1
  L_C INTEGER = $2
stage_1($0 A INTEGER KEY, $1 B INTEGER, $2 D STRING)
  R_A INTEGER = $0
  R_B INTEGER = $1
  R_D STRING = $2
join FULL input0.L_A = input1.R_A within before=10000 after=10000 grace=-1
stage_2($0 L_A INTEGER, $1 L_B INTEGER, $2 L_C INTEGER, $3 R_A INTEGER, $4 R_B INTEGER, $5 R_D STRING)
  filter ($4 < 5)
  ROWKEY INTEGER KEY = COALESCE($0, $3)
  L_A INTEGER = $0
  L_B INTEGER = $1
  L_C INTEGER = $2
  R_A INTEGER = $3
  R_B INTEGER = $4
  R_D STRING = $5
`,
		},
		{
			name: "stream-stream join on expressions: computed keys, asymmetric window with grace, side and joined ROWTIME",
			sql:  joinStreams + "CREATE STREAM O AS SELECT ROWKEY AS K, L.B, D, L.ROWTIME AS LT, ROWTIME AS JT FROM L LEFT JOIN R WITHIN (1 SECOND, 2 SECONDS) GRACE PERIOD 3 SECONDS ON L.B + 1 = ABS(R.B);",
			want: `query CSAS_O_0 (CSAS)
source L STREAM topic=l key=JSON value=JSON [A INTEGER KEY, B INTEGER, C INTEGER]
source R STREAM topic=r key=JSON value=JSON [A INTEGER KEY, B INTEGER, D STRING]
sink O STREAM topic=O key=JSON value=JSON [K INTEGER KEY, L_B INTEGER, D STRING, LT BIGINT, JT BIGINT]
stage_0($0 B INTEGER, $1 ROWTIME BIGINT)
  L_B INTEGER = $0
  L_ROWTIME BIGINT = $1
  L_KSQL_JOIN_KEY INTEGER = ($0 + 1)
stage_1($0 B INTEGER, $1 D STRING)
  R_D STRING = $1
  R_KSQL_JOIN_KEY INTEGER = ABS($0)
repartition input0, input1
join LEFT input0.L_KSQL_JOIN_KEY = input1.R_KSQL_JOIN_KEY within before=1000 after=2000 grace=3000
stage_2($0 L_B INTEGER, $1 L_ROWTIME BIGINT, $2 R_D STRING, $3 ROWTIME BIGINT, $4 L_KSQL_JOIN_KEY INTEGER)
  K INTEGER KEY = $4
  L_B INTEGER = $0
  D STRING = $2
  LT BIGINT = $1
  JT BIGINT = $3
`,
		},
		{
			name: "table-table right join: the key column holds the right key when the left is missing",
			sql:  "CREATE TABLE T1 (ID INT PRIMARY KEY, X STRING) WITH (kafka_topic='t1', value_format='JSON');\n" + "CREATE TABLE T2 (ID INT PRIMARY KEY, Y STRING) WITH (kafka_topic='t2', value_format='JSON');\n" + "CREATE TABLE O AS SELECT T1.ID, X, Y FROM T1 RIGHT JOIN T2 ON T1.ID = T2.ID;",
			want: `query CTAS_O_0 (CTAS)
source T1 TABLE topic=t1 key=KAFKA value=JSON [ID INTEGER PRIMARY KEY, X STRING]
source T2 TABLE topic=t2 key=KAFKA value=JSON [ID INTEGER PRIMARY KEY, Y STRING]
sink O TABLE topic=O key=KAFKA value=JSON [T1_ID INTEGER PRIMARY KEY, X STRING, Y STRING]
stage_0($0 ID INTEGER KEY, $1 X STRING)
  T1_ID INTEGER = $0
  T1_X STRING = $1
stage_1($0 ID INTEGER KEY, $1 Y STRING)
  T2_ID INTEGER = $0
  T2_Y STRING = $1
join RIGHT input0.T1_ID = input1.T2_ID
stage_2($0 T1_ID INTEGER, $1 T1_X STRING, $2 T2_ID INTEGER, $3 T2_Y STRING)
  T1_ID INTEGER KEY = $2
  X STRING = $1
  Y STRING = $3
`,
		},
		{
			name: "PARTITION BY after a join: star lists values, pseudo-columns, keys per side; the partitioning column is the key",
			sql:  joinStreams + "CREATE STREAM O AS SELECT * FROM L JOIN R WITHIN 10 SECONDS ON L.A = R.A PARTITION BY L.C;",
			want: `query CSAS_O_0 (CSAS)
source L STREAM topic=l key=JSON value=JSON [A INTEGER KEY, B INTEGER, C INTEGER]
source R STREAM topic=r key=JSON value=JSON [A INTEGER KEY, B INTEGER, D STRING]
sink O STREAM topic=O key=JSON value=JSON [L_C INTEGER KEY, L_B INTEGER, L_ROWTIME BIGINT, L_ROWPARTITION INTEGER, L_ROWOFFSET BIGINT, L_A INTEGER, R_B INTEGER, R_D STRING, R_ROWTIME BIGINT, R_ROWPARTITION INTEGER, R_ROWOFFSET BIGINT, R_A INTEGER]
stage_0($0 A INTEGER KEY, $1 B INTEGER, $2 C INTEGER, $3 ROWTIME BIGINT, $4 ROWPARTITION INTEGER, $5 ROWOFFSET BIGINT)
  L_A INTEGER = $0
  L_B INTEGER = $1
  L_C INTEGER = $2
  L_ROWTIME BIGINT = $3
  L_ROWPARTITION INTEGER = $4
  L_ROWOFFSET BIGINT = $5
stage_1($0 A INTEGER KEY, $1 B INTEGER, $2 D STRING, $3 ROWTIME BIGINT, $4 ROWPARTITION INTEGER, $5 ROWOFFSET BIGINT)
  R_A INTEGER = $0
  R_B INTEGER = $1
  R_D STRING = $2
  R_ROWTIME BIGINT = $3
  R_ROWPARTITION INTEGER = $4
  R_ROWOFFSET BIGINT = $5
join INNER input0.L_A = input1.R_A within before=10000 after=10000 grace=-1
stage_2($0 L_A INTEGER, $1 L_B INTEGER, $2 L_C INTEGER, $3 L_ROWTIME BIGINT, $4 L_ROWPARTITION INTEGER, $5 L_ROWOFFSET BIGINT, $6 R_A INTEGER, $7 R_B INTEGER, $8 R_D STRING, $9 R_ROWTIME BIGINT, $10 R_ROWPARTITION INTEGER, $11 R_ROWOFFSET BIGINT)
  L_C INTEGER KEY = $2
  L_B INTEGER = $1
  L_ROWTIME BIGINT = $3
  L_ROWPARTITION INTEGER = $4
  L_ROWOFFSET BIGINT = $5
  L_A INTEGER = $0
  R_B INTEGER = $7
  R_D STRING = $8
  R_ROWTIME BIGINT = $9
  R_ROWPARTITION INTEGER = $10
  R_ROWOFFSET BIGINT = $11
  R_A INTEGER = $6
`,
		},
		{
			name: "LATEST_BY_OFFSET(x, TRUE) is LATEST_BY_OFFSET(x); (x, FALSE) keeps NULLs",
			sql:  statefulStream + "CREATE TABLE O AS SELECT ID, LATEST_BY_OFFSET(NAME, TRUE) AS LAST, EARLIEST_BY_OFFSET(V, FALSE) AS FIRST FROM S GROUP BY ID;",
			want: `query CTAS_O_0 (CTAS)
source S STREAM topic=s key=KAFKA value=JSON [ID INTEGER KEY, V BIGINT, NAME STRING]
sink O TABLE topic=O key=KAFKA value=JSON [ID INTEGER PRIMARY KEY, LAST STRING, FIRST BIGINT]
stage_0($0 ID INTEGER KEY, $1 V BIGINT, $2 NAME STRING)
  KSQL_INTERNAL_COL_0 INTEGER = $0
  KSQL_INTERNAL_COL_1 STRING = $2
  KSQL_INTERNAL_COL_2 BIGINT = $1
aggregate by [KSQL_INTERNAL_COL_0] LATEST_BY_OFFSET(KSQL_INTERNAL_COL_1)->KSQL_AGG_VARIABLE_0 STRING EARLIEST_BY_OFFSET_KEEP_NULLS(KSQL_INTERNAL_COL_2)->KSQL_AGG_VARIABLE_1 BIGINT
stage_1($0 KSQL_INTERNAL_COL_0 INTEGER, $1 KSQL_AGG_VARIABLE_0 STRING, $2 KSQL_AGG_VARIABLE_1 BIGINT)
  ID INTEGER KEY = $0
  LAST STRING = $1
  FIRST BIGINT = $2
`,
		},
		{
			name: "join on pseudo-columns: the selected side ROWOFFSET is the key",
			sql:  joinStreams + "CREATE STREAM O AS SELECT C, D, R.ROWOFFSET AS RO FROM L JOIN R WITHIN 5 SECONDS ON L.ROWOFFSET = R.ROWOFFSET;",
			want: `query CSAS_O_0 (CSAS)
source L STREAM topic=l key=JSON value=JSON [A INTEGER KEY, B INTEGER, C INTEGER]
source R STREAM topic=r key=JSON value=JSON [A INTEGER KEY, B INTEGER, D STRING]
sink O STREAM topic=O key=JSON value=JSON [RO BIGINT KEY, C INTEGER, D STRING]
stage_0($0 C INTEGER, $1 ROWOFFSET BIGINT)
  L_C INTEGER = $0
  L_ROWOFFSET BIGINT = $1
stage_1($0 D STRING, $1 ROWOFFSET BIGINT)
  R_D STRING = $0
  R_ROWOFFSET BIGINT = $1
repartition input0, input1
join INNER input0.L_ROWOFFSET = input1.R_ROWOFFSET within before=5000 after=5000 grace=-1
stage_2($0 L_C INTEGER, $1 L_ROWOFFSET BIGINT, $2 R_D STRING, $3 R_ROWOFFSET BIGINT)
  RO BIGINT KEY = $1
  C INTEGER = $0
  D STRING = $2
`,
		},
		{
			name: "foreign-key join: keyed by the left table's primary key",
			sql: statefulTable + "CREATE TABLE U (K BIGINT PRIMARY KEY, F INT) WITH (kafka_topic='u', value_format='JSON');\n" +
				"CREATE TABLE O AS SELECT F, T.ID AS TID, NAME FROM T LEFT JOIN U ON U.K = T.V + 1;",
			want: `query CTAS_O_0 (CTAS)
source T TABLE topic=t key=KAFKA value=JSON [ID INTEGER PRIMARY KEY, V BIGINT, NAME STRING]
source U TABLE topic=u key=KAFKA value=JSON [K BIGINT PRIMARY KEY, F INTEGER]
sink O TABLE topic=O key=KAFKA value=JSON [TID INTEGER PRIMARY KEY, F INTEGER, NAME STRING]
stage_0($0 ID INTEGER KEY, $1 V BIGINT, $2 NAME STRING)
  T_ID INTEGER = $0
  T_NAME STRING = $2
  T_KSQL_JOIN_KEY BIGINT = ($1 + 1L)
stage_1($0 K BIGINT KEY, $1 F INTEGER)
  U_K BIGINT = $0
  U_F INTEGER = $1
single task
join LEFT input0.T_KSQL_JOIN_KEY = input1.U_K foreign-key
stage_2($0 T_ID INTEGER, $1 T_NAME STRING, $2 U_F INTEGER)
  TID INTEGER KEY = $0
  F INTEGER = $2
  NAME STRING = $1
`,
		},
		{
			name: "three-way join: stream-table-table chained through Join.Next; keys equated by an earlier join name the key",
			sql: joinStreams + "CREATE TABLE T2 (ID INT PRIMARY KEY, V BIGINT) WITH (kafka_topic='t2', format='JSON');\n" +
				"CREATE TABLE T3 (ID INT PRIMARY KEY, W BIGINT) WITH (kafka_topic='t3', format='JSON');\n" +
				"CREATE STREAM O AS SELECT T2.ID, L.B, V, W FROM L LEFT JOIN T2 ON L.A = T2.ID JOIN T3 ON T2.ID = T3.ID;",
			want: `query CSAS_O_0 (CSAS)
source L STREAM topic=l key=JSON value=JSON [A INTEGER KEY, B INTEGER, C INTEGER]
source T2 TABLE topic=t2 key=JSON value=JSON [ID INTEGER PRIMARY KEY, V BIGINT]
source T3 TABLE topic=t3 key=JSON value=JSON [ID INTEGER PRIMARY KEY, W BIGINT]
sink O STREAM topic=O key=JSON value=JSON [T2_ID INTEGER KEY, B INTEGER, V BIGINT, W BIGINT]
stage_0($0 A INTEGER KEY, $1 B INTEGER)
  L_A INTEGER = $0
  L_B INTEGER = $1
stage_1($0 ID INTEGER KEY, $1 V BIGINT)
  T2_ID INTEGER = $0
  T2_V BIGINT = $1
stage_2($0 ID INTEGER KEY, $1 W BIGINT)
  T3_ID INTEGER = $0
  T3_W BIGINT = $1
join LEFT input0.L_A = input1.T2_ID
join INNER result.T2_ID = input2.T3_ID
stage_3($0 L_B INTEGER, $1 T2_ID INTEGER, $2 T2_V BIGINT, $3 T3_W BIGINT)
  T2_ID INTEGER KEY = $1
  B INTEGER = $0
  V BIGINT = $2
  W BIGINT = $3
`,
		},
		{
			name: "a foreign-key join starts an n-way join; the next join is on the result's key",
			sql: statefulTable + "CREATE TABLE U (K BIGINT PRIMARY KEY, F INT) WITH (kafka_topic='u', value_format='JSON');\n" +
				"CREATE TABLE W (K INT PRIMARY KEY, G INT) WITH (kafka_topic='w', value_format='JSON');\n" +
				"CREATE TABLE O AS SELECT T.ID, F, G FROM T JOIN U ON T.V = U.K LEFT JOIN W ON T.ID = W.K;",
			want: `query CTAS_O_0 (CTAS)
source T TABLE topic=t key=KAFKA value=JSON [ID INTEGER PRIMARY KEY, V BIGINT, NAME STRING]
source U TABLE topic=u key=KAFKA value=JSON [K BIGINT PRIMARY KEY, F INTEGER]
source W TABLE topic=w key=KAFKA value=JSON [K INTEGER PRIMARY KEY, G INTEGER]
sink O TABLE topic=O key=KAFKA value=JSON [ID INTEGER PRIMARY KEY, F INTEGER, G INTEGER]
stage_0($0 ID INTEGER KEY, $1 V BIGINT)
  T_ID INTEGER = $0
  T_V BIGINT = $1
stage_1($0 K BIGINT KEY, $1 F INTEGER)
  U_K BIGINT = $0
  U_F INTEGER = $1
stage_2($0 K INTEGER KEY, $1 G INTEGER)
  W_K INTEGER = $0
  W_G INTEGER = $1
single task
join INNER input0.T_V = input1.U_K foreign-key
join LEFT result.T_ID = input2.W_K
stage_3($0 T_ID INTEGER, $1 U_F INTEGER, $2 W_G INTEGER)
  ID INTEGER KEY = $0
  F INTEGER = $1
  G INTEGER = $2
`,
		},
		{
			name: "aggregation over a join: the join, the between stage (WHERE, GROUP BY, arguments over the joined row), the aggregation; the stream and the join's rows repartitioned",
			sql: "CREATE TABLE clients (user_id INT PRIMARY KEY, city STRING) WITH (kafka_topic='clients', value_format='JSON');\n" +
				"CREATE STREAM mortgages (mortgage_id BIGINT KEY, client_id INT, amount INT) WITH (kafka_topic='mortgages', value_format='JSON');\n" +
				"CREATE TABLE per_city AS SELECT c.city AS city, COUNT(*) AS n, SUM(m.amount) AS total FROM mortgages m JOIN clients c ON m.client_id = c.user_id WHERE m.amount > 1 GROUP BY c.city;",
			want: `query CTAS_PER_CITY_0 (CTAS)
source MORTGAGES STREAM topic=mortgages key=KAFKA value=JSON [MORTGAGE_ID BIGINT KEY, CLIENT_ID INTEGER, AMOUNT INTEGER]
source CLIENTS TABLE topic=clients key=KAFKA value=JSON [USER_ID INTEGER PRIMARY KEY, CITY STRING]
sink PER_CITY TABLE topic=PER_CITY key=KAFKA value=JSON [CITY STRING PRIMARY KEY, N BIGINT, TOTAL INTEGER]
stage_0($0 CLIENT_ID INTEGER, $1 AMOUNT INTEGER)
  M_CLIENT_ID INTEGER = $0
  M_AMOUNT INTEGER = $1
stage_1($0 USER_ID INTEGER KEY, $1 CITY STRING)
  C_USER_ID INTEGER = $0
  C_CITY STRING = $1
repartition input0
join INNER input0.M_CLIENT_ID = input1.C_USER_ID
stage_2($0 M_AMOUNT INTEGER, $1 C_CITY STRING)
  filter ($0 > 1)
  KSQL_INTERNAL_COL_0 STRING = $1
  KSQL_INTERNAL_COL_1 INTEGER = $0
repartition between
aggregate by [KSQL_INTERNAL_COL_0] COUNT_STAR()->KSQL_AGG_VARIABLE_0 BIGINT SUM(KSQL_INTERNAL_COL_1)->KSQL_AGG_VARIABLE_1 INTEGER
stage_3($0 KSQL_INTERNAL_COL_0 STRING, $1 KSQL_AGG_VARIABLE_0 BIGINT, $2 KSQL_AGG_VARIABLE_1 INTEGER)
  CITY STRING KEY = $0
  N BIGINT = $1
  TOTAL INTEGER = $2
`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, pos, err := runScript(t, nil, tc.sql)
			if err != nil {
				t.Fatalf("%s: %v", pos, err)
			}
			if got := FormatPlan(res.Query); got != tc.want {
				t.Errorf("plan:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestStatefulErrors checks ksqlDB's messages for invalid aggregations and
// joins, and where they point.
func TestStatefulErrors(t *testing.T) {
	tests := []struct {
		sql, pos, msg string
	}{
		{statefulStream + "CREATE TABLE O AS SELECT ID, NAME, COUNT(*) FROM S GROUP BY ID;", "2:19",
			"Non-aggregate SELECT expression(s) not part of GROUP BY: NAME"},
		{statefulStream + "CREATE TABLE O AS SELECT ID, COUNT(*) FROM S GROUP BY ID HAVING NAME = 'a';", "2:65",
			"Non-aggregate HAVING expression not part of GROUP BY: NAME"},
		{statefulStream + "CREATE TABLE O AS SELECT COUNT(*) FROM S GROUP BY ID, NAME;", "2:19",
			"must include the grouping expressions ID and NAME in its projection (eg, SELECT ID, NAME...)."},
		{statefulStream + "CREATE TABLE O AS SELECT ID, ID AS K, COUNT(*) FROM S GROUP BY ID;", "2:19",
			"The projection contains a key column more than once: `ID` and `K`."},
		{statefulStream + "CREATE TABLE O AS SELECT ID, SUM(COUNT(*)) FROM S GROUP BY ID;", "2:30",
			"Aggregate functions can not be nested: SUM(COUNT(*))"},
		{statefulStream + "CREATE TABLE O AS SELECT ID FROM S GROUP BY ID;", "2:45",
			"GROUP BY requires aggregate functions in either the SELECT or HAVING clause."},
		{statefulStream + "CREATE TABLE O AS SELECT COUNT(*) FROM S GROUP BY MAX(V);", "2:51",
			"GROUP BY does not support aggregate functions: MAX is an aggregate function."},
		{statefulStream + "CREATE TABLE O AS SELECT ID, COUNT(*) FROM S WHERE SUM(V) > 1 GROUP BY ID;", "2:52",
			"Aggregate functions are not allowed in WHERE: SUM(V)"},
		{statefulStream + "CREATE TABLE O AS SELECT COUNT(*) FROM S;", "2:19",
			"CREATE TABLE AS SELECT statement does not support aggregate function [COUNT(ROWTIME)] without a GROUP BY clause."},
		{statefulStream + "CREATE TABLE O AS SELECT ID, COUNT(*) FROM S WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY ID, WINDOWSTART;", "2:91",
			"Window bounds column WINDOWSTART can only be used in the SELECT clause of windowed aggregations"},
		{statefulStream + "CREATE TABLE O AS SELECT ID, COUNT(*), WINDOWSTART AS W FROM S GROUP BY ID;", "2:40",
			"SELECT column 'WINDOWSTART' cannot be resolved."},
		{statefulStream + "CREATE STREAM O AS SELECT * FROM S WINDOW TUMBLING (SIZE 1 SECOND);", "2:36",
			"WINDOW clause requires a GROUP BY clause."},
		{statefulStream + "CREATE TABLE O AS SELECT ID, SUM(NAME) FROM S GROUP BY ID;", "2:30",
			"Function 'SUM' does not accept parameters (STRING)."},
		{statefulStream + "CREATE TABLE O AS SELECT ID, HISTOGRAM(V) FROM S GROUP BY ID;", "2:30",
			"not supported yet: aggregate function HISTOGRAM"},
		{statefulStream + "CREATE STREAM O AS SELECT ID, COUNT(*) FROM S GROUP BY ID;", "2:1",
			"Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead."},
		{statefulTable + "CREATE TABLE O AS SELECT ID, MAX(V) FROM T GROUP BY ID;", "2:19",
			"The aggregation function MAX cannot be applied to a table source, only to a stream source."},
		{statefulStream + "CREATE TABLE O AS SELECT ID, COUNT(*) FROM S GROUP BY ID EMIT FINAL;", "2:58",
			"EMIT FINAL is only supported for windowed aggregations."},
		{statefulStream + "CREATE TABLE O AS SELECT ID, COUNT(*) FROM S WINDOW HOPPING (SIZE 1 SECOND, ADVANCE BY 2 SECONDS) GROUP BY ID;", "2:88",
			"Window advance must be positive and no larger than the window size"},
		{statefulStream + "CREATE TABLE O AS SELECT ID, COUNT(*) FROM S GROUP BY ID HAVING COUNT(*) + 1;", "2:65",
			"Type error in HAVING expression: Should evaluate to boolean but is (COUNT(*) + 1) (BIGINT) instead."},

		{statefulStream + "CREATE TABLE O AS SELECT ID, EARLIEST_BY_OFFSET(NAME, V) AS F FROM S GROUP BY ID;", "2:55",
			"Parameter 2 passed to function EARLIEST_BY_OFFSET must be a literal constant, but was expression: 'V'"},
		{statefulStream + "CREATE TABLE O AS SELECT ID, EARLIEST_BY_OFFSET(NAME, 0) AS F FROM S GROUP BY ID;", "2:55",
			"earliestN must be 1 or greater: the N of EARLIEST_BY_OFFSET was 0."},
		{joinStreams + "CREATE STREAM O AS SELECT L.B, R.B FROM L JOIN R WITHIN 1 SECOND ON L.A = R.A PARTITION BY L.C;", "3:20",
			"The query used to build `O` must include the partitioning expression L.C in its projection (eg, SELECT L.C...)."},
		{joinStreams + "CREATE STREAM O AS SELECT * FROM L JOIN R ON L.A = R.A;", "3:36",
			"Stream-Stream joins must have a WITHIN clause specified."},
		{joinStreams + "CREATE STREAM O AS SELECT L.B, R.B FROM L JOIN R WITHIN 1 SECOND ON L.A = R.A;", "3:20",
			"The query used to build `O` must include the join expressions L.A or R.A in its projection (eg, SELECT L.A...)."},
		{joinStreams + "CREATE STREAM O AS SELECT L.A, R.B FROM L FULL JOIN R WITHIN 1 SECOND ON L.A = R.A;", "3:20",
			"must include the join expression ROWKEY in its projection (eg, SELECT ROWKEY...).\nROWKEY was added as a synthetic key column"},
		{joinStreams + "CREATE STREAM O AS SELECT * FROM L JOIN R WITHIN 1 SECOND ON L.A = 1;", "3:68",
			"Invalid comparison expression '1' in join '(L.A = 1)'. Each side of the join comparision must contain references from exactly one source."},
		{joinStreams + "CREATE STREAM O AS SELECT * FROM L JOIN R WITHIN 1 SECOND ON L.A = L.B;", "3:62",
			"Each side of the join must reference exactly one source and not the same source. Left side references `L` and right references `L`"},
		{joinStreams + "CREATE STREAM O AS SELECT * FROM L JOIN R WITHIN 1 SECOND ON L.A = R.A AND L.B = R.B;", "3:62",
			"Invalid join condition: joins on multiple conditions are not yet supported. Got ((L.A = R.A) AND (L.B = R.B))."},
		{joinStreams + "CREATE STREAM O AS SELECT * FROM L JOIN R WITHIN 1 SECOND ON A = R.A;", "3:62",
			"Column 'A' is ambiguous. Could be L.A or R.A."},
		{joinStreams + "CREATE STREAM O AS SELECT * FROM L JOIN R WITHIN 1 SECOND ON X.A = R.A;", "3:62",
			"'X' is not a valid stream/table name or alias."},
		{joinStreams + "CREATE STREAM O AS SELECT * FROM L JOIN R WITHIN 1 SECOND ON L.Z = R.A;", "3:62",
			"JOIN ON column 'L.Z' cannot be resolved."},
		{joinStreams + "CREATE STREAM O AS SELECT * FROM L JOIN R WITHIN 1 SECOND ON L.A = R.D;", "3:62",
			"Invalid join condition: types don't match. Got L.A{INTEGER} = R.D{STRING}."},
		{joinStreams + "CREATE TABLE O AS SELECT * FROM L JOIN R WITHIN 1 SECOND ON L.A = R.A;", "3:1",
			"Invalid result type. Your SELECT query produces a STREAM."},
		{joinStreams + "CREATE STREAM O AS SELECT L.A, COUNT(*) FROM L JOIN R WITHIN 1 SECOND ON L.A = R.A GROUP BY L.A;", "3:1",
			"Invalid result type. Your SELECT query produces a TABLE."},
		{joinStreams + "CREATE STREAM R2 (A INT KEY) WITH (kafka_topic='r2', format='JSON');\n" +
			"CREATE STREAM O AS SELECT L.B FROM L JOIN R WITHIN 1 SECOND ON L.A = R.A JOIN R2 WITHIN 1 SECOND ON L.A = R2.A;", "4:20",
			"must include the join expressions L.A, R.A or R2.A in its projection (eg, SELECT L.A...)."},
		{joinStreams + "CREATE STREAM R2 (A INT KEY) WITH (kafka_topic='r2', format='JSON');\n" +
			"CREATE STREAM O AS SELECT L.A, R.B FROM L JOIN R WITHIN 1 SECOND ON L.A = R.A JOIN R2 WITHIN 1 SECOND ON L.A = R.A;", "4:106",
			"A join criteria is expected to reference the source (`R2`) in the FROM clause, instead the right source references `R` and the left source references `L`"},
		{joinStreams + "CREATE STREAM O AS SELECT L.A, R.B FROM L JOIN R WITHIN 1 SECOND ON L.A = R.A JOIN R WITHIN 1 SECOND ON L.A = R.A;", "3:84",
			"N-way joins do not support multiple occurrences of the same source. Source: 'R'"},
		{"CREATE STREAM S (ID INT KEY, A_B INT) WITH (kafka_topic='s', value_format='JSON');\n" +
			"CREATE STREAM S_A (B INT KEY) WITH (kafka_topic='sa', value_format='JSON');\n" +
			"CREATE STREAM O AS SELECT * FROM S JOIN S_A WITHIN 1 SECOND ON S.ID = S_A.B;", "3:36",
			"not supported yet: a join whose aliases and column names both spell S_A_B"},
		{statefulTable + "CREATE TABLE U (K BIGINT PRIMARY KEY, F INT) WITH (kafka_topic='u', value_format='JSON');\n" +
			"CREATE TABLE W (K INT PRIMARY KEY, G INT) WITH (kafka_topic='w', value_format='JSON');\n" +
			"CREATE TABLE O AS SELECT T.ID, F, G FROM T JOIN W ON T.ID = W.K JOIN U ON T.V = U.K;", "4:75",
			"not supported yet: a foreign-key join after the first join of an n-way join"},
		{statefulStream + statefulTable + "CREATE STREAM O AS SELECT * FROM S FULL JOIN T ON S.ID = T.ID;", "3:36",
			"Invalid join type: full-outer join not supported for stream-table join. Got S [FULL] OUTER JOIN T."},
		{statefulStream + statefulTable + "CREATE STREAM O AS SELECT * FROM T JOIN S ON S.ID = T.ID;", "3:36",
			"Invalid join order: table-stream joins are not supported; only stream-table joins. Got T [INNER] JOIN S."},
		{statefulStream + statefulTable + "CREATE STREAM O AS SELECT * FROM S JOIN T WITHIN 1 SECOND ON S.ID = T.ID;", "3:43",
			"A window definition was provided for a Stream-Table join."},
		{statefulStream + statefulTable + "CREATE STREAM O AS SELECT * FROM S JOIN T ON S.V = T.V;", "3:46",
			"Invalid join condition: stream-table joins require to join on the table's primary key. Got S.V = T.V."},
		{statefulTable + "CREATE TABLE U (K INT PRIMARY KEY, F INT) WITH (kafka_topic='u', value_format='JSON');\n" +
			"CREATE TABLE O AS SELECT * FROM T JOIN U ON T.ID = U.F;", "3:45",
			"Invalid join condition: table-table joins require to join on the primary key of the right input table. Got T.ID = U.F."},
		{statefulTable + "CREATE TABLE U (K BIGINT PRIMARY KEY, F INT) WITH (kafka_topic='u', value_format='JSON');\n" +
			"CREATE TABLE O AS SELECT * FROM T RIGHT JOIN U ON T.V = U.K;", "3:35",
			"RIGHT OUTER JOIN on a foreign key is not supported"},
		{statefulTable + "CREATE TABLE U (K BIGINT PRIMARY KEY, F INT) WITH (kafka_topic='u', value_format='JSON');\n" +
			"CREATE TABLE O AS SELECT T.V, F FROM T JOIN U ON T.V = U.K;", "3:19",
			"Primary key column missing in projection. For foreign-key table-table joins, the projection must include all primary key columns from the left input table (`T`). Missing column: `ID`."},
	}
	for _, tc := range tests {
		name := tc.msg
		if len(name) > 60 {
			name = name[:60]
		}
		t.Run(name, func(t *testing.T) {
			_, pos, err := runScript(t, nil, tc.sql)
			if err == nil {
				t.Fatalf("no error, want %q", tc.msg)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q\nwant it to contain %q", err, tc.msg)
			}
			if pos != tc.pos {
				t.Errorf("error at %s, want %s (%v)", pos, tc.pos, err)
			}
		})
	}
}
