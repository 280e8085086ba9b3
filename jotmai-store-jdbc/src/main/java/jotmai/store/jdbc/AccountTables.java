package jotmai.store.jdbc;

import java.util.List;

/**
 * Where a backend keeps domains, accounts, aliases and last logins: the two schemas hold the same
 * columns under different table names (SQLite singular, PostgreSQL plural) and time column types.
 *
 * @param createdColumn the account's creation time column, {@code time}-typed
 * @param loginAtColumn the login record's time column, {@code time}-typed
 * @param shareLock     appended to a domain check that must keep the domain from being removed until
 *                      commit ("" where the single writer already serializes writes)
 * @param updateLock    appended to the SELECT of an account about to be deleted (likewise)
 * @param accountRows   the DELETEs of an account's rows, one parameter (the account id) each, the
 *                      account row last
 */
public record AccountTables(String domains, String accounts, String aliases, String loginRecords,
                            String createdColumn, String loginAtColumn, TimeColumn time, String shareLock,
                            String updateLock, List<String> accountRows) {
}
