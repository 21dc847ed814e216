#!/bin/sh
# Entry point of the stagdb-test/mariadb image. It honours the official 'mysql'/'mariadb' images'
# contract (MYSQL_ROOT_PASSWORD / MARIADB_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD,
# MYSQL_DATABASE, MYSQL_USER, MYSQL_PASSWORD, data in /var/lib/mysql (or --datadir), uid 999, port 3306,
# 'mariadbd --option ...' arguments) so stagDB runs the same code against official images.
# Not supported here: /docker-entrypoint-initdb.d scripts (stagDB runs init scripts over JDBC).
set -eu

if [ "${1#-}" != "$1" ]; then set -- mariadbd "$@"; fi

if [ "$1" = mariadbd ] || [ "$1" = mysqld ]; then
  datadir=/var/lib/mysql
  for arg in "$@"; do   # as the official images read it: a --datadir argument wins
    case $arg in --datadir=*) datadir=${arg#--datadir=} ;; esac
  done
  if [ "$(id -u)" = 0 ]; then
    mkdir -p "$datadir" /run/mysqld
    find "$datadir" /run/mysqld \! -user 999 -exec chown 999:999 '{}' +
    exec setpriv --reuid=999 --regid=999 --init-groups "$0" "$@"
  fi

  if [ ! -d "$datadir/mysql" ]; then
    root_pw=${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}
    if [ -z "$root_pw" ] && [ -z "${MYSQL_ALLOW_EMPTY_PASSWORD:-${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-}}" ]; then
      echo "error: database is uninitialized and MYSQL_ROOT_PASSWORD is not set" >&2
      echo "       (set MYSQL_ROOT_PASSWORD, or MYSQL_ALLOW_EMPTY_PASSWORD=yes)" >&2
      exit 1
    fi
    lit() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g"; }    # SQL string literal body
    ident() { printf '%s' "$1" | sed 's/`/``/g'; }                        # SQL identifier body
    mariadb-install-db --datadir="$datadir" --auth-root-authentication-method=normal \
      --skip-test-db --skip-name-resolve >/dev/null
    sql=$(mktemp)
    {
      echo "FLUSH PRIVILEGES;"
      # mariadb-install-db also makes password-less root logins for 127.0.0.1, ::1 and this host name.
      echo "DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1', 'root'@'$(lit "$(hostname)")';"
      echo "ALTER USER 'root'@'localhost' IDENTIFIED BY '$(lit "$root_pw")';"
      echo "CREATE USER 'root'@'%' IDENTIFIED BY '$(lit "$root_pw")';"
      echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
      db=${MARIADB_DATABASE:-${MYSQL_DATABASE:-}}
      user=${MARIADB_USER:-${MYSQL_USER:-}}
      [ -z "$db" ] || echo "CREATE DATABASE IF NOT EXISTS \`$(ident "$db")\`;"
      if [ -n "$user" ]; then
        echo "CREATE USER '$(lit "$user")'@'%' IDENTIFIED BY '$(lit "${MARIADB_PASSWORD:-${MYSQL_PASSWORD:-}}")';"
        [ -z "$db" ] || echo "GRANT ALL ON \`$(ident "$db")\`.* TO '$(lit "$user")'@'%';"
      fi
    } > "$sql"
    "$1" --bootstrap --datadir="$datadir" --skip-networking < "$sql"
    rm -f "$sql"
    echo "MariaDB init process done. Ready for start up."
  fi
fi

exec "$@"
