/**
 * Listening sockets shared by every protocol: one virtual thread per connection, connection limits
 * in total and per IP, implicit TLS or STARTTLS upgrade (pipelined plaintext discarded), graceful
 * shutdown, and the per-connection timeouts (idle, command deadline, write stall). {@link
 * jotmai.shared.net.Limits} holds the named limits protocols apply; {@link jotmai.shared.net.Staging}
 * streams incoming messages to size-capped temporary files. Knows no protocol and no store backend.
 */
package jotmai.shared.net;
