package jotmai.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.server.JotmaiServer;
import jotmai.server.config.JotmaiConfig;
import jotmai.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code jotmai serve}: runs the mail server and the outbound queue runner until SIGTERM or SIGINT.
 * Shutdown (a JVM shutdown hook): stop accepting on every listener, give running commands
 * {@code server.shutdown-grace} to finish, close the rest, stop outbound delivery (in-flight messages
 * are leased and retried after the next start), then close the store so every acknowledged write is
 * on disk.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the mail server (SMTP, submission, IMAP, POP3, outbound delivery) until stopped with Ctrl-C "
                + "or SIGTERM.",
                "Ports 25/587/465/143/993/110/995 need root or CAP_NET_BIND_SERVICE; an ordinary user can "
                        + "try Jotmai with --set ports.offset=20000 (ports 20025, 20143, ...).",
                "Settings: docs/CONFIG.md."})
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Mixin StoreOptions store;

    @Override
    public Integer call() throws InterruptedException {
        JotmaiConfig config = store.config();
        Path dataDir = store.dataDir.toAbsolutePath().normalize();
        Store opened = store.openStore(config);
        JotmaiServer server;
        try {
            server = JotmaiServer.start(config, dataDir, opened);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        long graceMillis = config.server().shutdownGrace().toMillis();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping: no new connections, {} ms for running commands", graceMillis);
            server.close(graceMillis);
            opened.close();
            log.info("stopped");
            stopped.countDown();
        }, "jotmai-shutdown"));
        log.info("Jotmai running as {} with data in {} ({} listeners)", JotmaiServer.hostname(config), dataDir,
                server.listeners().size());
        stopped.await(); // the JVM exits when the hook is done; this only keeps main alive till then
        return 0;
    }
}
