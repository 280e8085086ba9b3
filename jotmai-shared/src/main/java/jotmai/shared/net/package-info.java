/**
 * Listening sockets shared by every protocol: one virtual thread per connection, connection limits
 * in total and per IP, implicit TLS or STARTTLS upgrade, graceful shutdown. Knows no protocol.
 */
package jotmai.shared.net;
