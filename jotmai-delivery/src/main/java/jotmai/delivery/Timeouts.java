package jotmai.delivery;

import java.time.Duration;

/**
 * Client timeouts, defaults from RFC 5321 §4.5.3.2: initial 220 5 min, MAIL 5 min, RCPT 5 min, DATA
 * initiation 2 min, each data block 3 min, the reply to the final dot 10 min. Connect is not in the
 * RFC; 30 s keeps a black-holed address from holding a slot for long.
 */
public record Timeouts(Duration connect, Duration greeting, Duration command, Duration dataInit,
                       Duration dataBlock, Duration dataTermination) {

    public static Timeouts rfc5321() {
        return new Timeouts(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(5),
                Duration.ofMinutes(2), Duration.ofMinutes(3), Duration.ofMinutes(10));
    }

    /** Every timeout set to {@code d} (tests). */
    public static Timeouts all(Duration d) {
        return new Timeouts(d, d, d, d, d, d);
    }
}
