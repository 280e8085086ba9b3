package jotmai.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Sets the parameters of one prepared statement. */
@FunctionalInterface
public interface Binder {

    /** For statements without parameters. */
    Binder NONE = ps -> { };

    void bind(PreparedStatement ps) throws SQLException;
}
