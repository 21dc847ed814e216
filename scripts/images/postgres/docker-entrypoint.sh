#!/bin/sh
# Entry point of the stagdb-test/postgres images. It honours the official 'postgres' image's
# contract (POSTGRES_PASSWORD, POSTGRES_USER, POSTGRES_DB, POSTGRES_INITDB_ARGS,
# POSTGRES_HOST_AUTH_METHOD, PGDATA, uid 999, port 5432, 'postgres -c ...' arguments) so stagDB
# runs the same code against these and against official images. Not supported here:
# /docker-entrypoint-initdb.d scripts (stagDB runs init scripts over JDBC instead).
set -eu

if [ "${1#-}" != "$1" ]; then set -- postgres "$@"; fi

if [ "$1" = postgres ]; then
  : "${PGDATA:=/var/lib/postgresql/data}"
  export PGDATA
  if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" /var/run/postgresql
    chmod 700 "$PGDATA"
    chown 999:999 /var/run/postgresql
    find "$PGDATA" \! -user 999 -exec chown 999:999 '{}' +
    exec setpriv --reuid=999 --regid=999 --init-groups "$0" "$@"
  fi

  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    user=${POSTGRES_USER:-postgres}
    db=${POSTGRES_DB:-$user}
    # Same defaults as the official image: md5 up to 13, scram-sha-256 from 14.
    if [ "$PG_MAJOR" -ge 14 ]; then default_auth=scram-sha-256; else default_auth=md5; fi
    auth=${POSTGRES_HOST_AUTH_METHOD:-$default_auth}
    if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
      echo "error: database is uninitialized and POSTGRES_PASSWORD is not set" >&2
      echo "       (set POSTGRES_PASSWORD, or POSTGRES_HOST_AUTH_METHOD=trust to allow no password)" >&2
      exit 1
    fi
    pwfile=
    if [ -n "${POSTGRES_PASSWORD:-}" ]; then
      pwfile=$(mktemp)
      printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
    fi
    # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of words, as in the official image
    initdb -D "$PGDATA" --username="$user" ${pwfile:+--pwfile="$pwfile"} \
      --auth-local=trust --auth-host="$auth" --encoding=UTF8 --locale=C ${POSTGRES_INITDB_ARGS:-} >/dev/null
    [ -z "$pwfile" ] || rm -f "$pwfile"
    if [ "$auth" = scram-sha-256 ]; then echo "password_encryption = 'scram-sha-256'" >> "$PGDATA/postgresql.conf"; fi
    echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
    printf 'host all all all %s\n' "$auth" >> "$PGDATA/pg_hba.conf"
    if [ "$db" != postgres ]; then
      printf 'CREATE DATABASE "%s";\n' "$(printf '%s' "$db" | sed 's/"/""/g')" \
        | postgres --single -j -D "$PGDATA" postgres >/dev/null
    fi
    echo "PostgreSQL init process complete; ready for start up."
  fi
fi

exec "$@"
