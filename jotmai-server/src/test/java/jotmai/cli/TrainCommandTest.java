package jotmai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jotmai aot-train}, the launcher's training run for the JVM's AOT cache: its workload must keep
 * working against the real server (a protocol change that broke it would silently leave every start
 * cold), and it must leave nothing behind. A tenth of the workload (--quick) keeps this test short.
 */
@Timeout(300)
class TrainCommandTest {

    @TempDir
    Path work;

    @Test
    void theTrainingWorkloadRunsAgainstTheWholeServerAndRemovesItsDataDirectory() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int status = Main.run(new String[] {"aot-train", "--quick", "--work", work.toString()},
                new Terminal(System.in, Optional.empty()), new PrintWriter(out), new PrintWriter(err));

        assertThat(err.toString()).isEmpty();
        assertThat(status).isZero();
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).as("its temporary data directory is gone").isEmpty();
        }
    }
}
