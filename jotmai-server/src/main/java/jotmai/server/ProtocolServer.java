package jotmai.server;

import java.io.IOException;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

import jotmai.shared.net.Listener;

/**
 * One protocol server (SmtpServer, ImapServer, Pop3Server) seen through the shape they all share, so
 * {@link JotmaiServer} can start, list and stop them alike without the protocol modules sharing an
 * interface type.
 *
 * @param name      "smtp", "imap" or "pop3", for logs and errors
 * @param bindHint  the addresses it will bind, for the error message when binding fails
 */
public record ProtocolServer(String name, String bindHint, Start start, Supplier<List<Listener>> listeners,
                             LongConsumer close) {

    @FunctionalInterface
    public interface Start {
        void start() throws IOException;
    }
}
