/**
 * Outbound delivery: the queue runner ({@link jotmai.delivery.QueueRunner}), routing (MX lookup with
 * dnsjava, static routes, relay host), the SMTP client, RFC 3464 bounces and DKIM signing. Entry point
 * for the server: {@link jotmai.delivery.DeliveryService}.
 *
 * <p>Depends on store-api (the durable queue and local delivery of bounces) and shared; never on a
 * protocol module or a store backend.
 */
package jotmai.delivery;
