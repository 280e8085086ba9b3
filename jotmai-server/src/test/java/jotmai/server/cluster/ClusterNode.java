package jotmai.server.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Jotmai node as a real, separate process: {@code java jotmai.cli.Main serve} on this test's
 * class path, with its own data directory (TLS material, staging files) and loopback ports, sharing
 * the store through the {@code store.*} settings. Output goes to {@code node.log} in the data
 * directory; {@link #log()} reads it for failure messages. Stopped with SIGTERM like an operator
 * would, killed if it does not stop.
 */
final class ClusterNode implements AutoCloseable {

    /** Plain-text listeners every node runs; the implicit-TLS ones stay off to keep start-up short. */
    static final List<String> LISTENERS = List.of("smtp", "submission", "imap", "pop3");
    /** A JVM start on a loaded 2-core machine can take long; this bounds the wait for the listeners. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** Heap of a node: the tests hold nothing big, and several JVMs share the machine (C1 only: quicker start). */
    static final String HEAP = "-Xmx192m";

    final String name;
    final Path dataDir;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Process process;

    private ClusterNode(String name, Path dataDir, Process process, Map<String, Integer> ports) {
        this.name = name;
        this.dataDir = dataDir;
        this.process = process;
        this.ports.putAll(ports);
    }

    /** Starts a node; returns once it runs (call {@link #awaitReady()} before using it). */
    static ClusterNode start(String name, Path dataDir, List<String> settings) throws IOException {
        Files.createDirectories(dataDir);
        Map<String, Integer> ports = new LinkedHashMap<>();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "jotmai.cli.Main", "serve", "--data", dataDir.toString(),
                "--set", "server.hostname=" + name + ".cluster.test", "--set", "smtp.greeting-delay=0s",
                "--set", "lmtp.enabled=false", "--set", "server.shutdown-grace=1s"));
        for (String off : List.of("submissions", "imaps", "pop3s")) {
            command.addAll(List.of("--set", off + ".enabled=false"));
        }
        for (String listener : LISTENERS) {
            int port = freePort();
            ports.put(listener, port);
            command.addAll(List.of("--set", listener + ".port=" + port, "--set", listener + ".bind=127.0.0.1"));
        }
        for (String s : settings) {
            command.addAll(List.of("--set", s));
        }
        Path log = dataDir.resolve("node.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ClusterNode(name, dataDir, p, ports);
    }

    /** Waits until every listener accepts a connection; fails with the node's log when it died. */
    ClusterNode awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        for (String listener : LISTENERS) {
            while (!accepts(port(listener))) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + log());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " did not open " + listener + " in time:\n" + log());
                }
                Thread.sleep(200);
            }
        }
        return this;
    }

    int port(String listener) {
        return ports.get(listener);
    }

    boolean alive() {
        return process.isAlive();
    }

    String log() {
        try {
            return Files.readString(dataDir.resolve("node.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.toHandle().destroy(); // SIGTERM: the graceful shutdown path of jotmai serve
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
