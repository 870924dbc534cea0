#!/usr/bin/env bash
# The record's freshness on a local validator: `diem serve` follows the validator (woken by its
# websocket; with WS_URL=none it polls every INTERVAL seconds instead), and COUNT stakes are
# timed from the moment each one's status reads finalized to the moment its event is served
# over HTTP (tests/src/bin/bench_freshness.rs). Prints the benchmark's JSON line; run by
# scripts/bench-indexer.sh. Without solana-test-validator it says so and prints nothing.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SUITE="freshness benchmark"
source scripts/validator-common.sh >&2
cargo build --locked -q --profile soak -p diem-tests --bin bench_freshness
BENCH="$TARGET/soak/bench_freshness"
COUNT=${COUNT:-1000}
PORT=${DIEM_FRESHNESS_RPC_PORT:-28899}
RECORD_PORT=$((PORT + 3000))
WORK=$(mktemp -d)
DEPLOYER=$("$DIEM" keygen "$WORK/deployer.json")
ALICE=$("$DIEM" keygen "$WORK/alice.json")
cleanup() {
  kill "${SERVER:-}" "${VALIDATOR:-}" 2>/dev/null || true
  wait "${SERVER:-}" "${VALIDATOR:-}" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
start_validator "$WORK" "$PORT" "$DEPLOYER" --upgradeable-program "$PROGRAM_ID" target/deploy/diem.so "$DEPLOYER" >&2
d() { "$DIEM" --url "$URL" --keypair "$WORK/deployer.json" "$@"; }
field() { python3 -c "import json,sys; v=json.load(sys.stdin); print(v$1)"; }
SETUP=$(d --json dev setup-vvv --amount 1000000)
MINT=$(echo "$SETUP" | field '["vvv_mint"]')
TREASURY=$(echo "$SETUP" | field '["treasury"]')
DIEM="$DIEM" bash migrations/deploy.sh --url "$URL" --keypair "$WORK/deployer.json" --vvv-mint "$MINT" --treasury "$TREASURY" >&2
d admin pause --clear all >&2
d dev fund "$MINT" "$ALICE" 100000 >&2
WAKE=()
[ -n "${WS_URL:-}" ] && WAKE=(--ws-url "$WS_URL")
DIEM_DB="sqlite://$WORK/record.sqlite" "$DIEM" --url "$URL" serve --bind "127.0.0.1:$RECORD_PORT" \
  --interval-secs "${INTERVAL:-2}" "${WAKE[@]}" 2> "$WORK/serve.log" &
SERVER=$!
for _ in $(seq 1 60); do
  curl -s "http://127.0.0.1:$RECORD_PORT/health" >/dev/null && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/serve.log" >&2; echo "diem serve exited" >&2; exit 1; }
  sleep 1
done
"$BENCH" --url "$URL" --keypair "$WORK/alice.json" --record "http://127.0.0.1:$RECORD_PORT" --count "$COUNT"
