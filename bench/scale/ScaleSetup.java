import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jotmai.server.Stores;
import jotmai.server.config.ConfigLoader;
import jotmai.shared.auth.Passwords;
import jotmai.store.Store;

/**
 * Bench set-up in one JVM (50 `jotmai user add` runs would be 50 JVM starts): domain example.test and
 * users userA..userB@example.test with password "pass" in the store the settings select.
 *
 *   java -cp jotmai.jar ScaleSetup.java DATA_DIR FIRST LAST [--set KEY=VALUE ...]
 */
public class ScaleSetup {
    public static void main(String[] args) {
        Path data = Path.of(args[0]);
        int first = Integer.parseInt(args[1]);
        int last = Integer.parseInt(args[2]);
        List<String> sets = Arrays.stream(args).skip(3).filter(a -> !a.equals("--set")).toList();
        try (Store store = Stores.open(ConfigLoader.load(Optional.empty(), sets), data)) {
            if (!store.accounts().isHostedDomain("example.test")) {
                store.accounts().addDomain("example.test");
            }
            String hash = Passwords.hash("pass"); // one Argon2id hash for all: set-up time, not bench time
            for (int i = first; i <= last; i++) {
                String address = "user" + i + "@example.test";
                if (store.accounts().account(address).isEmpty()) {
                    store.accounts().createAccount(address, hash, 0);
                }
            }
        }
        System.out.println("SETUP done: users " + first + ".." + last);
    }
}
