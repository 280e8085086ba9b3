package jotmai.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import jotmai.store.Alias;
import jotmai.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jotmai alias add|list|remove}: addresses that forward to accounts or elsewhere. A source of
 * "@example.com" is the domain's catch-all (used only when no account or alias matches).
 */
@Command(name = "alias", description = "Manage aliases and catch-alls.", mixinStandardHelpOptions = true,
        subcommands = {AliasCommand.Add.class, AliasCommand.ListAliases.class, AliasCommand.Remove.class})
final class AliasCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    /** Without a subcommand: show the subcommands. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Main.EXIT_USAGE;
    }

    @Command(name = "add", description = {"Deliver mail for SOURCE to one or more TARGETs.",
            "SOURCE is an address in a hosted domain, or @domain for a catch-all; a TARGET may be external.",
            "Example: jotmai alias add info@example.com alice@example.com bob@elsewhere.org"},
            mixinStandardHelpOptions = true)
    static final class Add implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin StoreOptions store;
        @Parameters(index = "0", paramLabel = "SOURCE") String source;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "TARGET") List<String> targets;

        public Integer call() {
            String from = Names.aliasSource(source);
            List<String> to = targets.stream().map(Names::address).toList();
            try (Store s = store.openStore()) {
                String domain = from.startsWith("@") ? from.substring(1) : Names.domainOf(from);
                if (!s.accounts().isHostedDomain(domain)) {
                    throw new CliException("domain " + domain + " is not hosted here; add it first: jotmai domain add "
                            + domain);
                }
                for (String target : to) {
                    s.accounts().addAlias(from, target);
                }
            }
            spec.commandLine().getOut().println("added alias " + from + " -> " + String.join(", ", to));
            return 0;
        }
    }

    @Command(name = "list", description = "List aliases as 'SOURCE<tab>TARGET', one mapping per line.",
            mixinStandardHelpOptions = true)
    static final class ListAliases implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin StoreOptions store;

        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Store s = store.openStore()) {
                for (Alias alias : s.accounts().aliases()) {
                    out.println(alias.source() + "\t" + alias.target());
                }
            }
            return 0;
        }
    }

    @Command(name = "remove", description = "Remove one mapping, or every mapping of SOURCE when no TARGET is given.",
            mixinStandardHelpOptions = true)
    static final class Remove implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin StoreOptions store;
        @Parameters(index = "0", paramLabel = "SOURCE") String source;
        @Parameters(index = "1", arity = "0..1", paramLabel = "TARGET") String target;

        public Integer call() {
            String from = Names.aliasSource(source);
            Optional<String> to = Optional.ofNullable(target).map(Names::address);
            try (Store s = store.openStore()) {
                if (!s.accounts().removeAlias(from, to)) {
                    throw new CliException("no alias " + from + to.map(t -> " -> " + t).orElse(""));
                }
            }
            spec.commandLine().getOut().println("removed alias " + from + to.map(t -> " -> " + t).orElse(""));
            return 0;
        }
    }
}
