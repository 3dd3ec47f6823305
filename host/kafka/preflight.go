package kafka

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/wasmstream/wasmstream/host/config"
)

// DefaultStartupTimeout bounds Preflight when the configuration sets none.
const DefaultStartupTimeout = 10 * time.Second

// Needs lists what a set of queries will do on the cluster, so Preflight
// can check the ACLs before anything runs.
type Needs struct {
	// ReadTopics are source topics: they must exist; READ is needed.
	ReadTopics []string
	// WriteTopics are sink topics: WRITE is needed.
	WriteTopics []string
	// CreateTopics are topics that may have to be created when missing
	// (sinks, internal topics): CREATE on the topic or the cluster.
	CreateTopics []string
	// Groups are consumer groups: READ is needed.
	Groups []string
	// TransactionalIDs are the transactional ids of exactly-once
	// producers: WRITE is needed. Preflight checks DESCRIBE (which WRITE
	// implies) because checking WRITE itself would fence a running
	// producer; a missing WRITE is reported, explained, at the first
	// transaction.
	TransactionalIDs []string
}

// Preflight connects with cfg within cfg.StartupTimeout (default 10s),
// authenticates, and checks the ACLs needs requires. It returns nil, or the
// explained errors (*ConnectError, *TLSError, *AuthError, or one
// *ACLError / *MissingTopicError per missing permission or topic, joined).
// A failure that retrying cannot fix (a wrong password, an untrusted
// certificate) ends it at once rather than at the timeout. extra options are
// added to the client (a logger, say).
func Preflight(ctx context.Context, cfg *config.Config, needs Needs, extra ...kgo.Opt) error {
	timeout := cfg.StartupTimeout
	if timeout <= 0 {
		timeout = DefaultStartupTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	opts, err := clientOpts(cfg, timeout/2)
	if err != nil {
		return err
	}
	obs := NewObserver()
	opts = append(opts, kgo.WithHooks(obs))
	opts = append(opts, extra...)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return fmt.Errorf("creating the Kafka client: %w", err)
	}
	defer cl.Close()
	go func() {
		select {
		case <-obs.Fatal():
			cancel()
		case <-ctx.Done():
		}
	}()

	p := &preflight{ctx: ctx, cl: cl, cfg: cfg, id: IdentityOf(cfg), obs: obs, timeout: timeout}
	if err := p.topics(needs); err != nil {
		return err
	}
	if err := p.groups(needs.Groups); err != nil {
		return err
	}
	if err := p.transactionalIDs(needs.TransactionalIDs); err != nil {
		return err
	}
	return errors.Join(p.problems...)
}

type preflight struct {
	timeout  time.Duration
	ctx      context.Context
	cl       *kgo.Client
	cfg      *config.Config
	id       Identity
	obs      *Observer
	problems []error
}

// notProvided is the AuthorizedOperations value of a broker that does not
// report them.
const notProvided = math.MinInt32

func allowed(ops int32, op kmsg.ACLOperation) bool {
	return ops == notProvided || ops&(1<<uint(op)) != 0
}

func (p *preflight) deny(t kmsg.ACLResourceType, name string, op kmsg.ACLOperation, err error) {
	p.problems = append(p.problems, &ACLError{Principal: p.id.Principal, ResourceType: t, Resource: name, Operation: op, Err: err})
}

func set(lists ...[]string) map[string]bool {
	m := map[string]bool{}
	for _, l := range lists {
		for _, s := range l {
			m[s] = true
		}
	}
	return m
}

func (p *preflight) topics(needs Needs) error {
	read, write, create := set(needs.ReadTopics), set(needs.WriteTopics), set(needs.CreateTopics)
	req := kmsg.NewPtrMetadataRequest()
	req.Topics = []kmsg.MetadataRequestTopic{} // none: not "all topics"
	for _, t := range sortedKeys(set(needs.ReadTopics, needs.WriteTopics, needs.CreateTopics)) {
		rt := kmsg.NewMetadataRequestTopic()
		rt.Topic = kmsg.StringPtr(t)
		req.Topics = append(req.Topics, rt)
	}
	req.IncludeTopicAuthorizedOperations = true
	resp, err := p.connect(req)
	if err != nil {
		return err
	}
	var missing []string
	for _, t := range resp.Topics {
		if t.Topic == nil {
			continue
		}
		name := *t.Topic
		// The operation to report: what the query does, READ first.
		op := kmsg.ACLOperationDescribe
		switch {
		case read[name]:
			op = kmsg.ACLOperationRead
		case write[name]:
			op = kmsg.ACLOperationWrite
		}
		switch err := kerr.ErrorForCode(t.ErrorCode); {
		case err == nil:
			if read[name] && !allowed(t.AuthorizedOperations, kmsg.ACLOperationRead) {
				p.deny(kmsg.ACLResourceTypeTopic, name, kmsg.ACLOperationRead, kerr.TopicAuthorizationFailed)
			}
			if write[name] && !allowed(t.AuthorizedOperations, kmsg.ACLOperationWrite) {
				p.deny(kmsg.ACLResourceTypeTopic, name, kmsg.ACLOperationWrite, kerr.TopicAuthorizationFailed)
			}
		case errors.Is(err, kerr.TopicAuthorizationFailed):
			// Without DESCRIBE the broker does not say whether the topic
			// exists; if it may have to be created, check CREATE too.
			if op != kmsg.ACLOperationDescribe || !create[name] {
				p.deny(kmsg.ACLResourceTypeTopic, name, op, err)
			}
			if create[name] {
				missing = append(missing, name)
			}
		case errors.Is(err, kerr.UnknownTopicOrPartition):
			switch {
			case create[name]:
				missing = append(missing, name)
			default:
				p.problems = append(p.problems, &MissingTopicError{Topic: name})
			}
		default:
			p.problems = append(p.problems, fmt.Errorf("topic %q: %w", name, err))
		}
	}
	if len(missing) > 0 {
		return p.canCreate(missing)
	}
	return nil
}

// connect sends the first request, retrying while the brokers cannot be
// reached (they may be starting) until the start-up timeout, and explains
// the failure.
func (p *preflight) connect(req *kmsg.MetadataRequest) (*kmsg.MetadataResponse, error) {
	for {
		resp, err := req.RequestWith(p.ctx, p.cl)
		if err == nil {
			return resp, nil
		}
		e := p.obs.Explain(err, p.cfg)
		var ce *ConnectError
		if !errors.As(e, &ce) || ce.Timeout > 0 {
			return nil, e
		}
		select {
		case <-time.After(250 * time.Millisecond):
		case <-p.ctx.Done():
			ce.Timeout = p.timeout
			return nil, ce
		}
	}
}

// canCreate asks the cluster to validate, without creating, the creation of
// topics: that is where a missing CREATE shows.
func (p *preflight) canCreate(topics []string) error {
	req := kmsg.NewPtrCreateTopicsRequest()
	req.ValidateOnly = true
	req.TimeoutMillis = 5000
	for _, t := range topics {
		rt := kmsg.NewCreateTopicsRequestTopic()
		rt.Topic = t
		rt.NumPartitions = -1
		rt.ReplicationFactor = -1
		req.Topics = append(req.Topics, rt)
	}
	resp, err := req.RequestWith(p.ctx, p.cl)
	if err != nil {
		return p.obs.Explain(err, p.cfg)
	}
	for _, t := range resp.Topics {
		err := kerr.ErrorForCode(t.ErrorCode)
		if errors.Is(err, kerr.TopicAuthorizationFailed) || errors.Is(err, kerr.ClusterAuthorizationFailed) {
			p.deny(kmsg.ACLResourceTypeTopic, t.Topic, kmsg.ACLOperationCreate, err)
		}
		// Other answers (policy, replication factor) are for the creation
		// itself to report.
	}
	return nil
}

func (p *preflight) groups(groups []string) error {
	if len(groups) == 0 {
		return nil
	}
	req := kmsg.NewPtrDescribeGroupsRequest()
	req.Groups = sortedKeys(set(groups))
	req.IncludeAuthorizedOperations = true
	for _, shard := range p.cl.RequestSharded(p.ctx, req) {
		if shard.Err != nil {
			if errors.Is(shard.Err, kerr.GroupAuthorizationFailed) {
				for _, g := range shard.Req.(*kmsg.DescribeGroupsRequest).Groups {
					p.deny(kmsg.ACLResourceTypeGroup, g, kmsg.ACLOperationRead, shard.Err)
				}
				continue
			}
			return p.obs.Explain(shard.Err, p.cfg)
		}
		for _, g := range shard.Resp.(*kmsg.DescribeGroupsResponse).Groups {
			err := kerr.ErrorForCode(g.ErrorCode)
			switch {
			case errors.Is(err, kerr.GroupAuthorizationFailed):
				p.deny(kmsg.ACLResourceTypeGroup, g.Group, kmsg.ACLOperationRead, err)
			case err == nil || errors.Is(err, kerr.GroupIDNotFound):
				if !allowed(g.AuthorizedOperations, kmsg.ACLOperationRead) {
					p.deny(kmsg.ACLResourceTypeGroup, g.Group, kmsg.ACLOperationRead, kerr.GroupAuthorizationFailed)
				}
			}
		}
	}
	return nil
}

func (p *preflight) transactionalIDs(ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	req := kmsg.NewPtrFindCoordinatorRequest()
	req.CoordinatorType = 1 // transaction
	req.CoordinatorKeys = sortedKeys(set(ids))
	for _, shard := range p.cl.RequestSharded(p.ctx, req) {
		if shard.Err != nil {
			if errors.Is(shard.Err, kerr.TransactionalIDAuthorizationFailed) {
				fr := shard.Req.(*kmsg.FindCoordinatorRequest)
				keys := fr.CoordinatorKeys
				if len(keys) == 0 {
					keys = []string{fr.CoordinatorKey}
				}
				for _, id := range keys {
					p.deny(kmsg.ACLResourceTypeTransactionalId, id, kmsg.ACLOperationWrite, shard.Err)
				}
				continue
			}
			return p.obs.Explain(shard.Err, p.cfg)
		}
		resp := shard.Resp.(*kmsg.FindCoordinatorResponse)
		if len(resp.Coordinators) == 0 { // v0-v3: one key per request
			if err := kerr.ErrorForCode(resp.ErrorCode); errors.Is(err, kerr.TransactionalIDAuthorizationFailed) {
				p.deny(kmsg.ACLResourceTypeTransactionalId, shard.Req.(*kmsg.FindCoordinatorRequest).CoordinatorKey, kmsg.ACLOperationWrite, err)
			}
			continue
		}
		for _, c := range resp.Coordinators {
			if err := kerr.ErrorForCode(c.ErrorCode); errors.Is(err, kerr.TransactionalIDAuthorizationFailed) {
				p.deny(kmsg.ACLResourceTypeTransactionalId, c.Key, kmsg.ACLOperationWrite, err)
			}
		}
	}
	return nil
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
