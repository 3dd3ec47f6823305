// Package broker runs an embedded Kafka broker (franz-go's kfake) in the
// wasmstream process, secured by default: SASL_SSL with a CA and server
// certificate generated into a state directory and reused on later starts,
// SCRAM-SHA-512 / SCRAM-SHA-256 / PLAIN users with generated passwords
// (an admin superuser and the least-privilege wasmstream principal), ACLs
// enforced with only what wasmstream needs, and topics, offsets and ACLs
// persisted in the state directory.
//
//	b, err := broker.Start(ctx, broker.Options{StateDir: dir, ServiceID: "orders_", Topics: []string{"orders"}})
//	props, _ := b.ClientConfig(broker.ServiceUser) // host/config keys
//	cfg, _, err := config.Load(config.Options{Defaults: props})
//
// It also writes, per user, a Java client properties file and a kcat (-F)
// configuration file, so other clients can connect.
package broker
