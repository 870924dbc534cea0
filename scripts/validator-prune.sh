#!/usr/bin/env bash
# The record on a pruning node (SPEC §12): a real solana-test-validator that keeps only a few
# blocks. The record follows it, the node prunes the blocks of the record's last event, and the
# next sync still resumes (from the sequence number and slot it holds, never from a signature the
# node dropped); a fresh record on the same node is refused by name (`history pruned`, with what
# is missing and how to backfill). Fast slots (8 ticks) and a ledger limit of 100 shreds make the
# node prune within a minute; RocksDB only counts flushed files, so the node is restarted once on
# its ledger to flush it. Skipped (exit 0) where solana-test-validator is not on the PATH.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SUITE="pruning-node suite"
source scripts/validator-common.sh
WORK=$(mktemp -d)
RPC_PORT=${DIEM_PRUNE_RPC_PORT:-18999}
URL="http://127.0.0.1:$RPC_PORT"
DEPLOYER=$("$DIEM" keygen "$WORK/deployer.json")
ALICE=$("$DIEM" keygen "$WORK/alice.json")
VALIDATOR_ARGS=(--ledger "$WORK/ledger" --quiet --bind-address 127.0.0.1 --rpc-port "$RPC_PORT"
  --faucet-port $((RPC_PORT + 1001)) --dynamic-port-range $((RPC_PORT + 1100))-$((RPC_PORT + 1200))
  --limit-ledger-size 100 --ticks-per-slot 8)
VALIDATOR=""
stop_validator() {
  [ -n "$VALIDATOR" ] || return 0
  kill -TERM "$VALIDATOR" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$VALIDATOR" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$VALIDATOR" 2>/dev/null || true
  wait "$VALIDATOR" 2>/dev/null || true
  VALIDATOR=""
}
cleanup() { stop_validator; rm -rf "$WORK"; }
trap cleanup EXIT
rpc() { curl -s -X POST -H "Content-Type: application/json" -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" "$URL" || true; }
result() { python3 -c 'import json,sys; print(json.load(sys.stdin).get("result", 0))' 2>/dev/null || echo 0; }
wait_up() {
  for _ in $(seq 1 120); do
    slot=$(rpc getSlot '[{"commitment":"finalized"}]' | result)
    [ "${slot:-0}" -ge 3 ] && return 0
    kill -0 "$VALIDATOR" 2>/dev/null || { cat "$WORK/validator.log"; echo "validator exited"; exit 1; }
    sleep 1
  done
  echo "validator did not come up"; exit 1
}
solana-test-validator "${VALIDATOR_ARGS[@]}" --reset --mint "$DEPLOYER" \
  --upgradeable-program "$PROGRAM_ID" target/deploy/diem.so "$DEPLOYER" > "$WORK/validator.log" 2>&1 &
VALIDATOR=$!
wait_up
echo "pruning validator up at $URL (8 ticks a slot, ledger limit 100 shreds)"
run() {
  local who=$1; shift
  local out
  if ! out=$("$DIEM" --url "$URL" --keypair "$WORK/$who.json" "$@" 2>&1); then
    echo "$out" >&2; echo "FAILED: diem $*" >&2; return 1
  fi
  echo "$out"
}
d() { run deployer "$@"; }
field() { python3 -c "import json,sys; v=json.load(sys.stdin); print(v$1)"; }
SETUP=$(d --json dev setup-vvv --amount 1000000)
MINT=$(echo "$SETUP" | field '["vvv_mint"]')
TREASURY=$(echo "$SETUP" | field '["treasury"]')
DIEM="$DIEM" bash migrations/deploy.sh --url "$URL" --keypair "$WORK/deployer.json" --vvv-mint "$MINT" --treasury "$TREASURY" > /dev/null
d admin pause --clear all > /dev/null
d dev fund "$MINT" "$ALICE" 5000 > /dev/null
run alice stake 100 > /dev/null
RECORD="sqlite://$WORK/record.sqlite"
# Synced until it holds every event: the last stake is confirmed, finalized a few slots later.
LAST_SEQ=0
for _ in $(seq 1 20); do
  sleep 3
  SEQ=$(d --json index sync --db "$RECORD" | field '["last_seq"]')
  [ "$SEQ" -gt 0 ] && [ "$SEQ" = "$LAST_SEQ" ] && break
  LAST_SEQ=$SEQ
done
echo "record holds events 1 to $LAST_SEQ"

# Restart on the same ledger (RocksDB flushes on open), then wait until the node has pruned the
# block of every recorded event.
stop_validator
solana-test-validator "${VALIDATOR_ARGS[@]}" > "$WORK/validator.log" 2>&1 &
VALIDATOR=$!
wait_up
NEWEST=$(rpc getSlot '[{"commitment":"finalized"}]' | result)
for _ in $(seq 1 180); do
  FIRST_AVAILABLE=$(rpc getFirstAvailableBlock '[]' | result)
  [ "${FIRST_AVAILABLE:-0}" -gt "$NEWEST" ] && break
  sleep 1
done
[ "${FIRST_AVAILABLE:-0}" -gt "$NEWEST" ] || { echo "FAILED: the node did not prune (first available block $FIRST_AVAILABLE, wanted past $NEWEST)"; exit 1; }
echo "the node pruned: it keeps blocks from slot $FIRST_AVAILABLE on; the record's events are all older"

# The record resumes and records a new event (it used to fail for good on "Transaction … not found").
run alice stake 1 > /dev/null
# The stake is confirmed; the record reads finalized blocks only, a few slots later.
for _ in $(seq 1 20); do
  NEXT_SEQ=$(d --json index sync --db "$RECORD" | field '["last_seq"]')
  [ "$NEXT_SEQ" -gt "$LAST_SEQ" ] && break
  sleep 1
done
[ "$NEXT_SEQ" -eq $((LAST_SEQ + 1)) ] || { echo "FAILED: the record holds 1 to $NEXT_SEQ after the new stake, wanted $((LAST_SEQ + 1))"; exit 1; }
echo "the record resumed on the pruned node: events 1 to $NEXT_SEQ"

# A fresh record cannot be built from this node: refused by name, with how to backfill.
if OUT=$("$DIEM" --url "$URL" --keypair "$WORK/deployer.json" index sync --db "sqlite://$WORK/fresh.sqlite" 2>&1); then
  echo "$OUT"; echo "FAILED: a fresh record synced from a node that pruned its history"; exit 1
fi
echo "$OUT" | grep -q "history pruned" || { echo "$OUT"; echo "FAILED: not refused by name"; exit 1; }
echo "$OUT" | grep -q "Backfill" || { echo "$OUT"; echo "FAILED: no way to backfill given"; exit 1; }
echo "a fresh record on the pruned node is refused by name: $(echo "$OUT" | grep -o 'history pruned[^.]*')"
echo "PASSED: pruning-node suite"
