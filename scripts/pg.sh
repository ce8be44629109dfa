#!/usr/bin/env bash
# A private PostgreSQL cluster in a directory, on 127.0.0.1 only, with trust authentication for local use.
# PostgreSQL refuses to run as root, so as root the cluster belongs to, and runs as, the `postgres` user.
#
# usage: scripts/pg.sh init DIR PORT [--fast]   create the cluster and the menu_api role and database (idempotent)
#        scripts/pg.sh start DIR | stop DIR | restart DIR | status DIR
#        scripts/pg.sh url DIR                    print the DATABASE_URL for it
# --fast: fsync off, for throwaway test clusters only.
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "pg.sh: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd=${1:?usage: pg.sh init|start|stop|restart|status|url DIR}
dir=${2:?cluster directory missing}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data=$dir/data

case $cmd in
init)
    port=${3:?port missing}
    if [ ! -f "$data/PG_VERSION" ]; then
        mkdir -p "$data" "$dir/socket"
        [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir" && chmod 755 "$dir"
        as_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
        {
            echo "listen_addresses = '127.0.0.1'"
            echo "port = $port"
            echo "unix_socket_directories = '$dir/socket'"
            echo "max_connections = 200"
            echo "logging_collector = off"
            if [ "${4:-}" = --fast ]; then
                echo "fsync = off"
                echo "synchronous_commit = off"
                echo "full_page_writes = off"
            fi
        } | as_owner tee -a "$data/postgresql.conf" >/dev/null
        "$0" start "$dir"
        as_owner "$bindir/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
            -c "CREATE ROLE menu_api LOGIN SUPERUSER" -c "CREATE DATABASE menu_api OWNER menu_api"
    else
        "$0" start "$dir"
    fi
    ;;
start)
    if ! as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        as_owner "$bindir/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 start >/dev/null
    fi
    ;;
stop)
    as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    ;;
restart)
    "$0" stop "$dir"
    "$0" start "$dir"
    ;;
status)
    as_owner "$bindir/pg_ctl" -D "$data" status
    ;;
url)
    port=$(sed -n "s/^port = \([0-9]*\)$/\1/p" "$data/postgresql.conf" | tail -n 1)
    echo "postgresql://menu_api@127.0.0.1:$port/menu_api"
    ;;
*)
    echo "pg.sh: unknown command $cmd" >&2
    exit 2
    ;;
esac
