package jotmai.store.sqlite;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wraps the writer connection so that {@code prepareStatement(sql)} returns a cached statement whose
 * {@code close()} does nothing. Preparing is a JNI call plus SQLite's SQL compiler; the writer runs the
 * same dozen statements for every append, so caching them cuts the writer's CPU per append.
 *
 * <p>Only for a connection used by one thread (the group-commit writer), and only for code that does not
 * run the same SQL again while a result set of it is still open (no write path does).
 */
final class StatementCache {

    /** Distinct SQL texts kept prepared; the least recently used is closed beyond this. */
    static final int MAX_STATEMENTS = 256;

    private StatementCache() {}

    static Connection wrap(Connection real) {
        Map<String, PreparedStatement> cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
                if (size() > MAX_STATEMENTS) {
                    closeQuietly(eldest.getValue());
                    return true;
                }
                return false;
            }
        };
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("prepareStatement") && args != null && args.length == 1
                    && args[0] instanceof String sql) {
                PreparedStatement cached = cache.get(sql);
                if (cached == null || cached.isClosed()) {
                    cached = uncloseable(real.prepareStatement(sql));
                    cache.put(sql, cached);
                }
                return cached;
            }
            if (method.getName().equals("close") && method.getParameterCount() == 0) {
                for (PreparedStatement ps : cache.values()) {
                    closeQuietly(ps);
                }
                cache.clear();
            }
            return invoke(real, method, args);
        };
        return (Connection) Proxy.newProxyInstance(StatementCache.class.getClassLoader(),
                new Class<?>[] {Connection.class}, handler);
    }

    /** A statement whose close() only clears its parameters; {@link #closeQuietly} really closes it. */
    private static PreparedStatement uncloseable(PreparedStatement real) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("close") && method.getParameterCount() == 0) {
                real.clearParameters();
                return null;
            }
            if (method.getName().equals("reallyClose")) {
                real.close();
                return null;
            }
            return invoke(real, method, args);
        };
        return (PreparedStatement) Proxy.newProxyInstance(StatementCache.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class, ReallyCloseable.class}, handler);
    }

    interface ReallyCloseable {
        void reallyClose() throws SQLException;
    }

    private static void closeQuietly(PreparedStatement ps) {
        try {
            ((ReallyCloseable) ps).reallyClose();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
