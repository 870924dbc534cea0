#!/usr/bin/env bash
# The Blinks `diem serve` offers, on a running local validator (called by validator-e2e.sh with
# its validator, work directory, VVV mint and record): serves the record with the Blinks and
# the token metadata on loopback, funds a fresh wallet with SOL and VVV, and runs
# app/web/test/blinks.mjs, which posts to each action and signs and sends what it returns.
#   bash scripts/blinks-e2e.sh URL WORKDIR VVV_MINT PORT   (with $DIEM the diem CLI, $DIEM_DB the record)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
URL=$1 WORK=$2 MINT=$3 PORT=$4
: "${DIEM:?the diem CLI binary}" "${DIEM_DB:?the record}"
SERVE_URL="http://127.0.0.1:$PORT"
"$DIEM" --url "$URL" serve --no-follow --bind "127.0.0.1:$PORT" > "$WORK/serve.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -sf "$SERVE_URL/health" >/dev/null && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/serve.log"; echo "diem serve exited"; exit 1; }
  sleep 0.5
done
WALLET=$("$DIEM" keygen "$WORK/blink-wallet.json")
"$DIEM" --url "$URL" --keypair "$WORK/deployer.json" dev fund "$MINT" "$WALLET" 5000 >/dev/null
npm --prefix "$ROOT/app/ts" run -s build
DIEM_RPC_URL="$URL" DIEM_SERVE_URL="$SERVE_URL" DIEM_WALLET_KEYPAIR="$WORK/blink-wallet.json" \
  node --test "$ROOT/app/web/test/blinks.mjs"
