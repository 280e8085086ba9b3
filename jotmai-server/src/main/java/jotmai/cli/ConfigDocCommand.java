package jotmai.cli;

import java.util.concurrent.Callable;

import jotmai.server.config.ConfigDoc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jotmai config-doc}: prints docs/CONFIG.md as generated from the code. */
@Command(name = "config-doc", mixinStandardHelpOptions = true,
        description = "Print the documentation of every setting (docs/CONFIG.md) from the code.")
final class ConfigDocCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(ConfigDoc.markdown());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
