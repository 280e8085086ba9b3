package jotmai.smtp;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jotmai.shared.net.ListenerConfig;

/**
 * Configuration of the SMTP server. Each listener kind takes a list, one entry per bind address, so one
 * {@link SmtpServer} serves them all and shares its per-user hourly limit; an empty list disables the kind.
 *
 * @param hostname              the name in the greeting, EHLO reply and Received headers
 * @param mx                    MX listener (port 25): STARTTLS offered, no AUTH, relay only for trusted networks
 * @param submission            submission listener (port 587, RFC 6409): STARTTLS, AUTH required before MAIL
 * @param submissions           implicit-TLS submission (port 465, RFC 8314): AUTH required before MAIL
 * @param lmtp                  LMTP listener (RFC 2033) for another MTA in front; off by default
 * @param maxMessageSize        SIZE limit in octets (RFC 1870), enforced while reading; 552 when exceeded
 * @param maxRecipients         recipients per message (RFC 5321 §4.5.3.1.8 asks for at least 100)
 * @param trustedNetworks       CIDR blocks ("127.0.0.0/8", "::1/128") that may relay through the MX
 *                              listener without AUTH and skip the early-talker delay
 * @param allowInsecureAuth     offer AUTH without TLS to non-loopback peers (loopback is always allowed)
 * @param restrictSenders       an authenticated user may use only its own addresses and aliases in MAIL FROM
 * @param messagesPerHourPerUser mail-bomb guard for authenticated senders; 0 means no limit
 * @param greetingDelay         MX listener: wait this long before the greeting and refuse clients that
 *                              talk first (early talkers); zero disables
 * @param commandTimeout        server timeout waiting for a command (RFC 5321 §4.5.3.2.7: 5 minutes)
 * @param dataTimeout           server timeout for each read while receiving DATA or BDAT content (RFC 5321
 *                              §4.5.3.2.7 asks for at least 5 minutes for the server)
 * @param maxAuthFailures       failed AUTH attempts per session before the connection is closed
 * @param stagingDirectory      where DATA and BDAT content is staged; empty = the system temp directory
 */
public record SmtpConfig(
        String hostname,
        List<ListenerConfig> mx,
        List<ListenerConfig> submission,
        List<ListenerConfig> submissions,
        List<ListenerConfig> lmtp,
        long maxMessageSize,
        int maxRecipients,
        List<String> trustedNetworks,
        boolean allowInsecureAuth,
        boolean restrictSenders,
        int messagesPerHourPerUser,
        Duration greetingDelay,
        Duration commandTimeout,
        Duration dataTimeout,
        int maxAuthFailures,
        Optional<Path> stagingDirectory) {

    public static final long DEFAULT_MAX_MESSAGE_SIZE = 50L * 1024 * 1024;
    public static final int DEFAULT_MAX_RECIPIENTS = 100;

    public SmtpConfig {
        mx = List.copyOf(mx);
        submission = List.copyOf(submission);
        submissions = List.copyOf(submissions);
        lmtp = List.copyOf(lmtp);
        trustedNetworks = List.copyOf(trustedNetworks);
        for (String net : trustedNetworks) {
            Networks.parse(net); // fail fast on a bad CIDR
        }
    }

    /** Ports 25, 587 and 465 on all addresses; LMTP off; loopback trusted. */
    public static SmtpConfig defaults() {
        return new SmtpConfig("localhost",
                List.of(listener("smtp", 25, false)),
                List.of(listener("submission", 587, false)),
                List.of(listener("submissions", 465, true)),
                List.of(),
                DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_RECIPIENTS,
                List.of("127.0.0.0/8", "::1/128"),
                false, true, 500,
                Duration.ofSeconds(1),
                Duration.ofMinutes(5), Duration.ofMinutes(5),
                3, Optional.empty());
    }

    static ListenerConfig listener(String name, int port, boolean implicitTls) {
        return new ListenerConfig(name, new InetSocketAddress(port), implicitTls,
                ListenerConfig.DEFAULT_MAX_CONNECTIONS, ListenerConfig.DEFAULT_MAX_PER_IP, 512, Duration.ofSeconds(30));
    }

    public SmtpConfig withHostname(String value) {
        return new SmtpConfig(value, mx, submission, submissions, lmtp, maxMessageSize, maxRecipients, trustedNetworks,
                allowInsecureAuth, restrictSenders, messagesPerHourPerUser, greetingDelay, commandTimeout, dataTimeout,
                maxAuthFailures, stagingDirectory);
    }

    /** One listener (or none) per kind; kept for callers written before listeners became lists. */
    public SmtpConfig withListeners(Optional<ListenerConfig> mx, Optional<ListenerConfig> submission,
                                    Optional<ListenerConfig> submissions, Optional<ListenerConfig> lmtp) {
        return withListeners(mx.stream().toList(), submission.stream().toList(), submissions.stream().toList(),
                lmtp.stream().toList());
    }

    public SmtpConfig withListeners(List<ListenerConfig> mx, List<ListenerConfig> submission,
                                    List<ListenerConfig> submissions, List<ListenerConfig> lmtp) {
        return new SmtpConfig(hostname, mx, submission, submissions, lmtp, maxMessageSize, maxRecipients,
                trustedNetworks, allowInsecureAuth, restrictSenders, messagesPerHourPerUser, greetingDelay,
                commandTimeout, dataTimeout, maxAuthFailures, stagingDirectory);
    }

    public SmtpConfig withTrustedNetworks(List<String> value) {
        return new SmtpConfig(hostname, mx, submission, submissions, lmtp, maxMessageSize, maxRecipients, value,
                allowInsecureAuth, restrictSenders, messagesPerHourPerUser, greetingDelay, commandTimeout, dataTimeout,
                maxAuthFailures, stagingDirectory);
    }

    public SmtpConfig withLimits(long maxMessageSize, int maxRecipients, int messagesPerHourPerUser) {
        return new SmtpConfig(hostname, mx, submission, submissions, lmtp, maxMessageSize, maxRecipients,
                trustedNetworks, allowInsecureAuth, restrictSenders, messagesPerHourPerUser, greetingDelay,
                commandTimeout, dataTimeout, maxAuthFailures, stagingDirectory);
    }

    public SmtpConfig withTimeouts(Duration greetingDelay, Duration commandTimeout, Duration dataTimeout) {
        return new SmtpConfig(hostname, mx, submission, submissions, lmtp, maxMessageSize, maxRecipients,
                trustedNetworks, allowInsecureAuth, restrictSenders, messagesPerHourPerUser, greetingDelay,
                commandTimeout, dataTimeout, maxAuthFailures, stagingDirectory);
    }

    public SmtpConfig withStagingDirectory(Path dir) {
        return new SmtpConfig(hostname, mx, submission, submissions, lmtp, maxMessageSize, maxRecipients,
                trustedNetworks, allowInsecureAuth, restrictSenders, messagesPerHourPerUser, greetingDelay,
                commandTimeout, dataTimeout, maxAuthFailures, Optional.of(dir));
    }
}
