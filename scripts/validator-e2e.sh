#!/usr/bin/env bash
# End-to-end suite on a real local validator: starts solana-test-validator on loopback with
# target/deploy/diem.so as an upgradeable program (the deployer is its upgrade authority),
# initializes with migrations/launch.toml through the diem CLI, and runs the CLI lifecycle over
# JSON-RPC, ending with a clean audit. Where solana-test-validator is not on the PATH it says
# so and exits 0 (skipped). Install it with `cargo install agave-validator --version 4.2.2 --locked`.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SUITE="local validator suite"
source scripts/validator-common.sh
cargo build --locked -q -p diem-tests --bin proxy_lookup_table --bin vault_pool
PROXY_TOOL="$TARGET/debug/proxy_lookup_table"
VAULT_TOOL="$TARGET/debug/vault_pool"
ATTACKER_ID=$(program_id tests/programs/diem-attacker/src/lib.rs)
VAULT_ID=$(program_id tests/programs/diem-vault/src/lib.rs)

WORK=$(mktemp -d)
RPC_PORT=${DIEM_E2E_RPC_PORT:-18899}
DEPLOYER=$("$DIEM" keygen "$WORK/deployer.json")
ALICE=$("$DIEM" keygen "$WORK/alice.json")

cleanup() { kill "${VALIDATOR:-}" 2>/dev/null || true; wait "${VALIDATOR:-}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
start_validator "$WORK" "$RPC_PORT" "$DEPLOYER" --upgradeable-program "$PROGRAM_ID" target/deploy/diem.so "$DEPLOYER" \
  --bpf-program "$ATTACKER_ID" target/deploy/diem_attacker.so \
  --bpf-program "$VAULT_ID" target/deploy/diem_vault.so
echo "validator up at $URL (slot $slot; program $PROGRAM_ID, upgrade authority $DEPLOYER)"


# Runs the CLI as KEYPAIR; on failure shows what it printed (JSON errors go to stdout).
run() {
  local who=$1; shift
  echo "+ diem ($who) $*" >&2
  local out
  if ! out=$("$DIEM" --url "$URL" --keypair "$WORK/$who.json" "$@"); then
    echo "$out" >&2
    echo "FAILED: diem $*" >&2
    return 1
  fi
  echo "$out"
}
d() { run deployer "$@"; }
a() { run alice "$@"; }
field() { python3 -c "import json,sys; v=json.load(sys.stdin); print(v$1)"; }

SETUP=$(d --json dev setup-vvv --amount 1000000)
MINT=$(echo "$SETUP" | field '["vvv_mint"]')
TREASURY=$(echo "$SETUP" | field '["treasury"]')
DIEM="$DIEM" bash migrations/deploy.sh --url "$URL" --keypair "$WORK/deployer.json" --vvv-mint "$MINT" --treasury "$TREASURY"
# During the launch (every inflow paused) the authority's changes apply at once: seconds-long
# cooldowns so this run can finalize both unstakes. Then every inflow opens: the launch is over.
d admin set-params --svvv-cooldown-secs 2 --diem-cooldown-secs 2
d fund-rewards 100000
d admin pause --clear all
d dev fund "$MINT" "$ALICE" 5000
a stake 4000
a quote 900
MINTED=$(a --json mint 900 --slippage-bps 50 | field '["minted"]')
[ "$(a --json position | field '["outstanding_diem"]')" = "$MINTED" ] || { echo "position does not show the minted DIEM"; exit 1; }
a stake-diem "$MINTED"
TICKET=$(a --json unstake-diem "$MINTED" | field '["ticket"]')
a tickets
sleep 4
a finalize-diem-unstake "$TICKET"
# The DIEM pool of the example vault: two depositors, each credited their own part, leaving at
# different times with tickets of their own, the second's handed to a third wallet.
MINTED_RAW=$(a --raw --json position | field '["outstanding_diem"]')
GIVEN=$((MINTED_RAW / 5))
POOLED=$("$VAULT_TOOL" --url "$URL" --keypair "$WORK/alice.json" --amount "$GIVEN")
echo "vault pool: $POOLED"
FIRST=$(echo "$POOLED" | field '["first"]')
SECOND_DEPOSITOR=$(echo "$POOLED" | field '["second"]')
FIRST_CREDIT=$(echo "$POOLED" | field '["first_credit"]')
SECOND_CREDIT=$(echo "$POOLED" | field '["second_credit"]')
# The same DIEM unstaked again through another program, diem's id in a lookup table (v0), then
# half of it moved to a second wallet that stakes it: the record must credit it once, to them.
a --raw stake-diem "$((MINTED_RAW - GIVEN))"
PROXIED=$("$PROXY_TOOL" --url "$URL" --keypair "$WORK/alice.json" --amount "$(a --raw --json position | field '["diem_staked"]')" \
  --cooldown-secs 2 ${DIEM_CAPTURE_FIXTURES:+--capture "$DIEM_CAPTURE_FIXTURES"})
SECOND=$(echo "$PROXIED" | field '["second"]')
MOVED=$(echo "$PROXIED" | field '["moved"]')
STAKED=$(echo "$PROXIED" | field '["staked"]')
BURNED_OUTSIDE=$(echo "$PROXIED" | field '["burned_outside"]')
LEFT=$(a --raw --json position | python3 -c "import json,sys; print(int(json.load(sys.stdin)['outstanding_diem']) - $MOVED - $GIVEN)")
a --raw burn "$LEFT"
# Two sVVV tickets, each finalized at its own time.
T1=$(a --json unstake 1000 | field '["ticket"]')
sleep 2
T2=$(a --json unstake 1000 | field '["ticket"]')
sleep 3
a finalize-unstake "$T1"
sleep 2
a finalize-unstake "$T2"
a claim
d pay-treasury
# The entitlement record, kept for this validator only, read at finalized.
export DIEM_DB="sqlite://$WORK/record.sqlite"
# The record reads only finalized blocks: wait until the last transaction's slot is finalized.
LAST=$(rpc getSlot '[{"commitment":"confirmed"}]' | field '["result"]')
for _ in $(seq 1 90); do
  [ "$(rpc getSlot '[{"commitment":"finalized"}]' | field '["result"]')" -ge "$LAST" ] && break
  sleep 1
done
d index sync
d entitlements --day "$(date -u +%F)"
# Tomorrow's credit as the record stands: the moved DIEM counts for the second wallet only.
TOMORROW=$(date -u -d tomorrow +%F)
d --raw --json entitlements --day "$TOMORROW" | python3 -c "
import json,sys
rows={e['owner']: e['staked_diem'] for e in json.load(sys.stdin)['entitlements']}
print('credit for $TOMORROW:', rows)
expected={'$SECOND': $STAKED, '$FIRST': $FIRST_CREDIT, '$SECOND_DEPOSITOR': $SECOND_CREDIT}
sys.exit(0 if rows == expected else 1)" || { echo "credit is not each beneficiary's own (proxied DIEM once, each vault depositor their part)"; exit 1; }
# A depositor's history shows the vault's stakes for them (the other side of each event).
d --json history "$FIRST" | python3 -c 'import json,sys; h=json.load(sys.stdin)["entries"]; kinds=[e["kind"] for e in h]; print("depositor history:", kinds); sys.exit(0 if {"DiemStaked","DiemUnstakeInitiated","TicketTransferred","DiemUnstakeFinalized"} <= set(kinds) else 1)' || { echo "the depositor's history misses the vault's side"; exit 1; }
d history "$ALICE" | tail -5
HISTORY=$(d --json history "$ALICE")
echo "$HISTORY" | python3 -c 'import json,sys; h=json.load(sys.stdin)["entries"]; kinds=[e["kind"] for e in h]; print("history:", kinds); sys.exit(0 if {"Staked","DiemMinted","DiemStaked","DiemUnstakeFinalized","DiemBurned"} <= set(kinds) else 1)'
AUDIT=$(d --json audit)
echo "$AUDIT" | python3 -c 'import json,sys; r=json.load(sys.stdin); checks=r["store"]["checks"]+r["chain"]["checks"]; bad=[c for c in checks if not c["ok"]]; print("audit:", r["store"]["events_replayed"], "events replayed,", len(checks), "checks"); outside=[c for c in checks if c["detail"].endswith(" '"$BURNED_OUTSIDE"' burned outside the program")]; print("burned outside:", outside); sys.exit(1 if bad or not outside or r["chain_error"] or r["store"]["events_replayed"] < 10 else 0)'
# The Blinks and the token metadata, served by `diem serve` beside this record, used by a wallet.
DIEM="$DIEM" bash scripts/blinks-e2e.sh "$URL" "$WORK" "$MINT" $((RPC_PORT + 2000))
# The staking page on the same validator, signed by a Wallet Standard wallet in headless Chromium.
if [ "${DIEM_SKIP_BROWSER:-0}" = 1 ]; then
  echo "SKIPPED: the staking page in Chromium (DIEM_SKIP_BROWSER=1)"
else
  DIEM="$DIEM" bash scripts/browser-e2e.sh "$URL" "$WORK" "$MINT"
fi
echo "PASSED: local validator suite (the CLI lifecycle over JSON-RPC, the record synced at finalized, audit clean, the Blinks signed and sent, the staking page signed by a wallet)"
