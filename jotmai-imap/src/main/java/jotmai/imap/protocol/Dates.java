package jotmai.imap.protocol;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.SignStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Map;

/** IMAP date and date-time (RFC 9051 §9: date-text, date-time with "dd-Mon-yyyy hh:mm:ss +zzzz"). */
public final class Dates {
    private static final Map<Long, String> MONTHS = Map.ofEntries(
            Map.entry(1L, "Jan"), Map.entry(2L, "Feb"), Map.entry(3L, "Mar"), Map.entry(4L, "Apr"),
            Map.entry(5L, "May"), Map.entry(6L, "Jun"), Map.entry(7L, "Jul"), Map.entry(8L, "Aug"),
            Map.entry(9L, "Sep"), Map.entry(10L, "Oct"), Map.entry(11L, "Nov"), Map.entry(12L, "Dec"));

    private static final DateTimeFormatter DATE = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendValue(ChronoField.DAY_OF_MONTH, 1, 2, SignStyle.NOT_NEGATIVE).appendLiteral('-')
            .appendText(ChronoField.MONTH_OF_YEAR, MONTHS).appendLiteral('-')
            .appendValue(ChronoField.YEAR, 4).toFormatter(Locale.ROOT);

    /** date-time: day is space-padded to two characters ("date-day-fixed"). */
    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .padNext(2).appendValue(ChronoField.DAY_OF_MONTH).appendLiteral('-')
            .appendText(ChronoField.MONTH_OF_YEAR, MONTHS).appendLiteral('-')
            .appendValue(ChronoField.YEAR, 4).appendLiteral(' ')
            .appendPattern("HH:mm:ss").appendLiteral(' ').appendOffset("+HHMM", "+0000").toFormatter(Locale.ROOT);

    private Dates() {}

    public static LocalDate parseDate(String text) {
        try {
            return LocalDate.parse(text, DATE);
        } catch (DateTimeParseException e) {
            throw Tokens.error("bad date");
        }
    }

    public static ZonedDateTime parseDateTime(String text) {
        try {
            String fixed = text.length() == 25 && text.charAt(0) == ' ' ? text : text;
            return ZonedDateTime.parse(fixed, DATE_TIME);
        } catch (DateTimeException e) {
            throw Tokens.error("bad date-time");
        }
    }

    /** INTERNALDATE as sent in FETCH responses. */
    public static String formatDateTime(ZonedDateTime time) {
        return DATE_TIME.format(time);
    }
}
