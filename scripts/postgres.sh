#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on loopback for the tests (Debian's `postgresql`,
# installed here when missing) and prints the `export DIEM_TEST_POSTGRES_URL=…` line to eval.
# The server lives in a temporary directory; `scripts/postgres.sh stop DIR` ends it.
set -euo pipefail
if [[ "${1:-}" == "stop" ]]; then
    dir=$2
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" stop -m fast >/dev/null 2>&1 || true
    else "$bin/pg_ctl" -D "$dir/data" stop -m fast >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    exit 0
fi
if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    echo "installing Debian's postgresql" >&2
    SUDO=""; [[ $(id -u) == 0 ]] || SUDO=sudo
    $SUDO apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d /tmp/diem-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg() { if [[ $(id -u) == 0 ]]; then chown -R postgres "$dir"; runuser -u postgres -- "$@"; else "$@"; fi; }
as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres >"$dir/initdb.log" 2>&1
as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null
echo "export DIEM_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$port/postgres DIEM_TEST_POSTGRES_DIR=$dir"
