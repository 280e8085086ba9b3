package jotmai.store;

/**
 * An opened store: the one object a backend hands to the server. Closing it waits for in-flight
 * writes and releases files and connections.
 */
public interface Store extends AutoCloseable {
    AccountStore accounts();

    MailStore mail();

    QueueStore queue();

    ChangeBus changes();

    @Override
    void close();
}
