package jotmai.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes docs/CONFIG.md from {@link ConfigKeys}, so the documentation cannot drift from the code
 * (a test fails when the committed file differs). Regenerate with
 * {@code ./jotmai config-doc > docs/CONFIG.md} or by running {@link #main} with the output path.
 */
public final class ConfigDoc {

    private static final Map<String, String> SECTIONS = Map.ofEntries(
            Map.entry("server", "Server"), Map.entry("store", "Message store"), Map.entry("tls", "TLS"),
            Map.entry("ports", "Ports"), Map.entry("limits", "Connection limits"),
            Map.entry("auth", "Authentication"), Map.entry("delivery", "Outbound delivery"));

    private ConfigDoc() {
    }

    public static String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Jotmai configuration\n\n")
          .append("<!-- Generated from jotmai-server's ConfigKeys by ConfigDoc; do not edit by hand. -->\n\n")
          .append("Settings come from, in order: the defaults below, the config file, then `--set key=value`\n")
          .append("options on the command line (repeatable; any key). The config file is `<data>/jotmai.conf`\n")
          .append("when it exists, or the file given with `--config FILE`. Its format is one `key = value`\n")
          .append("per line; lines starting with `#` are comments. Unknown keys and malformed values are\n")
          .append("errors, never silently ignored. The data directory is `./data` unless `--data DIR` says\n")
          .append("otherwise.\n\n")
          .append("Example:\n\n```\n# /srv/mail/data/jotmai.conf\nserver.hostname = mail.example.com\n")
          .append("tls.cert = /etc/letsencrypt/live/mail.example.com/fullchain.pem\n")
          .append("tls.key = /etc/letsencrypt/live/mail.example.com/privkey.pem\npop3.enabled = false\n")
          .append("imap.bind = 127.0.0.1, ::1\n```\n");
        String section = "";
        for (ConfigKey<?> key : ConfigKeys.all()) {
            if (!key.section().equals(section)) {
                section = key.section();
                md.append("\n## ").append(title(section)).append("\n\n")
                  .append("| Key | Default | Type | Description |\n|---|---|---|---|\n");
            }
            md.append("| `").append(key.name()).append("` | ")
              .append(key.defaultValue().isEmpty() ? "(empty)" : "`" + key.defaultValue() + "`").append(" | ")
              .append(key.type().describe()).append(" | ")
              .append(key.description().replace("|", "\\|")).append(" |\n");
        }
        return md.append(LAUNCHER).toString();
    }

    /** The launcher's environment (not settings of the config file, so not in ConfigKeys). */
    private static final String LAUNCHER = """

            ## The `jotmai` launcher: JVM options and warm start

            `./jotmai` finds a JDK 21 or newer, builds the server jar when a source is newer than it, and
            runs `java ... -jar jotmai-server/target/jotmai.jar ARGS`. Two environment variables change the
            JVM it starts:

            | Variable | Default | Meaning |
            |---|---|---|
            | `JOTMAI_JAVA_OPTS` | (empty) | Extra JVM options, word-split and put after the launcher's own, so they override them, e.g. `-XX:+UseZGC -Xmx320m` for thousands of IDLE sessions, or `-Djdk.pollerMode=2` to undo the launcher's poller choice. |
            | `JOTMAI_AOT` | `on` | `off`: neither use nor make the ahead-of-time cache described below. |

            Warm start (JDK 25 and newer; on JDK 21-24 nothing of this happens). The first `./jotmai serve`
            after a build starts as before and, in the background at the lowest CPU priority, runs a
            training run of the new jar (`jotmai aot-train`: the whole server on loopback with free ports
            and a temporary data directory, a fixed SMTP, IMAP, IDLE and POP3 workload of at most 60 s,
            then a clean stop) under `-XX:AOTCacheOutput` (JEP 514). The JVM writes what it loaded, linked
            and profiled into `jotmai-server/target/jotmai.aot` (about 40 MB; JEP 483 and 515), and from
            then on `./jotmai` starts every command with `-XX:AOTCache=` that file. Its output goes to
            `jotmai-server/target/jotmai-aot.log`. A cache is only valid for the JDK, the jar and the
            `JOTMAI_JAVA_OPTS` it was made with (the JVM refuses it otherwise, with warnings on standard
            output, e.g. after switching to ZGC), so the launcher records them in `jotmai.aot.key`, uses the
            cache only when they match and otherwise trains again at the next `serve`. Rebuilding the jar
            makes a new cache the same way. What it gains (docs/BENCHMARKS.md, "Warm start"): the time from
            `serve` to the first IMAP greeting; the first SELECT of a 100,000-message mailbox is bound by
            reading its rows, not by the JIT, and does not change.
            """;

    private static String title(String section) {
        String known = SECTIONS.get(section);
        if (known != null) {
            return known;
        }
        return ListenerDef.ALL.stream().filter(l -> l.name().equals(section)).findFirst()
                .map(l -> "`" + l.name() + "`: listener on port " + l.defaultPort()
                        + (l.name().equals("smtp") || l.name().equals("pop3") ? ", and settings of every "
                        + l.name().toUpperCase(java.util.Locale.ROOT) + " listener" : ""))
                .orElse("`" + section + "`");
    }

    /** Writes the markdown to the path given as the only argument, or to stdout. */
    public static void main(String[] args) throws IOException {
        if (args.length == 1) {
            Files.writeString(Path.of(args[0]), markdown(), StandardCharsets.UTF_8);
        } else {
            System.out.print(markdown());
        }
    }
}
