package jotmai.store.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;

import jotmai.store.Account;
import jotmai.store.AccountStore;
import jotmai.store.AppendResult;
import jotmai.store.BlobRef;
import jotmai.store.MailStore;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.Store;

/**
 * What every contract needs: the backend under test and small helpers. A backend's test class
 * implements all contract interfaces and provides {@link #store()}, a fresh or clean store per test.
 * Helpers create uniquely named domains and accounts so that a shared database works too.
 */
public interface StoreFixture {

    /** The store under test. */
    Store store();

    default MailStore mail() {
        return store().mail();
    }

    default AccountStore accounts() {
        return store().accounts();
    }

    /** A fresh hosted domain, e.g. "d1a2b3c4.example". */
    default String newDomain() {
        String domain = "d" + UUID.randomUUID().toString().substring(0, 8) + ".example";
        accounts().addDomain(domain);
        return domain;
    }

    /** A fresh account with unlimited quota in a fresh domain. */
    default Account newAccount() {
        return newAccount(0);
    }

    default Account newAccount(long quotaBytes) {
        return accounts().createAccount("user@" + newDomain(), "{PLAIN}secret", quotaBytes);
    }

    default Mailbox inbox(Account account) {
        return mail().mailbox(account.id(), Mailbox.INBOX).orElseThrow();
    }

    default Mailbox mailbox(long mailboxId) {
        return mail().mailbox(mailboxId).orElseThrow();
    }

    /** A small RFC 5322 message with the given subject. */
    static byte[] message(String subject) {
        return ("From: Alice <alice@example.org>\r\nTo: bob@example.com\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + UUID.randomUUID() + "@example.org>\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n\r\nHello " + subject + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** A fixed INTERNALDATE (whole seconds, as IMAP shows it). */
    static Instant date() {
        return Instant.parse("2026-01-02T03:04:05Z").truncatedTo(ChronoUnit.SECONDS);
    }

    default AppendResult append(Mailbox mailbox, String subject, String... flags) {
        return mail().append(mailbox.id(), MessageSource.ofBytes(message(subject)), Set.of(flags), date());
    }

    default byte[] content(BlobRef blob) {
        return content(blob, 0, Long.MAX_VALUE);
    }

    default byte[] content(BlobRef blob, long offset, long length) {
        try (InputStream in = mail().openContent(blob, offset, length)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
