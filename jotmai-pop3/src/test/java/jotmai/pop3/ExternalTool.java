package jotmai.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/** Runs Debian tools from tests; skips when a tool is missing unless CI=true, where it fails. */
final class ExternalTool {

    record Result(int exitCode, String output) {}

    private ExternalTool() {}

    static void require(String tool, String debianPackage) {
        boolean present = System.getenv("PATH") != null && java.util.Arrays.stream(System.getenv("PATH").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(tool + " is missing: apt-get install " + debianPackage);
        }
        Assumptions.assumeTrue(present, tool + " not installed (Debian package " + debianPackage + ")");
    }

    static Result run(List<String> command, Map<String, String> env, Path workDir) throws IOException, InterruptedException {
        return run(command, env, workDir, 120);
    }

    static Result run(List<String> command, Map<String, String> env, Path workDir, int timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes(); // ends when the process exits
        boolean ended = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        assertThat(ended).as("%s finished", command.get(0)).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
