package jotmai.store.sqlite;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

import jotmai.store.Account;
import jotmai.store.AppendResult;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;

/**
 * Child process of {@link CrashDurabilityTest}: appends numbered messages in a loop and prints
 * "ACK uid n" after each append has returned (that is, is acknowledged as durable), until killed.
 */
public final class CrashChild {

    /** Safety bound so an orphaned child stops by itself. */
    static final int MAX_APPENDS = 200_000;

    private CrashChild() {}

    static byte[] message(int n) {
        return ("Subject: crash " + n + "\r\n\r\nbody of message " + n + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    public static void main(String[] args) {
        SqliteStore store = SqliteStore.open(Path.of(args[0]));
        store.accounts().addDomain("crash.example");
        Account account = store.accounts().createAccount("a@crash.example", "{PLAIN}x", 0);
        Mailbox inbox = store.mail().mailbox(account.id(), "INBOX").orElseThrow();
        System.out.println("READY");
        System.out.flush();
        for (int n = 0; n < MAX_APPENDS; n++) {
            AppendResult r = store.mail().append(inbox.id(), MessageSource.ofBytes(message(n)), Set.of(), Instant.now());
            System.out.println("ACK " + r.uid() + " " + n);
            System.out.flush();
        }
        store.close();
    }
}
