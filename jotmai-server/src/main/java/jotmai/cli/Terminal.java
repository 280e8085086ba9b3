package jotmai.cli;

import java.io.Console;
import java.io.InputStream;
import java.util.Optional;

/**
 * Where a command reads passwords from: standard input (for {@code --password-stdin}) and the
 * console (for the prompt). Output goes through picocli's out/err writers. Tests pass their own.
 */
public record Terminal(InputStream stdin, Optional<Console> console) {

    public static Terminal system() {
        return new Terminal(System.in, Optional.ofNullable(System.console()));
    }
}
