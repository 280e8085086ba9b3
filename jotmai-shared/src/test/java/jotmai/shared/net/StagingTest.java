package jotmai.shared.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingTest {
    @TempDir
    Path dir;

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'a');
        return b;
    }

    private long filesIn(Path d) throws Exception {
        try (var s = Files.list(d)) {
            return s.count();
        }
    }

    @Test
    void aMessageWithinTheCapIsStagedToAFileAndReadableAsMessageSource() throws Exception {
        Staging staging = new Staging(dir.resolve("staging"));
        try (Staging.StagedMessage m = staging.stage(new ByteArrayInputStream(bytes(100_000)), 100_000,
                Staging.Overflow.FAIL_FAST)) {
            assertThat(m.size()).isEqualTo(100_000);
            assertThat(m.file()).isPresent();
            assertThat(m.file().get().getParent()).isEqualTo(dir.resolve("staging"));
            try (InputStream in = m.open()) {
                assertThat(in.readAllBytes()).hasSize(100_000);
            }
        }
        assertThat(filesIn(dir.resolve("staging"))).isZero();
    }

    @Test
    void failFastThrowsAsSoonAsTheCapIsPassedAndLeavesNoFile() throws Exception {
        Staging staging = new Staging(dir);
        InputStream endless = new InputStream() {
            long served;

            @Override
            public int read() {
                return served++ < 1L << 40 ? 'x' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                Arrays.fill(b, off, off + len, (byte) 'x');
                served += len;
                return len;
            }
        };
        assertThatThrownBy(() -> staging.stage(endless, 1000, Staging.Overflow.FAIL_FAST))
                .isInstanceOfSatisfying(MessageTooLargeException.class, e -> {
                    assertThat(e.drained()).isFalse();
                    assertThat(e.limit()).isEqualTo(1000);
                });
        assertThat(filesIn(dir)).isZero();
    }

    @Test
    void drainReadsToTheEndThenThrowsWithTheTotal() throws Exception {
        Staging staging = new Staging(dir);
        ByteArrayInputStream in = new ByteArrayInputStream(bytes(300_000));
        assertThatThrownBy(() -> staging.stage(in, 1000, Staging.Overflow.DRAIN))
                .isInstanceOfSatisfying(MessageTooLargeException.class, e -> {
                    assertThat(e.drained()).isTrue();
                    assertThat(e.seen()).isEqualTo(300_000);
                });
        assertThat(in.available()).isZero();
        assertThat(filesIn(dir)).isZero();
    }

    @Test
    void aWriterClosedWithoutFinishDeletesItsFile() throws Exception {
        Staging staging = new Staging(dir);
        try (Staging.Writer w = staging.open(10, Staging.Overflow.FAIL_FAST)) {
            w.write(bytes(5));
            assertThat(filesIn(dir)).isEqualTo(1);
        }
        assertThat(filesIn(dir)).isZero();
    }

    @Test
    void exactlyTheCapIsAccepted() throws Exception {
        Staging staging = new Staging(dir);
        try (Staging.Writer w = staging.open(10, Staging.Overflow.FAIL_FAST)) {
            w.write(bytes(10));
            assertThat(w.finish().size()).isEqualTo(10);
        }
    }

    @Test
    void leftoversOlderThanTheGivenAgeAreDeleted() throws Exception {
        Staging staging = new Staging(dir);
        Path old = dir.resolve(Staging.PREFIX + "old.eml");
        Files.write(old, bytes(3));
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        Path fresh = dir.resolve(Staging.PREFIX + "fresh.eml");
        Files.write(fresh, bytes(3));
        assertThat(staging.deleteLeftovers(Duration.ofDays(1))).isEqualTo(1);
        assertThat(fresh).exists();
        assertThat(old).doesNotExist();
    }
}
