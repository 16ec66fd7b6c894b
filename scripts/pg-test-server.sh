#!/usr/bin/env bash
# A throwaway PostgreSQL 15 + PostGIS 3 server for the tests: a cluster under DIR, listening on
# 127.0.0.1 on a free port (unix socket in DIR), with PostGIS in the databases zp_test and
# zp_template (the tests copy zp_template, one database per test).
#
#   scripts/pg-test-server.sh start DIR [--watch PID]   prints the URL (postgres://…) on stdout
#   scripts/pg-test-server.sh stop DIR                  stops the server and removes DIR
#
# With --watch PID a detached watcher stops the server and removes DIR when process PID ends,
# so a crashed test run does not leave a server behind. PostgreSQL refuses to run as root: as
# root, the cluster is owned by and run as the `postgres` user (runuser).
# Needs the Debian packages postgresql-15 and postgresql-15-postgis-3 (scripts/install-deps.sh).
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
ADMIN=zp_admin
PASSWORD=${ZONEPLAN_TEST_PG_PASSWORD:-zp-test-secret}
cmd=${1:-}; dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start DIR [--watch PID] | stop DIR" >&2; exit 64
fi
# Close every inherited descriptor but 0-2: the server and the watcher outlive this script and
# must not hold a caller's pipe open (a caller waiting for EOF or for our exit would hang).
for fd in /proc/$$/fd/*; do
  fd=${fd##*/}
  case "$fd" in 0|1|2|255) ;; *) eval "exec $fd>&-" 2>/dev/null || true ;; esac
done
die() { echo "pg-test-server: $*" >&2; exit 1; }
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 20 stop >/dev/null 2>&1 \
      || as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "$cmd" in
start)
  watch=""
  if [ "${3:-}" = "--watch" ]; then watch=${4:?--watch needs a PID}; fi
  [ -x "$PGBIN/initdb" ] || die "$PGBIN/initdb not found: install the Debian packages postgresql-15 postgresql-15-postgis-3 (scripts/install-deps.sh)"
  ls /usr/share/postgresql/15/extension/postgis.control >/dev/null 2>&1 \
    || die "PostGIS is not installed for PostgreSQL 15: install the Debian package postgresql-15-postgis-3"
  if [ "$(id -u)" -eq 0 ]; then id postgres >/dev/null 2>&1 || die "no 'postgres' user to run the server as (postgres refuses root)"; fi
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  chmod 700 "$dir"
  printf '%s\n' "$PASSWORD" > "$dir/pwfile"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/pwfile"
  # Local socket: trust (the script's own psql); TCP: password (SCRAM), as a real server would ask.
  as_pg "$PGBIN/initdb" -D "$dir/data" -U "$ADMIN" --pwfile="$dir/pwfile" -E UTF8 --no-locale \
        --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  rm -f "$dir/pwfile"
  port=""
  for _ in $(seq 1 25); do
    p=$((20000 + RANDOM % 40000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then continue; fi   # in use
    if as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
         -o "-p $p -k $dir -c listen_addresses=127.0.0.1" start >/dev/null 2>&1; then
      port=$p; break
    fi
  done
  [ -n "$port" ] || { tail -n 20 "$dir/server.log" >&2 2>/dev/null; stop; die "the server did not start (see above)"; }
  psql_() { as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U "$ADMIN" "$@"; }
  { psql_ -d postgres -c "CREATE DATABASE zp_template" -c "CREATE DATABASE zp_test" \
    && psql_ -d zp_template -c "CREATE EXTENSION postgis" \
    && psql_ -d zp_test -c "CREATE EXTENSION postgis"; } >"$dir/setup.log" 2>&1 \
    || { cat "$dir/setup.log" >&2; stop; die "could not create the test databases with PostGIS"; }
  if [ -n "$watch" ]; then
    nohup setsid bash "$0" watch "$dir" "$watch" </dev/null >/dev/null 2>&1 &
  fi
  echo "postgres://$ADMIN:$PASSWORD@127.0.0.1:$port/zp_test"
  ;;
stop) stop ;;
watch)
  pid=${3:?}
  while kill -0 "$pid" 2>/dev/null; do sleep 1; done
  stop
  ;;
*) echo "usage: $0 start DIR [--watch PID] | stop DIR" >&2; exit 64 ;;
esac
