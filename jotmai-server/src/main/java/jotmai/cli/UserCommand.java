package jotmai.cli;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;

import jotmai.server.config.ValueType;
import jotmai.shared.auth.Passwords;
import jotmai.store.Account;
import jotmai.store.QuotaUsage;
import jotmai.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jotmai user add|list|passwd|remove|quota|apop-secret}: mail accounts. Passwords are hashed here (Argon2id,
 * jotmai.shared.auth.Passwords) and only the hash reaches the store.
 */
@Command(name = "user", description = "Manage mail accounts.", mixinStandardHelpOptions = true,
        subcommands = {UserCommand.Add.class, UserCommand.ListUsers.class, UserCommand.Passwd.class,
                UserCommand.Remove.class, UserCommand.Quota.class, UserCommand.ApopSecret.class})
final class UserCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    /** Without a subcommand: show the subcommands. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Main.EXIT_USAGE;
    }

    static Account existing(Store store, String address) {
        return store.accounts().account(address)
                .orElseThrow(() -> new CliException("no user " + address));
    }

    @Command(name = "add", description = {"Create an account with its mailboxes (INBOX, Sent, Drafts, Trash, "
            + "Junk, Archive).", "The password is asked for unless --password-stdin or --password is given."},
            mixinStandardHelpOptions = true)
    static final class Add implements Callable<Integer> {
        private final Terminal terminal;
        @Spec CommandSpec spec;
        @Mixin StoreOptions store;
        @Mixin PasswordOptions password;
        @Parameters(paramLabel = "ADDRESS", description = "the login and address, e.g. alice@example.com")
        String address;
        @Option(names = "--quota", paramLabel = "SIZE", defaultValue = "0",
                description = "Storage quota, e.g. 2G or 500M; 0 means unlimited (default).")
        String quota;

        Add(Terminal terminal) {
            this.terminal = terminal;
        }

        public Integer call() {
            String name = Names.address(address);
            long quotaBytes = parseQuota(quota);
            try (Store s = store.openStore()) {
                String domain = Names.domainOf(name);
                if (!s.accounts().isHostedDomain(domain)) {
                    throw new CliException("domain " + domain + " is not hosted here; add it first: jotmai domain add "
                            + domain);
                }
                if (s.accounts().account(name).isPresent()) {
                    throw new CliException("user " + name + " already exists");
                }
                String hash = Passwords.hash(password.read(terminal));
                s.accounts().createAccount(name, hash, quotaBytes);
            }
            spec.commandLine().getOut().println("added user " + name);
            return 0;
        }
    }

    @Command(name = "list", description = "List accounts: address, quota and storage used, tab-separated.",
            mixinStandardHelpOptions = true)
    static final class ListUsers implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin StoreOptions store;
        @Parameters(paramLabel = "DOMAIN", arity = "0..1", description = "only the users of this domain")
        String domain;

        public Integer call() {
            Optional<String> only = Optional.ofNullable(domain).map(Names::domain);
            PrintWriter out = spec.commandLine().getOut();
            try (Store s = store.openStore()) {
                for (Account account : s.accounts().accounts()) {
                    if (only.isPresent() && !account.domain().equals(only.get())) {
                        continue;
                    }
                    QuotaUsage usage = s.mail().quota(account.id());
                    out.println(account.address() + "\t" + Sizes.quota(account.quotaBytes()) + "\t"
                            + Sizes.human(usage.usedBytes()) + " used");
                }
            }
            return 0;
        }
    }

    @Command(name = "passwd", description = {"Set a new password.",
            "The password is asked for unless --password-stdin or --password is given."},
            mixinStandardHelpOptions = true)
    static final class Passwd implements Callable<Integer> {
        private final Terminal terminal;
        @Spec CommandSpec spec;
        @Mixin StoreOptions store;
        @Mixin PasswordOptions password;
        @Parameters(paramLabel = "ADDRESS") String address;

        Passwd(Terminal terminal) {
            this.terminal = terminal;
        }

        public Integer call() {
            String name = Names.address(address);
            try (Store s = store.openStore()) {
                Account account = existing(s, name);
                s.accounts().setPasswordHash(account.id(), Passwords.hash(password.read(terminal)));
            }
            spec.commandLine().getOut().println("changed the password of " + name);
            return 0;
        }
    }

    @Command(name = "apop-secret", description = {
            "Set or remove the account's APOP secret (RFC 1939 §7; used only while pop3.apop is on).",
            "APOP needs the secret itself, so it is stored recoverably, apart from the hashed password: "
                    + "choose a secret that is not the password.",
            "The secret is asked for unless --password-stdin or --password is given; --off removes it."},
            mixinStandardHelpOptions = true)
    static final class ApopSecret implements Callable<Integer> {
        private final Terminal terminal;
        @Spec CommandSpec spec;
        @Mixin StoreOptions store;
        @Mixin PasswordOptions secret;
        @Option(names = "--off", description = "Remove the secret: APOP logins of this account stop working.")
        boolean off;
        @Parameters(paramLabel = "ADDRESS") String address;

        ApopSecret(Terminal terminal) {
            this.terminal = terminal;
        }

        public Integer call() {
            if (off && (secret.fromStdin || secret.inline != null)) {
                throw new CliException("give either --off or a secret, not both");
            }
            String name = Names.address(address);
            try (Store s = store.openStore()) {
                Account account = existing(s, name);
                s.accounts().setApopSecret(account.id(), off ? Optional.empty() : Optional.of(secret.read(terminal)));
            }
            spec.commandLine().getOut().println((off ? "removed the APOP secret of " : "set the APOP secret of ") + name);
            return 0;
        }
    }

    @Command(name = "remove", description = "Delete an account with all its mailboxes and messages.",
            mixinStandardHelpOptions = true)
    static final class Remove implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin StoreOptions store;
        @Parameters(paramLabel = "ADDRESS") String address;

        public Integer call() {
            String name = Names.address(address);
            try (Store s = store.openStore()) {
                if (!s.accounts().deleteAccount(name)) {
                    throw new CliException("no user " + name);
                }
            }
            spec.commandLine().getOut().println("removed user " + name);
            return 0;
        }
    }

    @Command(name = "quota", description = {"Show an account's quotas and usage, or set them.",
            "The storage quota (SIZE) and the message-count quota (--messages, RFC 9208 MESSAGE) are",
            "independent; 0 removes a limit.",
            "Examples: jotmai user quota alice@example.com        jotmai user quota alice@example.com 2G",
            "          jotmai user quota alice@example.com --messages 100000"},
            mixinStandardHelpOptions = true)
    static final class Quota implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin StoreOptions store;
        @Parameters(index = "0", paramLabel = "ADDRESS") String address;
        @Parameters(index = "1", arity = "0..1", paramLabel = "SIZE",
                description = "new storage quota, e.g. 2G or 500M; 0 means unlimited") String size;
        @Option(names = "--messages", paramLabel = "COUNT",
                description = "new limit on the number of messages over all mailboxes; 0 means unlimited")
        Long messages;

        public Integer call() {
            String name = Names.address(address);
            PrintWriter out = spec.commandLine().getOut();
            try (Store s = store.openStore()) {
                Account account = existing(s, name);
                if (size != null) {
                    long bytes = parseQuota(size);
                    s.accounts().setQuota(account.id(), bytes);
                    out.println("quota of " + name + " set to " + Sizes.quota(bytes));
                }
                if (messages != null) {
                    if (messages < 0) {
                        throw new CliException("message quota '" + messages + "': must not be negative");
                    }
                    s.accounts().setMessageQuota(account.id(), messages);
                    out.println("message quota of " + name + " set to "
                            + (messages == 0 ? "unlimited" : messages + " messages"));
                }
                if (size == null && messages == null) {
                    QuotaUsage usage = s.mail().quota(account.id());
                    out.println(name + ": " + Sizes.human(usage.usedBytes()) + " used in " + usage.messages()
                            + " messages, quota " + Sizes.quota(account.quotaBytes())
                            + (account.quotaMessages() > 0 ? ", at most " + account.quotaMessages() + " messages" : ""));
                }
            }
            return 0;
        }
    }

    static long parseQuota(String text) {
        try {
            return ValueType.SIZE.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CliException("quota '" + text + "': " + e.getMessage());
        }
    }
}
