# Sourced by the local-validator suites (validator-e2e.sh, validator-prune.sh), from the
# repository root: without solana-test-validator on the PATH the suite is skipped (exit 0, with
# SUITE's name); otherwise the .so and the CLI are built and TARGET, DIEM and PROGRAM_ID are set.
if ! command -v solana-test-validator >/dev/null 2>&1; then
  echo "SKIPPED: $SUITE (solana-test-validator is not on the PATH)"
  exit 0
fi
[ -f target/deploy/diem.so ] || bash scripts/build-sbf.sh
cargo build --locked -q -p diem-cli --no-default-features --bin diem
TARGET=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
DIEM="$TARGET/debug/diem"
# A program's id, read from its declare_id!.
program_id() { python3 -c 'import re,sys; print(re.search(r"declare_id!\(\"(\w+)\"\)", open(sys.argv[1]).read()).group(1))' "$1"; }
PROGRAM_ID=$(program_id programs/diem/src/lib.rs)

# Starts solana-test-validator on loopback, its ledger in WORK and its JSON-RPC on PORT (the
# websocket on PORT+1), with the extra arguments given (the mint, the programs); sets URL and
# VALIDATOR. Returns once a few slots are finalized and MINT_HOLDER's genesis balance shows.
start_validator() {
  local work=$1 port=$2 holder=$3; shift 3
  URL="http://127.0.0.1:$port"
  solana-test-validator --ledger "$work/ledger" --reset --quiet --bind-address 127.0.0.1 \
    --rpc-port "$port" --faucet-port $((port + 1001)) --dynamic-port-range $((port + 1100))-$((port + 1200)) \
    --mint "$holder" "$@" > "$work/validator.log" 2>&1 &
  VALIDATOR=$!
  for _ in $(seq 1 120); do
    if curl -s -X POST -H 'Content-Type: application/json' -d '{"jsonrpc":"2.0","id":1,"method":"getHealth"}' "$URL" | grep -q '"ok"'; then break; fi
    kill -0 "$VALIDATOR" 2>/dev/null || { cat "$work/validator.log"; echo "validator exited"; exit 1; }
    sleep 1
  done
  # Healthy is not yet usable: wait until a few slots are finalized and the genesis-funded
  # holder's balance is visible at the commitment the CLI uses.
  for _ in $(seq 1 60); do
    slot=$(rpc getSlot '[{"commitment":"finalized"}]' | python3 -c 'import json,sys; print(json.load(sys.stdin).get("result", 0))' 2>/dev/null || echo 0)
    balance=$(rpc getBalance "[\"$holder\",{\"commitment\":\"confirmed\"}]" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["value"])' 2>/dev/null || echo 0)
    if [ "${slot:-0}" -ge 3 ] && [ "${balance:-0}" -gt 0 ]; then break; fi
    sleep 1
  done
}
rpc() { curl -s -X POST -H 'Content-Type: application/json' -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" "$URL"; }
