package jotmai.shared.net;

/**
 * A protocol's per-connection entry point. Runs on the connection's own virtual thread and may block;
 * when it returns the connection is closed.
 */
@FunctionalInterface
public interface ConnectionHandler {
    void handle(Connection connection) throws Exception;
}
