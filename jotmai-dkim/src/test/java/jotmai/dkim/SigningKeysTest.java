package jotmai.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {
    @TempDir Path dataDir;

    @Test
    void keysAreParsedOnceAndTheSameObjectsAreReturnedWhileTheFilesAreUnchanged() {
        DkimKeys.generate(dataDir, "example.test", "a", DkimKeys.Algorithm.ED25519_SHA256);
        SigningKeys keys = new SigningKeys(dataDir);
        var first = keys.forDomain("example.test");
        assertThat(first).hasSize(1);
        assertThat(keys.forDomain("Example.TEST")).isSameAs(first);
    }

    @Test
    void anAddedReplacedOrRemovedKeyIsSeenOnTheNextCall() throws Exception {
        SigningKeys keys = new SigningKeys(dataDir);
        assertThat(keys.forDomain("example.test")).isEmpty();

        DkimKeys.generate(dataDir, "example.test", "a", DkimKeys.Algorithm.ED25519_SHA256);
        var one = keys.forDomain("example.test");
        assertThat(one).extracting(DkimKeys.SigningKey::selector).containsExactly("a");

        DkimKeys.generate(dataDir, "example.test", "b", DkimKeys.Algorithm.RSA_SHA256);
        assertThat(keys.forDomain("example.test")).extracting(DkimKeys.SigningKey::selector).containsExactly("a", "b");

        // replace key a by another one (new content, forced distinct time stamp)
        Path a = dataDir.resolve("dkim/example.test/a.pem");
        Path other = Files.createTempDirectory(dataDir, "other");
        DkimKeys.generate(other, "example.test", "a", DkimKeys.Algorithm.ED25519_SHA256);
        Files.copy(other.resolve("dkim/example.test/a.pem"), a, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(a, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        var replaced = keys.forDomain("example.test");
        assertThat(replaced.get(0).key().getEncoded()).isNotEqualTo(one.get(0).key().getEncoded());

        Files.delete(dataDir.resolve("dkim/example.test/b.pem"));
        assertThat(keys.forDomain("example.test")).extracting(DkimKeys.SigningKey::selector).containsExactly("a");
        Files.delete(a);
        assertThat(keys.forDomain("example.test")).isEmpty();
    }

    @Test
    void aNameThatIsNotADomainHasNoKeys() {
        assertThat(new SigningKeys(dataDir).forDomain("../etc")).isEmpty();
    }
}
