package live_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wasmstream/wasmstream/engine"
	"github.com/wasmstream/wasmstream/engine/live"
	"github.com/wasmstream/wasmstream/host/kafka"
)

// TestSecondInstanceOfAStatefulQueryIsReported starts a stateful query
// twice with one service id: the group splits the partitions between the
// instances, whose local state would each miss the other's part. They say
// so (an error in the log naming query, group and partitions; SHARED in
// the status line) instead of running on quietly; a single instance never
// does.
func TestSecondInstanceOfAStatefulQueryIsReported(t *testing.T) {
	c := startCluster(t, "twice_", "mortgages", "per_city")
	if err := c.b.CreateTopics(context.Background(), 2, "mortgages"); err != nil {
		t.Fatal(err)
	}
	produce(t, c.admin, "mortgages", 0, 20)
	logs := [2]*syncBuffer{{}, {}}
	run := func(i int) *runner {
		return startRunOpts(t, c, countScript, func(o *live.Options) {
			o.Logger = slog.New(slog.NewTextHandler(logs[i], nil))
		})
	}
	first := run(0)
	first.waitIn(t, 20)
	if st := first.status.String(); strings.Contains(st, "SHARED") || strings.Contains(logs[0].String(), "another instance") {
		t.Fatalf("a single instance reports sharing:\n%s\n%s", st, logs[0].String())
	}
	second := run(1)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for i, r := range []*runner{first, second} {
			l := logs[i].String()
			if strings.Contains(r.status.String(), "(SHARED: another instance holds some partitions)") &&
				strings.Contains(l, "another instance runs this stateful query") && strings.Contains(l, "CTAS_PER_CITY_0") &&
				strings.Contains(l, "_confluent-ksql-twice_query_CTAS_PER_CITY_0") && strings.Contains(l, "of 2 partitions") {
				second.stop(t)
				first.stop(t)
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("neither instance reported the shared group:\nfirst:\n%s\n%s\nsecond:\n%s\n%s",
		first.status.String(), logs[0].String(), second.status.String(), logs[1].String())
}

// TestInternalTopicNames: the engine names internal topics (it creates
// them), the kafka package names consumer groups and checks ACLs on both;
// the names must share the prefix one ACL covers.
func TestInternalTopicNames(t *testing.T) {
	got := engine.InternalTopic("svc_", "CTAS_T_1", "Aggregate-GroupBy-repartition")
	if want := kafka.InternalTopic("svc_", "CTAS_T_1", "Aggregate-GroupBy-repartition"); got != want {
		t.Errorf("engine names %s, kafka %s", got, want)
	}
	if !strings.HasPrefix(got, kafka.ServiceGroup("svc_", "CTAS_T_1")) {
		t.Errorf("%s is not under the query's group name", got)
	}
}

// TestUnreadableCheckpointStopsTheQuery: a checkpoint that cannot be
// restored (damaged, or of another format) stops the query with the file
// and the way to start over, instead of running on empty state past
// offsets the lost state had counted.
func TestUnreadableCheckpointStopsTheQuery(t *testing.T) {
	c := startCluster(t, "ckpt_", "mortgages", "per_city")
	if err := c.b.CreateTopics(context.Background(), 1, "mortgages"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "CTAS_PER_CITY_0.ckpt"), []byte("not a checkpoint"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := startRunWith(t, c, countScript, dir)
	select {
	case err := <-r.done:
		msg := fmt.Sprint(err)
		for _, want := range []string{"CTAS_PER_CITY_0.ckpt", "remove the file and delete its consumer group _confluent-ksql-ckpt_query_CTAS_PER_CITY_0"} {
			if !strings.Contains(msg, want) {
				t.Errorf("error %q lacks %q", msg, want)
			}
		}
	case <-time.After(20 * time.Second):
		r.cancel()
		t.Fatal("the query ran on a checkpoint it could not read")
	}
	r.cancel()
}
