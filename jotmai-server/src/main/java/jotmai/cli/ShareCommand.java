package jotmai.cli;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;

import jotmai.store.Account;
import jotmai.store.AclStore;
import jotmai.store.Mailbox;
import jotmai.store.Rights;
import jotmai.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jotmai share}, {@code jotmai unshare}, {@code jotmai shares}: RFC 4314 access rights on a
 * user's mailbox for colleagues, the same rights IMAP clients set with SETACL. A domain's shared
 * folders (IMAP "Shared Folders/...") are the mailboxes of the account
 * {@code shared@<domain>}, which nobody logs in to; {@code --create} makes it and the folder.
 */
@Command(name = "share", mixinStandardHelpOptions = true, description = {
        "Give USER (an address, or 'anyone' in the owner's domain) RIGHTS on OWNER/MAILBOX, replacing earlier ones.",
        "RIGHTS are RFC 4314 letters: l lookup, r read, s keep \\Seen, w write flags, i insert, p post,",
        "k create mailboxes, x delete mailbox, t delete messages, e expunge, a administer; '' removes.",
        "Users see it in IMAP as 'Other Users/OWNER/MAILBOX'; for OWNER shared@DOMAIN as 'Shared Folders/MAILBOX'.",
        "Examples: jotmai share sales@example.com/INBOX bob@example.com lrswite",
        "          jotmai share --create shared@example.com/Team anyone lrswipkxte"})
final class ShareCommand implements Callable<Integer> {
    /** Stored as the shared-folders owner's password hash: no scheme matches it, so no login works. */
    static final String NO_LOGIN = "{NOLOGIN}!";

    @Spec CommandSpec spec;
    @Mixin StoreOptions store;
    @Option(names = "--create", description = "Create the mailbox if missing; for OWNER shared@DOMAIN also that account.")
    boolean create;
    @Parameters(index = "0", paramLabel = "OWNER/MAILBOX") String target;
    @Parameters(index = "1", paramLabel = "USER") String user;
    @Parameters(index = "2", paramLabel = "RIGHTS") String rights;

    public Integer call() {
        Target t = Target.parse(target);
        String id = identifier(user);
        Rights r = Rights.of(rights);
        try (Store s = store.openStore()) {
            Mailbox mailbox = create ? createIfMissing(s, t) : t.require(s);
            if (!id.equals(AclStore.ANYONE) && s.accounts().account(id).isEmpty()) {
                throw new CliException("no account " + id);
            }
            s.acl().setRights(mailbox.id(), id, r);
        }
        spec.commandLine().getOut().println(r.isEmpty() ? "unshared " + t + " from " + id
                : "shared " + t + " with " + id + ": " + r.letters());
        return 0;
    }

    private static Mailbox createIfMissing(Store s, Target t) {
        Optional<Account> owner = s.accounts().account(t.owner());
        if (owner.isEmpty() && Names.domainOf(t.owner()).length() > 0
                && t.owner().equals(AclStore.SHARED_OWNER_LOCAL_PART + "@" + Names.domainOf(t.owner()))) {
            owner = Optional.of(s.accounts().createAccount(t.owner(), NO_LOGIN, 0));
        }
        Account account = owner.orElseThrow(() -> new CliException("no account " + t.owner()));
        return s.mail().mailbox(account.id(), t.mailbox())
                .orElseGet(() -> s.mail().createMailbox(account.id(), t.mailbox(), Optional.empty()));
    }

    static String identifier(String text) {
        return text.strip().equalsIgnoreCase(AclStore.ANYONE) ? AclStore.ANYONE : Names.address(text);
    }

    /** "owner@domain/Mailbox/Child": the owner's address and the mailbox name in its hierarchy. */
    record Target(String owner, String mailbox) {
        static Target parse(String text) {
            int at = text.indexOf('@');
            int slash = at < 0 ? -1 : text.indexOf(Mailbox.DELIMITER, at);
            if (slash < 0 || slash == text.length() - 1) {
                throw new CliException("'" + text + "' is not OWNER/MAILBOX (expected e.g. sales@example.com/INBOX)");
            }
            String name = text.substring(slash + 1);
            return new Target(Names.address(text.substring(0, slash)),
                    name.equalsIgnoreCase(Mailbox.INBOX) ? Mailbox.INBOX : name);
        }

        Mailbox require(Store s) {
            Account account = s.accounts().account(owner).orElseThrow(() -> new CliException("no account " + owner));
            return s.mail().mailbox(account.id(), mailbox)
                    .orElseThrow(() -> new CliException("no mailbox " + mailbox + " of " + owner));
        }

        @Override
        public String toString() {
            return owner + Mailbox.DELIMITER + mailbox;
        }
    }

    @Command(name = "unshare", mixinStandardHelpOptions = true,
            description = "Take all rights on OWNER/MAILBOX away from USER (an address or 'anyone').")
    static final class Unshare implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin StoreOptions store;
        @Parameters(index = "0", paramLabel = "OWNER/MAILBOX") String target;
        @Parameters(index = "1", paramLabel = "USER") String user;

        public Integer call() {
            Target t = Target.parse(target);
            String id = identifier(user);
            try (Store s = store.openStore()) {
                if (!s.acl().removeRights(t.require(s).id(), id)) {
                    throw new CliException(t + " is not shared with " + id);
                }
            }
            spec.commandLine().getOut().println("unshared " + t + " from " + id);
            return 0;
        }
    }

    @Command(name = "shares", mixinStandardHelpOptions = true, description = {
            "List the rights on OWNER's mailboxes (or on one OWNER/MAILBOX) as 'OWNER/MAILBOX<tab>USER<tab>RIGHTS'."})
    static final class ListShares implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin StoreOptions store;
        @Parameters(index = "0", paramLabel = "OWNER[/MAILBOX]") String target;

        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Store s = store.openStore()) {
                if (target.indexOf(Mailbox.DELIMITER) > 0) {
                    Target t = Target.parse(target);
                    print(out, s, t.owner(), t.require(s));
                } else {
                    String owner = Names.address(target);
                    Account account = s.accounts().account(owner).orElseThrow(() -> new CliException("no account " + owner));
                    for (Mailbox m : s.mail().mailboxes(account.id())) {
                        print(out, s, owner, m);
                    }
                }
            }
            return 0;
        }

        private static void print(PrintWriter out, Store s, String owner, Mailbox mailbox) {
            for (AclStore.AclEntry e : s.acl().acl(mailbox.id())) {
                out.println(owner + Mailbox.DELIMITER + mailbox.name() + "\t" + e.identifier() + "\t" + e.rights().letters());
            }
        }
    }
}
