#!/usr/bin/env bash
# The last launch step: hand the program's upgrade authority to a multisig whose own timelock is
# at least the on-chain change delay, or make the program immutable. An upgrade replaces every
# rule, the change queue included, so a faster upgrade path would undo "every holder can leave
# first" (SECURITY.md, "The upgrade authority").
#
#   migrations/hand-over-upgrade-authority.sh --url URL --keypair UPGRADE_AUTHORITY.json \
#       --program PROGRAM_ID ( --multisig VAULT --multisig-timelock-secs N | --immutable )
#
# The multisig's timelock is its own setting (a Squads vault's time lock, for one); this script
# reads `change_delay` from the deployed program (`diem admin pending --json`) and refuses to hand
# over when N is shorter. `--immutable` runs `solana program set-upgrade-authority --final`.
# Needs the Solana CLI.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
URL="" KEYPAIR="" PROGRAM="" MULTISIG="" TIMELOCK="" IMMUTABLE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --url) URL=$2; shift 2 ;;
    --keypair) KEYPAIR=$2; shift 2 ;;
    --program) PROGRAM=$2; shift 2 ;;
    --multisig) MULTISIG=$2; shift 2 ;;
    --multisig-timelock-secs) TIMELOCK=$2; shift 2 ;;
    --immutable) IMMUTABLE=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
usage() { sed -n 2,14p "$0"; exit 2; }
[ -n "$URL" ] && [ -n "$KEYPAIR" ] && [ -n "$PROGRAM" ] || usage
if [ "$IMMUTABLE" = 1 ]; then
  [ -z "$MULTISIG" ] || usage
  solana program set-upgrade-authority --url "$URL" --keypair "$KEYPAIR" "$PROGRAM" --final
  exit 0
fi
[ -n "$MULTISIG" ] && [ -n "$TIMELOCK" ] || usage
DIEM=${DIEM:-"cargo run --locked -q --manifest-path $ROOT/Cargo.toml -p diem-cli --no-default-features --bin diem --"}
delay=$($DIEM --url "$URL" --json admin pending | python3 -c 'import json,sys; print(json.load(sys.stdin)["change_delay"])')
if ! [ "$TIMELOCK" -ge "$delay" ] 2>/dev/null; then
  echo "refused: the multisig's timelock ($TIMELOCK s) is shorter than the program's change delay ($delay s);" >&2
  echo "an upgrade through it would apply before a holder who disagrees could leave" >&2
  exit 1
fi
solana program set-upgrade-authority --url "$URL" --keypair "$KEYPAIR" "$PROGRAM" \
  --new-upgrade-authority "$MULTISIG" --skip-new-upgrade-authority-signer-check
echo "upgrade authority of $PROGRAM is now $MULTISIG (timelock $TIMELOCK s >= change delay $delay s)"
