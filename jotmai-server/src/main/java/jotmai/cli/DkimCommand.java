package jotmai.cli;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import jotmai.dkim.DkimKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jotmai dkim generate|show}: DKIM signing keys (RFC 6376) in DATA/dkim/DOMAIN/SELECTOR.pem. Outbound
 * mail from DOMAIN is signed with them once the printed TXT record is published.
 */
@Command(name = "dkim", description = "Manage DKIM signing keys.", mixinStandardHelpOptions = true,
        subcommands = {DkimCommand.Generate.class, DkimCommand.Show.class})
final class DkimCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Main.EXIT_USAGE;
    }

    /** The selector given, else delivery.dkim-selector. */
    private static String selector(StoreOptions store, String given) {
        return given != null ? given.toLowerCase(Locale.ROOT) : store.config().delivery().dkimSelector();
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Create a signing key for DOMAIN and print the DNS TXT record to publish.",
                    "An existing key with the same selector is never overwritten."})
    static final class Generate implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin StoreOptions store;
        @Parameters(paramLabel = "DOMAIN", description = "the From domain to sign for, e.g. example.com") String domain;
        @Option(names = "--selector", paramLabel = "S", description = "selector (default: delivery.dkim-selector)")
        String selector;
        @Option(names = "--algorithm", paramLabel = "rsa|ed25519", defaultValue = "rsa",
                description = "rsa (rsa-sha256, 2048 bits; every verifier knows it) or ed25519 (RFC 8463)")
        String algorithm;

        public Integer call() {
            DkimKeys.Algorithm alg = switch (algorithm.toLowerCase(Locale.ROOT)) {
                case "rsa" -> DkimKeys.Algorithm.RSA_SHA256;
                case "ed25519" -> DkimKeys.Algorithm.ED25519_SHA256;
                default -> throw new CliException("--algorithm must be rsa or ed25519, not " + algorithm);
            };
            String name = Names.domain(domain);
            String sel = selector(store, selector);
            try {
                Files.createDirectories(store.dataDir);
                DkimKeys.TxtRecord txt = DkimKeys.generate(store.dataDir, name, sel, alg);
                spec.commandLine().getOut().println(txt);
                return 0;
            } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException
                     | java.io.IOException e) {
                throw new CliException("cannot create a DKIM key for " + name + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print the DNS TXT record for DOMAIN's existing key again.")
    static final class Show implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin StoreOptions store;
        @Parameters(paramLabel = "DOMAIN") String domain;
        @Option(names = "--selector", paramLabel = "S", description = "selector (default: delivery.dkim-selector)")
        String selector;

        public Integer call() {
            String name = Names.domain(domain);
            String sel = selector(store, selector);
            Path file = store.dataDir.resolve("dkim").resolve(name).resolve(sel + ".pem");
            if (!Files.isRegularFile(file)) {
                throw new CliException("no DKIM key for " + name + " with selector " + sel
                        + " (create one with 'jotmai dkim generate " + name + "')");
            }
            try {
                spec.commandLine().getOut().println(DkimKeys.txtRecord(store.dataDir, name, sel));
                return 0;
            } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
                throw new CliException("cannot read the DKIM key " + file + ": " + e.getMessage());
            }
        }
    }
}
