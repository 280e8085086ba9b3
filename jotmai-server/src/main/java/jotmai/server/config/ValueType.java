package jotmai.server.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a config value is written and read. Each type parses the text of a value and names itself in
 * docs/CONFIG.md. Parsing is strict: a value that does not fit is a {@link ConfigException}, never a
 * silent default.
 */
public sealed interface ValueType<T> {

    /** Short description for the documentation, e.g. "size (bytes, or with K, M, G)". */
    String describe();

    /** Parses a value; throws {@link IllegalArgumentException} with a short reason. */
    T parse(String text);

    ValueType<String> STRING = new Text();
    ValueType<Boolean> BOOLEAN = new Bool();
    ValueType<Integer> PORT = new IntRange(0, 65_535, "port (0-65535; 0 picks a free port)");
    ValueType<Integer> COUNT = new IntRange(1, Integer.MAX_VALUE, "number (1 or more)");
    ValueType<Integer> OFFSET = new IntRange(0, 60_000, "number (0-60000)");
    ValueType<Long> SIZE = new Size();
    ValueType<Duration> DURATION = new TimeSpan();
    ValueType<List<String>> LIST = new Items();
    ValueType<OptionalInt> DAYS_OR_NEVER = new DaysOrNever();

    record Text() implements ValueType<String> {
        public String describe() {
            return "text";
        }

        public String parse(String text) {
            return text;
        }
    }

    record Bool() implements ValueType<Boolean> {
        public String describe() {
            return "boolean (true/false)";
        }

        public Boolean parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw new IllegalArgumentException("expected true or false");
            };
        }
    }

    record IntRange(int min, int max, String describe) implements ValueType<Integer> {
        public Integer parse(String text) {
            int value;
            try {
                value = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a whole number");
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException("expected " + min + " to " + max);
            }
            return value;
        }
    }

    /** Bytes, optionally with a binary unit: 512, 64K, 50M, 2G (a trailing B is allowed: 50MB). */
    record Size() implements ValueType<Long> {
        private static final Pattern FORM = Pattern.compile("(\\d{1,12})\\s*([KMG]?)B?", Pattern.CASE_INSENSITIVE);

        public String describe() {
            return "size (bytes, or with K, M, G: 50M)";
        }

        public Long parse(String text) {
            Matcher m = FORM.matcher(text.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("expected a size such as 50M, 64K or 1048576");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2).toUpperCase(Locale.ROOT)) {
                case "K" -> n << 10;
                case "M" -> n << 20;
                case "G" -> n << 30;
                default -> n;
            };
        }
    }

    /** A duration with a unit: 500ms, 30s, 10m, 2h, 1d. */
    record TimeSpan() implements ValueType<Duration> {
        private static final Pattern FORM = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

        public String describe() {
            return "duration (500ms, 30s, 10m, 2h, 1d)";
        }

        public Duration parse(String text) {
            Matcher m = FORM.matcher(text.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("expected a duration such as 30s, 10m or 2h");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
    }

    /** Comma-separated items, blanks trimmed; an empty value is the empty list. */
    record Items() implements ValueType<List<String>> {
        public String describe() {
            return "comma-separated list";
        }

        public List<String> parse(String text) {
            return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
    }

    /** A number of days, or "never". */
    record DaysOrNever() implements ValueType<OptionalInt> {
        public String describe() {
            return "days (0 or more) or never";
        }

        public OptionalInt parse(String text) {
            if (text.equalsIgnoreCase("never")) {
                return OptionalInt.empty();
            }
            return OptionalInt.of(new IntRange(0, 100_000, "").parse(text));
        }
    }
}
