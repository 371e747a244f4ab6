#!/usr/bin/env bash
# A private PostgreSQL 15 cluster on a loopback port, for the demo, benchmarks and tests.
#
#   infra/pg.sh start [--fast|--durable] [--dir DIR] [--port PORT]   prints the Npgsql connection string
#   infra/pg.sh url   [--dir DIR]                                     prints it again for a running cluster
#   infra/pg.sh stop  [--dir DIR] [--keep]                            stops it and (unless --keep) deletes DIR
#
# --fast turns fsync, synchronous_commit and full_page_writes off: for tests only, never for benchmarks.
# --durable (the default) keeps PostgreSQL's safe settings. Starting a DIR that already holds a cluster reuses it,
# so the demo keeps its data between runs. Works as root (initdb refuses root, so the server runs as `postgres`)
# and as a normal user, and never touches a cluster already running on 5432.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}; shift || true
mode=durable; dir=""; port=""; keep=false
while [ $# -gt 0 ]; do
  case "$1" in
    --fast) mode=fast ;;
    --durable) mode=durable ;;
    --dir) dir=$2; shift ;;
    --port) port=$2; shift ;;
    --keep) keep=true ;;
    *) echo "pg.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
dir=${dir:-/tmp/waardecheque-pg-$mode}
user=waardecheque; password=waardecheque; database=waardecheque

die() { echo "pg.sh: $*" >&2; exit 1; }

# Runs a PostgreSQL binary as the cluster's owner: `postgres` when we are root, ourselves otherwise.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local p
  for p in $(seq 55432 55532); do
    port_in_use "$p" || { echo "$p"; return; }
  done
  die "no free port between 55432 and 55532"
}

connection_string() {
  echo "Host=127.0.0.1;Port=$(cat "$dir/port");Username=$user;Password=$password;Database=$database"
}

start() {
  [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] || die "PostgreSQL 15 binaries not found in $PG_BIN.
Install them with: apt-get update && apt-get install -y --no-install-recommends postgresql-15
(or point PG_BIN at another PostgreSQL bin directory)."
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi

  if [ -f "$dir/data/PG_VERSION" ] && as_owner "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    connection_string; return
  fi

  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    local pwfile="$dir/pwfile"
    echo "$password" > "$pwfile"; [ "$(id -u)" = 0 ] && chown postgres "$pwfile"
    as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres --pwfile="$pwfile" --auth-local=trust \
      --auth-host=scram-sha-256 --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    rm -f "$pwfile"
    echo "$mode" > "$dir/mode"
  fi
  mkdir -p "$dir/sock"; [ "$(id -u)" = 0 ] && chown postgres "$dir/sock" "$dir"
  port=${port:-$(free_port)}
  port_in_use "$port" && die "port $port is already in use"
  echo "$port" > "$dir/port"

  local opts="-p $port -k $dir/sock -c listen_addresses=127.0.0.1 -c max_connections=1000 -c shared_buffers=256MB"
  if [ "$(cat "$dir/mode")" = fast ]; then
    opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$opts" start >/dev/null \
    || { tail -20 "$dir/server.log" >&2; die "the server did not start"; }

  # The application role and database, created once per cluster.
  local psql=("$PG_BIN/psql" -h "$dir/sock" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
  if [ "$(as_owner "${psql[@]}" -c "select 1 from pg_roles where rolname='$user'")" != 1 ]; then
    as_owner "${psql[@]}" -c "create role $user login createdb password '$password'" >/dev/null
    as_owner "${psql[@]}" -c "create database $database owner $user" >/dev/null
  fi
  connection_string
}

stop() {
  if [ -f "$dir/data/PG_VERSION" ]; then
    as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ "$keep" = false ]; then rm -rf "$dir"; fi
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  url) [ -f "$dir/port" ] || die "no cluster in $dir"; connection_string ;;
  *) echo "usage: infra/pg.sh start|url|stop [--fast|--durable] [--dir DIR] [--port PORT] [--keep]" >&2; exit 2 ;;
esac
