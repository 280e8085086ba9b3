package jotmai.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;

import jotmai.store.Account;

/** The account columns both schemas share, in the order {@link #map} reads them. */
final class AccountRowMapper implements RowMapper<Account> {

    private final TimeColumn time;
    final String columns;

    AccountRowMapper(AccountTables tables) {
        this.time = tables.time();
        this.columns = "id, address, password_hash, quota_bytes, " + tables.createdColumn() + ", quota_messages";
    }

    @Override
    public Account map(ResultSet rs) throws SQLException {
        return new Account(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(6),
                time.get(rs, 5));
    }
}
