package jotmai.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

import jotmai.server.config.ConfigException;
import jotmai.server.config.ConfigKeys;
import jotmai.server.config.JotmaiConfig;
import jotmai.server.config.JotmaiConfig.ListenerSettings;
import jotmai.server.config.ListenerDef;
import jotmai.shared.net.ListenerConfig;

/**
 * Turns listener settings into jotmai.shared.net.ListenerConfig values.
 *
 * <p>A listener may bind several addresses ({@code imap.bind = 192.0.2.1, 2001:db8::1}) but each
 * protocol server takes one ListenerConfig per listener. So addresses are dealt out in "slots": slot
 * i holds the i-th address of every listener of that protocol, and the server wiring starts one
 * protocol server per slot. With the default single bind address there is exactly one slot. Protocol
 * configs that take a list of listeners get all addresses at once ({@link #all}).
 */
final class ListenerConfigs {

    private ListenerConfigs() {
    }

    /** How many protocol server instances the listeners need (at least 1, so defaults stay simple). */
    static int slots(JotmaiConfig config, ListenerDef... defs) {
        int slots = 1;
        for (ListenerDef def : defs) {
            ListenerSettings s = config.listener(def);
            if (s.enabled()) {
                slots = Math.max(slots, s.bind().size());
            }
        }
        return slots;
    }

    /** The listener of slot {@code slot}, or empty when the listener is off or has fewer addresses. */
    static Optional<ListenerConfig> of(JotmaiConfig config, ListenerDef def, int slot) {
        ListenerSettings s = config.listener(def);
        if (!s.enabled() || slot >= s.bind().size()) {
            return Optional.empty();
        }
        JotmaiConfig.ConnectionLimits limits = config.limits();
        return Optional.of(new ListenerConfig(def.name(), address(def, s.bind().get(slot), s.port()),
                def.implicitTls(), limits.maxConnections(), limits.maxPerIp(), limits.backlog(),
                limits.tlsHandshakeTimeout(), limits.lineDeadline(), limits.minDataRate(),
                limits.writeStallTimeout()));
    }

    /** Every address of a listener (for protocol configs that take a list); empty when it is off. */
    static List<ListenerConfig> all(JotmaiConfig config, ListenerDef def) {
        ListenerSettings s = config.listener(def);
        if (!s.enabled()) {
            return List.of();
        }
        return java.util.stream.IntStream.range(0, s.bind().size())
                .mapToObj(i -> of(config, def, i).orElseThrow()).toList();
    }

    /** The addresses of the enabled listeners, e.g. "smtp *:25, submission *:587", for messages. */
    static String describe(JotmaiConfig config, ListenerDef... defs) {
        StringBuilder text = new StringBuilder();
        for (ListenerDef def : defs) {
            ListenerSettings s = config.listener(def);
            if (s.enabled()) {
                for (String bind : s.bind()) {
                    text.append(text.isEmpty() ? "" : ", ").append(def.name()).append(' ')
                        .append(bind.contains(":") ? "[" + bind + "]" : bind).append(':').append(s.port());
                }
            }
        }
        return text.toString();
    }

    static boolean anyEnabled(JotmaiConfig config, ListenerDef... defs) {
        return List.of(defs).stream().anyMatch(d -> config.listener(d).enabled());
    }

    private static InetSocketAddress address(ListenerDef def, String bind, int port) {
        if (bind.equals(ConfigKeys.ALL_ADDRESSES)) {
            return new InetSocketAddress(port); // the wildcard address: IPv6 and IPv4 where available
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(bind), port);
        } catch (UnknownHostException e) {
            throw new ConfigException(def.bindKey().name() + ": '" + bind + "' is not an address of this machine");
        }
    }
}
