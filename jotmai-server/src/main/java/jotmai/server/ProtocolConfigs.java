package jotmai.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import jotmai.dkim.DkimVerifier;
import jotmai.dkim.DnsKeyLookup;
import jotmai.imap.ImapConfig;
import jotmai.imap.ImapServer;
import jotmai.pop3.Pop3Config;
import jotmai.pop3.Pop3Server;
import jotmai.server.config.JotmaiConfig;
import jotmai.server.config.ListenerDef;
import jotmai.shared.auth.Authenticator;
import jotmai.smtp.InboundAuth;
import jotmai.smtp.SmtpConfig;
import jotmai.smtp.SmtpServer;
import jotmai.store.Store;

/**
 * Maps the settings onto each protocol module's own config record and builds its server. This is the
 * one place that knows both the config keys and the protocol modules' config records. Settings the
 * keys do not cover keep the module's own default ({@code XxxConfig.defaults()}).
 */
final class ProtocolConfigs {

    /** Staged DATA/APPEND content lives here, on the store's file system, so it can be moved, not copied. */
    static final String STAGING_DIR = "tmp";

    private static final ListenerDef[] SMTP_LISTENERS =
            {ListenerDef.SMTP, ListenerDef.SUBMISSION, ListenerDef.SUBMISSIONS, ListenerDef.LMTP};
    private static final ListenerDef[] IMAP_LISTENERS = {ListenerDef.IMAP, ListenerDef.IMAPS};
    private static final ListenerDef[] POP3_LISTENERS = {ListenerDef.POP3, ListenerDef.POP3S};

    private ProtocolConfigs() {
    }

    /** Every protocol server the settings ask for, not started yet. */
    static List<ProtocolServer> servers(JotmaiConfig config, String hostname, Path dataDir, Store store,
                                        Authenticator auth, Supplier<SSLContext> tls) {
        return servers(config, hostname, dataDir, store, auth, tls, () -> { });
    }

    /** @param onQueued rings the outbound runner after SMTP queued a message for remote recipients */
    static List<ProtocolServer> servers(JotmaiConfig config, String hostname, Path dataDir, Store store,
                                        Authenticator auth, Supplier<SSLContext> tls, Runnable onQueued) {
        Path staging = dataDir.resolve(STAGING_DIR);
        try {
            Files.createDirectories(staging);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create staging directory " + staging, e);
        }
        List<ProtocolServer> servers = new ArrayList<>();
        if (ListenerConfigs.anyEnabled(config, SMTP_LISTENERS)) {
            // one server for every bind address, so the per-user hourly limit is shared by all of them
            SmtpServer smtp = new SmtpServer(smtp(config, hostname, staging), store, auth, tls, onQueued,
                    inboundAuth(config, hostname));
            servers.add(new ProtocolServer("smtp", ListenerConfigs.describe(config, SMTP_LISTENERS),
                    smtp::start, smtp::listeners, smtp::close));
        }
        if (ListenerConfigs.anyEnabled(config, IMAP_LISTENERS)) {
            for (int slot = 0; slot < ListenerConfigs.slots(config, IMAP_LISTENERS); slot++) {
                ImapServer imap = new ImapServer(imap(config, staging, slot), store, auth, tls);
                servers.add(new ProtocolServer("imap", ListenerConfigs.describe(config, IMAP_LISTENERS),
                        imap::start, imap::listeners, imap::close));
            }
        }
        if (ListenerConfigs.anyEnabled(config, POP3_LISTENERS)) {
            Pop3Server pop3 = new Pop3Server(pop3(config), store, auth, tls);
            servers.add(new ProtocolServer("pop3", ListenerConfigs.describe(config, POP3_LISTENERS),
                    pop3::start, pop3::listeners, pop3::close));
        }
        return servers;
    }

    /**
     * RFC 8601 on the MX listener: our authserv-id (smtp.authserv-id, else the host name) and, unless
     * smtp.dkim-verify = false, a DKIM verifier asking delivery.resolver (else the system's) for keys.
     */
    static InboundAuth inboundAuth(JotmaiConfig config, String hostname) {
        JotmaiConfig.SmtpSettings s = config.smtp();
        String id = s.authservId().isEmpty() ? hostname : s.authservId();
        if (!s.dkimVerify()) {
            return new InboundAuth(id, java.util.Optional.empty());
        }
        java.util.Optional<java.net.InetSocketAddress> resolver = config.delivery().resolver()
                .map(hp -> new java.net.InetSocketAddress(hp.host(), hp.port()));
        return new InboundAuth(id, java.util.Optional.of(
                new DkimVerifier(new DnsKeyLookup(resolver), java.time.Clock.systemUTC())));
    }

    static SmtpConfig smtp(JotmaiConfig config, String hostname, Path staging) {
        JotmaiConfig.SmtpSettings s = config.smtp();
        SmtpConfig d = SmtpConfig.defaults();
        return new SmtpConfig(hostname,
                ListenerConfigs.all(config, ListenerDef.SMTP),
                ListenerConfigs.all(config, ListenerDef.SUBMISSION),
                ListenerConfigs.all(config, ListenerDef.SUBMISSIONS),
                ListenerConfigs.all(config, ListenerDef.LMTP),
                s.maxMessageSize(), s.maxRecipients(), s.trustedNetworks(), config.allowPlaintextAuth(),
                s.restrictSenders(), s.messagesPerHour(), s.greetingDelay(), s.commandTimeout(), s.dataTimeout(),
                d.maxAuthFailures(), java.util.Optional.of(staging));
    }

    static ImapConfig imap(JotmaiConfig config, Path staging, int slot) {
        JotmaiConfig.ImapSettings s = config.imap();
        ImapConfig d = ImapConfig.defaults();
        // ImapConfig takes null for a disabled listener
        return new ImapConfig(
                ListenerConfigs.of(config, ListenerDef.IMAP, slot).orElse(null),
                ListenerConfigs.of(config, ListenerDef.IMAPS, slot).orElse(null),
                config.allowPlaintextAuth(), s.appendLimit(), s.loginTimeout(), s.autologoutTimeout(),
                s.idleTimeout(), staging, d.serverName(), s.perUserSeen(), java.util.Set.copyOf(s.admins()));
    }

    static Pop3Config pop3(JotmaiConfig config) {
        JotmaiConfig.Pop3Settings p = config.pop3();
        return new Pop3Config(
                ListenerConfigs.all(config, ListenerDef.POP3),
                ListenerConfigs.all(config, ListenerDef.POP3S),
                config.allowPlaintextAuth(), p.hideSeenOverImap(), p.expireDays(), p.loginDelay(),
                Pop3Config.defaults().idleTimeout(), p.apop());
    }
}
