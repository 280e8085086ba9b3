package jotmai.cli;

import java.util.concurrent.Callable;

import jotmai.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jotmai domain add|list|remove}: the domains this server receives mail for. */
@Command(name = "domain", description = "Manage hosted domains.", mixinStandardHelpOptions = true,
        subcommands = {DomainCommand.Add.class, DomainCommand.ListDomains.class, DomainCommand.Remove.class})
final class DomainCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    /** Without a subcommand: show the subcommands. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Main.EXIT_USAGE;
    }

    @Command(name = "add", description = "Host a domain: accept mail for its users and aliases.",
            mixinStandardHelpOptions = true)
    static final class Add implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin StoreOptions store;
        @Parameters(paramLabel = "DOMAIN", description = "e.g. example.com") String domain;

        public Integer call() {
            String name = Names.domain(domain);
            try (Store s = store.openStore()) {
                s.accounts().addDomain(name);
            }
            spec.commandLine().getOut().println("added domain " + name);
            return 0;
        }
    }

    @Command(name = "list", description = "List hosted domains, one per line.", mixinStandardHelpOptions = true)
    static final class ListDomains implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin StoreOptions store;

        public Integer call() {
            try (Store s = store.openStore()) {
                s.accounts().domains().forEach(spec.commandLine().getOut()::println);
            }
            return 0;
        }
    }

    @Command(name = "remove", description = "Stop hosting a domain (it must have no users left).",
            mixinStandardHelpOptions = true)
    static final class Remove implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin StoreOptions store;
        @Parameters(paramLabel = "DOMAIN") String domain;

        public Integer call() {
            String name = Names.domain(domain);
            try (Store s = store.openStore()) {
                if (!s.accounts().removeDomain(name)) {
                    throw new CliException("domain " + name + " is not hosted here");
                }
            }
            spec.commandLine().getOut().println("removed domain " + name);
            return 0;
        }
    }
}
