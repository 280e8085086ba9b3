#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the tests of jotmai-store-postgres (and any later PostgreSQL tests).
#
#   bin/pg-test.sh start   install postgresql-15 if missing, initdb once, start on 127.0.0.1:15432
#                          (idempotent: a running server is left alone), create role mail / db maildb
#   bin/pg-test.sh stop    stop the server (data is kept; the next start reuses it)
#   bin/pg-test.sh reset   stop and delete the data directory (the next start is a fresh initdb)
#   bin/pg-test.sh status  exit 0 when the server accepts connections
#   bin/pg-test.sh env     print the variables the tests read, for: export $(bin/pg-test.sh env)
#
# Test speed over durability: fsync=off, synchronous_commit=off, full_page_writes=off. Never use this
# cluster for anything but tests. Must run as root (initdb refuses root, so it runs as user postgres).
set -euo pipefail

PGVERSION=15
PGBIN=/usr/lib/postgresql/$PGVERSION/bin
PGPORT=15432
PGDIR=/tmp/jotmai-test-pg
PGDATA=$PGDIR/data
DB_NAME=maildb
DB_USER=mail
DB_PASSWORD=mailpw

die() {
    echo "pg-test.sh: $*" >&2
    exit 1
}

as_postgres() {
    runuser -u postgres -- "$@"
}

install_if_missing() {
    if [ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pg_ctl" ]; then
        return
    fi
    [ "$(id -u)" -eq 0 ] || die "postgresql-$PGVERSION is not installed and installing it needs root"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "postgresql-$PGVERSION" >/dev/null
    [ -x "$PGBIN/initdb" ] || die "installing postgresql-$PGVERSION did not provide $PGBIN/initdb"
}

is_running() {
    [ -x "$PGBIN/pg_isready" ] && "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" -t 2
}

psql_admin() {
    "$PGBIN/psql" -X -q -h "$PGDIR" -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 "$@"
}

init_cluster() {
    [ "$(id -u)" -eq 0 ] || die "must run as root (initdb runs as user postgres via runuser)"
    rm -rf "$PGDIR"
    mkdir -p "$PGDIR"
    chown postgres:postgres "$PGDIR"
    as_postgres "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust --auth-host=scram-sha-256 -E UTF8 \
        --locale=C.UTF-8 --no-sync >"$PGDIR/initdb.log" 2>&1 || { cat "$PGDIR/initdb.log" >&2; die "initdb failed"; }
}

start() {
    install_if_missing
    if is_running; then
        ensure_role_and_database
        return
    fi
    [ -f "$PGDATA/PG_VERSION" ] || init_cluster
    # A server killed hard leaves a stale pid file; pg_ctl copes with it, so no cleanup here.
    as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDIR/server.log" -w -t 60 \
        -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null || { tail -n 20 "$PGDIR/server.log" >&2; die "server did not start"; }
    ensure_role_and_database
}

ensure_role_and_database() {
    local has_role has_db
    has_role=$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")
    if [ "$has_role" != 1 ]; then
        psql_admin -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD'"
    fi
    has_db=$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")
    if [ "$has_db" != 1 ]; then
        psql_admin -c "CREATE DATABASE $DB_NAME OWNER $DB_USER"
    fi
}

stop() {
    if [ -f "$PGDATA/PG_VERSION" ] && [ -x "$PGBIN/pg_ctl" ] && is_running; then
        as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop >/dev/null
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    reset) stop; rm -rf "$PGDIR" ;;
    status) is_running ;;
    env) echo "JOTMAI_TEST_PG_URL=jdbc:postgresql://127.0.0.1:$PGPORT/$DB_NAME JOTMAI_TEST_PG_USER=$DB_USER JOTMAI_TEST_PG_PASSWORD=$DB_PASSWORD" ;;
    *) echo "usage: $0 start|stop|reset|status|env" >&2; exit 2 ;;
esac
