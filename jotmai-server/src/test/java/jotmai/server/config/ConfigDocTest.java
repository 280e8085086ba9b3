package jotmai.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class ConfigDocTest {

    /** Maven runs tests in the module directory; the docs live one level up. */
    private static final Path CONFIG_MD = Path.of("..", "docs", "CONFIG.md");

    @Test
    void committedConfigDocMatchesTheKeyDefinitions() throws IOException {
        assertThat(CONFIG_MD).as("docs/CONFIG.md exists (generate: ./jotmai config-doc > docs/CONFIG.md)").exists();
        String committed = Files.readString(CONFIG_MD, StandardCharsets.UTF_8);

        assertThat(committed)
                .as("docs/CONFIG.md is out of date; regenerate it with ./jotmai config-doc > docs/CONFIG.md")
                .isEqualTo(ConfigDoc.markdown());
    }

    @Test
    void everyKeyIsDocumented() {
        String md = ConfigDoc.markdown();

        assertThat(ConfigKeys.all()).allSatisfy(key -> assertThat(md).contains("`" + key.name() + "`"));
    }
}
