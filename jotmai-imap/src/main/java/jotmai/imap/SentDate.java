package jotmai.imap;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The instant of an RFC 5322 §3.3 Date header, for SORT DATE and THREAD ordering (RFC 5256 §2.2:
 * "sent date", compared in UTC). Lenient about the day name, seconds and obsolete zone names.
 */
final class SentDate {
    private static final Pattern DATE = Pattern.compile(
            "(\\d{1,2})\\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?\\s+(\\d{2,4})\\s+"
                    + "(\\d{1,2}):(\\d{2})(?::(\\d{2}))?\\s*([+-]\\d{4}|[a-z]{1,5})?",
            Pattern.CASE_INSENSITIVE);
    private static final List<String> MONTHS =
            List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");

    private SentDate() {}

    static Optional<Instant> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = DATE.matcher(header);
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            int year = Integer.parseInt(m.group(3));
            if (year < 100) {
                year += year < 50 ? 2000 : 1900; // RFC 5322 §4.3
            } else if (year < 1000) {
                year += 1900;
            }
            int month = MONTHS.indexOf(m.group(2).toLowerCase(Locale.ROOT).substring(0, 3)) + 1;
            int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
            LocalDateTime local = LocalDateTime.of(year, month, Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Math.min(second, 59));
            return Optional.of(local.toInstant(zone(m.group(7))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** RFC 5322 §3.3 and §4.3 (obsolete zone names; unknown ones count as +0000). */
    private static ZoneOffset zone(String z) {
        if (z == null) {
            return ZoneOffset.UTC;
        }
        if (z.startsWith("+") || z.startsWith("-")) {
            int hours = Integer.parseInt(z.substring(1, 3));
            int minutes = Integer.parseInt(z.substring(3, 5));
            if (hours > 18 || minutes > 59) {
                return ZoneOffset.UTC;
            }
            int sign = z.startsWith("-") ? -1 : 1;
            return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
        }
        return switch (z.toUpperCase(Locale.ROOT)) {
            case "EDT" -> ZoneOffset.ofHours(-4);
            case "EST", "CDT" -> ZoneOffset.ofHours(-5);
            case "CST", "MDT" -> ZoneOffset.ofHours(-6);
            case "MST", "PDT" -> ZoneOffset.ofHours(-7);
            case "PST" -> ZoneOffset.ofHours(-8);
            default -> ZoneOffset.UTC;
        };
    }
}
