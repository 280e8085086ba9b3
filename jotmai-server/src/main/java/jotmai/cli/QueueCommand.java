package jotmai.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import jotmai.delivery.QueueAdmin;
import jotmai.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jotmai queue list|show|retry|delete|flush}: the outbound queue. These work on the store, so a
 * running server sees the change at its next poll (delivery.poll-interval).
 */
@Command(name = "queue", description = "Inspect and manage the outbound mail queue.", mixinStandardHelpOptions = true,
        subcommands = {QueueCommand.ListQueue.class, QueueCommand.Show.class, QueueCommand.Retry.class,
                QueueCommand.Delete.class, QueueCommand.Flush.class})
final class QueueCommand implements Callable<Integer> {

    /** More than an admin reads on a terminal; grep the output or raise --limit. */
    static final int DEFAULT_LIST_LIMIT = 1000;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Main.EXIT_USAGE;
    }

    /** QueueAdmin prints to a PrintStream; the CLI writes through picocli's writer (tests capture it). */
    private static void print(CommandSpec spec, Consumer<PrintStream> body) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            body.accept(ps);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(buffer.toString(StandardCharsets.UTF_8));
        out.flush();
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "One line per queued message: id, next attempt, size, sender, open/total recipients.")
    static final class ListQueue implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin StoreOptions store;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "" + DEFAULT_LIST_LIMIT,
                description = "show at most N messages (default: ${DEFAULT-VALUE})")
        int limit;

        public Integer call() {
            if (limit < 1) {
                throw new CliException("--limit must be 1 or more");
            }
            try (Store s = store.openStore()) {
                int[] count = new int[1];
                print(spec, out -> count[0] = QueueAdmin.list(s.queue(), limit, out));
                if (count[0] == 0) {
                    spec.commandLine().getErr().println("the queue is empty");
                }
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "A message's envelope and each recipient's status, attempts and last reply.")
    static final class Show implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin StoreOptions store;
        @Parameters(paramLabel = "ID") String id;

        public Integer call() {
            try (Store s = store.openStore()) {
                boolean[] found = new boolean[1];
                print(spec, out -> found[0] = QueueAdmin.show(s.queue(), id, out));
                if (!found[0]) {
                    throw new CliException("no queued message " + id);
                }
            }
            return 0;
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true, description = "Make a message due now.")
    static final class Retry implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin StoreOptions store;
        @Parameters(paramLabel = "ID") String id;

        public Integer call() {
            try (Store s = store.openStore()) {
                if (!QueueAdmin.retry(s.queue(), id)) {
                    throw new CliException("no queued message " + id);
                }
            }
            spec.commandLine().getOut().println("message " + id + " is due now");
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Remove a message from the queue without a bounce to its sender.")
    static final class Delete implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin StoreOptions store;
        @Parameters(paramLabel = "ID") String id;

        public Integer call() {
            try (Store s = store.openStore()) {
                if (!QueueAdmin.delete(s.queue(), id)) {
                    throw new CliException("no queued message " + id);
                }
            }
            spec.commandLine().getOut().println("deleted message " + id);
            return 0;
        }
    }

    @Command(name = "flush", mixinStandardHelpOptions = true, description = "Make every queued message due now.")
    static final class Flush implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin StoreOptions store;

        public Integer call() {
            int n;
            try (Store s = store.openStore()) {
                n = QueueAdmin.flush(s.queue());
            }
            spec.commandLine().getOut().println(n + " message(s) due now");
            return 0;
        }
    }
}
