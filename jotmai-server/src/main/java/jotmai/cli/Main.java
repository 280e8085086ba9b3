package jotmai.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import jotmai.server.JotmaiServer;
import jotmai.server.config.ConfigException;
import jotmai.shared.tls.TlsSetupException;
import jotmai.store.StoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code jotmai} command. Errors end as one line on stderr ("jotmai: ...") and a non-zero exit:
 * 1 when the command failed, 2 when the command line was wrong.
 */
@Command(name = "jotmai", mixinStandardHelpOptions = true, version = "jotmai 0.1.0",
        description = "Jotmai, a mail server for web-hosting providers: SMTP, IMAP, POP3.",
        subcommands = {ServeCommand.class, DomainCommand.class, UserCommand.class, AliasCommand.class,
                DkimCommand.class, QueueCommand.class, ConfigDocCommand.class, MigrateCommand.class,
                ShareCommand.class, ShareCommand.Unshare.class, ShareCommand.ListShares.class, TrainCommand.class})
public final class Main implements Callable<Integer> {

    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    @Spec CommandSpec spec;

    /** Without a subcommand: show what there is. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, Terminal.system(), out, err));
    }

    /** Runs one command line; returns the exit status. Tests call this in-process. */
    public static int run(String[] args, Terminal terminal, PrintWriter out, PrintWriter err) {
        if (args.length == 0 || !args[0].equals("serve")) {
            quietLogs(); // admin commands print their result; the store's INFO lines would be noise
        }
        CommandLine cli = new CommandLine(new Main(), factory(terminal));
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("jotmai: " + e.getMessage() + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help')");
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            err.println("jotmai: " + message(e));
            return EXIT_FAILED;
        });
        int status = cli.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    /** One line for any failure: ours carry a message made for people; anything else names its type. */
    static String message(Exception e) {
        return switch (e) {
            case CliException c -> c.getMessage();
            case ConfigException c -> c.getMessage();
            case JotmaiServer.StartException s -> s.getMessage();
            case TlsSetupException t -> t.getMessage();
            case StoreException s -> s.getMessage() == null ? s.getClass().getSimpleName() : s.getMessage();
            default -> "unexpected error: " + e;
        };
    }

    private static IFactory factory(Terminal terminal) {
        IFactory fallback = CommandLine.defaultFactory();
        return new IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                try {
                    var constructor = type.getDeclaredConstructor(Terminal.class);
                    constructor.setAccessible(true);
                    return constructor.newInstance(terminal);
                } catch (NoSuchMethodException e) {
                    return fallback.create(type);
                }
            }
        };
    }

    private static void quietLogs() {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(Level.WARN);
        }
    }
}
