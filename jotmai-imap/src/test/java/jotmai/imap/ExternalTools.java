package jotmai.imap;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/** Debian tools used by tests: skipped when missing, unless CI=true (then missing tools fail the test). */
final class ExternalTools {
    private ExternalTools() {}

    static void require(String tool, String debianPackage) {
        boolean present = false;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                present = true;
                break;
            }
        }
        if ("true".equals(System.getenv("CI"))) {
            if (!present) {
                throw new AssertionError(tool + " missing: apt-get install -y " + debianPackage);
            }
            return;
        }
        Assumptions.assumeTrue(present, tool + " not installed (apt-get install -y " + debianPackage + ")");
    }

    /** Runs a process with a deadline; returns its combined output. Fails on timeout or non-zero exit. */
    static String run(Path dir, long timeoutSeconds, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " timed out");
        }
        String text = new String(out, java.nio.charset.StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + text);
        }
        return text;
    }
}
