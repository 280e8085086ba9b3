package jotmai.cli;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import picocli.CommandLine.Option;

/**
 * Where a new password comes from. Never a positional argument (it would be in shell history and
 * {@code ps}); the prompt is the default, {@code --password-stdin} is for scripts, {@code --password}
 * exists for throwaway setups and says in its help that it is visible to other users.
 */
final class PasswordOptions {

    /** A password longer than this is a mistake (e.g. a file piped to stdin by accident). */
    static final int MAX_PASSWORD_BYTES = 1024;

    @Option(names = "--password-stdin",
            description = "Read the password from the first line of standard input.")
    boolean fromStdin;

    @Option(names = "--password", paramLabel = "PASSWORD",
            description = "The password itself. Visible to other users in 'ps' and shell history: "
                    + "only for throwaway setups; prefer the prompt or --password-stdin.")
    String inline;

    String read(Terminal terminal) {
        if (fromStdin && inline != null) {
            throw new CliException("give either --password or --password-stdin, not both");
        }
        String password;
        if (inline != null) {
            password = inline;
        } else if (fromStdin) {
            password = firstLine(terminal.stdin());
        } else {
            password = prompt(terminal);
        }
        if (password.isEmpty()) {
            throw new CliException("the password is empty");
        }
        return password;
    }

    private static String prompt(Terminal terminal) {
        Console console = terminal.console().orElseThrow(() -> new CliException(
                "no terminal to ask for the password; use --password-stdin"));
        char[] first = console.readPassword("New password: ");
        char[] second = console.readPassword("Repeat password: ");
        if (first == null || second == null) {
            throw new CliException("no password entered");
        }
        try {
            if (!Arrays.equals(first, second)) {
                throw new CliException("the passwords do not match");
            }
            return new String(first);
        } finally {
            Arrays.fill(first, '\0');
            Arrays.fill(second, '\0');
        }
    }

    private static String firstLine(InputStream in) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
                if (line.size() >= MAX_PASSWORD_BYTES) {
                    throw new CliException("the password on standard input is longer than "
                            + MAX_PASSWORD_BYTES + " bytes");
                }
                line.write(b);
            }
        } catch (IOException e) {
            throw new CliException("cannot read the password from standard input: " + e.getMessage());
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }
}
