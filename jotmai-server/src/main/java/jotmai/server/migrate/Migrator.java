package jotmai.server.migrate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.store.Account;
import jotmai.store.AccountStore;
import jotmai.store.AclStore;
import jotmai.store.Alias;
import jotmai.store.MailStore;
import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.MessageSource;
import jotmai.store.MetadataStore;
import jotmai.store.Store;
import jotmai.store.StoreException;
import jotmai.store.StoreImport;
import jotmai.store.UidSet;

/**
 * Copies a single-node store into another one (issue 8 "Migration"): domains, accounts with password
 * hashes and quotas, aliases, subscriptions, and mailboxes with their UIDVALIDITY and every message
 * under its UID, so IMAP clients keep their caches (RFC 9051 §2.3.1.1). Resumable: what the target
 * already holds (a domain, an account, a UID in a mailbox) is skipped, so an interrupted run is
 * simply started again. Ends with a verification comparing counts and a SHA-256 over the bytes of
 * each mailbox's messages in UID order.
 */
public final class Migrator {
    private static final Logger log = LoggerFactory.getLogger(Migrator.class);

    /** Bytes read at a time while hashing message contents for verification. */
    static final int HASH_BUFFER_BYTES = 64 * 1024;

    private final Store source;
    private final Store target;
    private final StoreImport importer;
    private final Consumer<String> progress;

    /** Copy counters of one run. */
    public record Copied(int domains, int accounts, int aliases, int mailboxes, long messages, long skipped) {}

    /** Verification of one mailbox: message counts and SHA-256 over bytes in UID order, both sides. */
    public record MailboxCheck(String account, String mailbox, long sourceCount, long targetCount,
                               String sourceSha256, String targetSha256, boolean sameUids) {
        public boolean matches() {
            return sourceCount == targetCount && sourceSha256.equals(targetSha256) && sameUids;
        }
    }

    public record Summary(Copied copied, List<MailboxCheck> checks) {
        public boolean verified() {
            return checks.stream().allMatch(MailboxCheck::matches);
        }
    }

    public Migrator(Store source, Store target, Consumer<String> progress) {
        this.source = source;
        this.target = target;
        this.importer = target.importer().orElseThrow(
                () -> new StoreException.Invalid("the target store cannot be a migration target"));
        this.progress = progress;
    }

    /** Migrates every account. */
    public Summary run() {
        return run(a -> true);
    }

    /** Migrates the accounts {@code include} accepts (all domains and aliases in any case). */
    public Summary run(Predicate<String> include) {
        AccountStore from = source.accounts();
        AccountStore to = target.accounts();
        int domains = 0;
        for (String d : from.domains()) {
            if (!to.isHostedDomain(d)) {
                to.addDomain(d);
                domains++;
            }
        }
        int accounts = 0;
        int mailboxes = 0;
        long messages = 0;
        long skipped = 0;
        List<MailboxCheck> checks = new ArrayList<>();
        for (Account a : from.accounts()) {
            if (!include.test(a.address())) {
                continue;
            }
            Optional<Account> existing = to.account(a.address());
            Account t;
            if (existing.isPresent()) {
                t = existing.get();
                to.setPasswordHash(t.id(), a.passwordHash());
                to.setQuota(t.id(), a.quotaBytes());
            } else {
                t = to.createAccount(a.address(), a.passwordHash(), a.quotaBytes());
                accounts++;
            }
            if (a.quotaMessages() != t.quotaMessages()) {
                to.setMessageQuota(t.id(), a.quotaMessages());
            }
            dropEmptyMailboxesMissingIn(a, t);
            for (Mailbox m : source.mail().mailboxes(a.id())) {
                Mailbox tm = importer.adoptMailbox(t.id(), m.name(), m.specialUse(), m.uidValidity(), m.uidNext(),
                        m.highestModSeq());
                mailboxes++;
                long[] counts = copyMessages(a, m, tm);
                messages += counts[0];
                skipped += counts[1];
            }
            copySubscriptions(a, t);
        }
        int aliases = 0;
        for (Alias al : from.aliases()) {
            if (!to.aliasTargets(al.source()).contains(al.target())) {
                to.addAlias(al.source(), al.target());
                aliases++;
            }
        }
        copyAcls();
        copySeenMarks();
        copyMetadata();
        Copied copied = new Copied(domains, accounts, aliases, mailboxes, messages, skipped);
        log.info("migration copied {}", copied);
        for (Account a : from.accounts()) {
            if (include.test(a.address())) {
                checks.addAll(verify(a));
            }
        }
        return new Summary(copied, checks);
    }

    /**
     * RFC 4314 rights (issue 7) of every mailbox whose owner is already in the target, for grantees that
     * are there too ("anyone" always): a run that migrates only some accounts leaves the grants to the
     * others for the run that brings them. Setting replaces, so a rerun changes nothing.
     */
    private void copyAcls() {
        for (Account a : source.accounts().accounts()) {
            Optional<Account> owner = target.accounts().account(a.address());
            if (owner.isEmpty()) {
                continue;
            }
            for (Mailbox m : source.mail().mailboxes(a.id())) {
                List<AclStore.AclEntry> entries = source.acl().acl(m.id());
                Optional<Mailbox> tm = entries.isEmpty() ? Optional.empty()
                        : target.mail().mailbox(owner.get().id(), m.name());
                for (AclStore.AclEntry e : tm.isPresent() ? entries : List.<AclStore.AclEntry>of()) {
                    if (e.identifier().equals(AclStore.ANYONE) || target.accounts().account(e.identifier()).isPresent()) {
                        target.acl().setRights(tm.get().id(), e.identifier(), e.rights());
                    }
                }
            }
        }
    }

    /**
     * Per-user \Seen (issue 7) of accounts on other accounts' shared mailboxes (those with an ACL entry),
     * for owner and reader both in the target; UIDs are kept, so the marks keep their messages. Setting
     * \Seen again changes nothing, so a rerun changes nothing. Cleared marks are not copied (they only
     * matter for MODSEQs, which the target allocates anew).
     */
    private void copySeenMarks() {
        List<Account> all = source.accounts().accounts();
        for (Account a : all) {
            Optional<Account> owner = target.accounts().account(a.address());
            if (owner.isEmpty()) {
                continue;
            }
            for (Mailbox m : source.mail().mailboxes(a.id())) {
                Optional<Mailbox> tm = source.acl().acl(m.id()).isEmpty() ? Optional.empty()
                        : target.mail().mailbox(owner.get().id(), m.name());
                for (Account r : tm.isPresent() ? all : List.<Account>of()) {
                    List<Long> seen = r.id() == a.id() ? List.of() : source.mail()
                            .seenMarks(m.id(), r.id(), UidSet.ALL).stream()
                            .filter(jotmai.store.SeenMark::seen).map(jotmai.store.SeenMark::uid).toList();
                    Optional<Account> reader = seen.isEmpty() ? Optional.empty() : target.accounts().account(r.address());
                    if (reader.isPresent()) {
                        target.mail().setSeen(tm.get().id(), reader.get().id(), UidSet.of(seen), true,
                                java.util.OptionalLong.empty());
                    }
                }
            }
        }
    }

    /**
     * RFC 5464 METADATA (issue 7) of every account already in the target: its server entries and the
     * entries it sees on its own mailboxes (its /private ones and the mailbox's /shared ones). Setting
     * replaces, so a rerun changes nothing; no limit applies. Not copied: /private entries other users
     * keep on this account's shared mailboxes.
     */
    private void copyMetadata() {
        MetadataStore.Limits unlimited = new MetadataStore.Limits(Integer.MAX_VALUE, Long.MAX_VALUE);
        for (Account a : source.accounts().accounts()) {
            Optional<Account> owner = target.accounts().account(a.address());
            if (owner.isEmpty()) {
                continue;
            }
            copyEntries(a.id(), MetadataStore.SERVER, owner.get().id(), MetadataStore.SERVER, unlimited);
            for (Mailbox m : source.mail().mailboxes(a.id())) {
                Optional<Mailbox> tm = target.mail().mailbox(owner.get().id(), m.name());
                if (tm.isPresent()) {
                    copyEntries(a.id(), m.id(), owner.get().id(), tm.get().id(), unlimited);
                }
            }
        }
    }

    private void copyEntries(long fromAccount, long fromMailbox, long toAccount, long toMailbox,
                             MetadataStore.Limits limits) {
        java.util.Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        for (MetadataStore.Entry e : source.metadata().entries(fromAccount, fromMailbox)) {
            entries.put(e.name(), e.value());
        }
        if (!entries.isEmpty()) {
            target.metadata().set(toAccount, toMailbox, entries, limits);
        }
    }

    /**
     * A new target account has the default mailboxes; the ones the source deleted go. Also on a rerun
     * (the previous run may have stopped right after creating the account); mailboxes holding
     * messages are never deleted.
     */
    private void dropEmptyMailboxesMissingIn(Account a, Account t) {
        Set<String> names = new HashSet<>();
        source.mail().mailboxes(a.id()).forEach(m -> names.add(m.name()));
        for (Mailbox m : target.mail().mailboxes(t.id())) {
            if (!names.contains(m.name()) && !m.name().equals(Mailbox.INBOX)
                    && target.mail().status(m.id()).messages() == 0) {
                target.mail().deleteMailbox(t.id(), m.name());
            }
        }
    }

    private void copySubscriptions(Account a, Account t) {
        Set<String> wanted = source.mail().subscriptions(a.id());
        Set<String> present = target.mail().subscriptions(t.id());
        for (String name : wanted) {
            if (!present.contains(name)) {
                target.mail().setSubscribed(t.id(), name, true);
            }
        }
        for (String name : present) {
            if (!wanted.contains(name)) {
                target.mail().setSubscribed(t.id(), name, false);
            }
        }
    }

    /** Returns {copied, skipped}: messages whose UID the target already has are skipped. */
    private long[] copyMessages(Account a, Mailbox from, Mailbox to) {
        Set<Long> present = new HashSet<>();
        target.mail().messages(to.id()).forEach(m -> present.add(m.uid()));
        long copied = 0;
        long skipped = 0;
        // RFC 3501 §2.3.2: only what no session has claimed yet stays \Recent; messages a client already
        // saw must not all look new after the move (recent() reads without claiming).
        UidSet recent = source.mail().recent(from.id());
        for (MessageMeta m : source.mail().messages(from.id())) {
            if (present.contains(m.uid())) {
                skipped++;
                continue;
            }
            try {
                importer.importMessage(to.id(), m.uid(), contentOf(m), m.flags(), m.internalDate(),
                        recent.contains(m.uid()));
                copied++;
            } catch (StoreException.AlreadyExists e) {
                // The target once had this UID and expunged it: the UID cannot come back (RFC 9051 §2.3.1.1).
                skipped++;
            }
        }
        if (copied > 0) {
            progress.accept(a.address() + " " + from.name() + ": copied " + copied + ", skipped " + skipped);
        }
        return new long[] {copied, skipped};
    }

    /** The source bytes, opened anew for each read (the target hashes first, then stores). */
    private MessageSource contentOf(MessageMeta m) {
        return new MessageSource() {
            @Override
            public InputStream open() {
                return source.mail().openContent(m.blob());
            }

            @Override
            public long size() {
                return m.size();
            }
        };
    }

    private List<MailboxCheck> verify(Account a) {
        Account t = target.accounts().account(a.address())
                .orElseThrow(() -> new StoreException.NotFound("account missing in target: " + a.address()));
        List<MailboxCheck> checks = new ArrayList<>();
        for (Mailbox m : source.mail().mailboxes(a.id())) {
            Optional<Mailbox> tm = target.mail().mailbox(t.id(), m.name());
            List<MessageMeta> src = source.mail().messages(m.id());
            List<MessageMeta> dst = tm.map(x -> target.mail().messages(x.id())).orElse(List.of());
            boolean sameUids = src.stream().map(MessageMeta::uid).toList().equals(dst.stream().map(MessageMeta::uid).toList())
                    && tm.map(x -> x.uidValidity() == m.uidValidity()).orElse(false);
            checks.add(new MailboxCheck(a.address(), m.name(), src.size(), dst.size(), sha256(source.mail(), src),
                    sha256(target.mail(), dst), sameUids));
        }
        return checks;
    }

    /** SHA-256 over the bytes of all messages in UID order (the lists come in UID order). */
    static String sha256(MailStore mail, List<MessageMeta> messages) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[HASH_BUFFER_BYTES];
        for (MessageMeta m : messages) {
            try (InputStream in = mail.openContent(m.blob())) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
