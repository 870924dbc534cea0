#!/usr/bin/env bash
# Initializes a deployed diem program with migrations/launch.toml (and optionally deploys it).
#
#   migrations/deploy.sh --url URL --keypair DEPLOYER.json --vvv-mint MINT --treasury ACCOUNT \
#       [--authority MULTISIG] [--deploy PROGRAM_KEYPAIR.json]
#
# --deploy first runs `solana program deploy target/deploy/diem.so` (needs the Solana CLI; the
# deployer becomes the upgrade authority). `initialize` must be signed by the upgrade authority,
# so nobody can initialize a fresh deployment with their own parameters. With --authority, the
# config authority (e.g. a Squads multisig) then stages and commits the launch curve itself
# (`diem admin replace-curve`) and opens the inflows when the launch is announced
# (`diem admin pause --clear all`: the launch ends for good); without it the deployer is the
# authority and the curve is committed here, with every inflow still paused. Last, hand the
# upgrade authority to a multisig whose timelock is at least the change delay, or make the
# program immutable: migrations/hand-over-upgrade-authority.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
URL="" KEYPAIR="" MINT="" TREASURY="" AUTHORITY="" DEPLOY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --url) URL=$2; shift 2 ;;
    --keypair) KEYPAIR=$2; shift 2 ;;
    --vvv-mint) MINT=$2; shift 2 ;;
    --treasury) TREASURY=$2; shift 2 ;;
    --authority) AUTHORITY=$2; shift 2 ;;
    --deploy) DEPLOY=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$URL" ] && [ -n "$KEYPAIR" ] && [ -n "$MINT" ] && [ -n "$TREASURY" ] || { sed -n 2,14p "$0"; exit 2; }
DIEM=${DIEM:-"cargo run --locked -q --manifest-path $ROOT/Cargo.toml -p diem-cli --no-default-features --bin diem --"}
if [ -n "$DEPLOY" ]; then
  [ -f "$ROOT/target/deploy/diem.so" ] || bash "$ROOT/scripts/build-sbf.sh"
  solana program deploy --url "$URL" --keypair "$KEYPAIR" --program-id "$DEPLOY" "$ROOT/target/deploy/diem.so"
fi
$DIEM --url "$URL" --keypair "$KEYPAIR" init --vvv-mint "$MINT" --treasury "$TREASURY" \
  ${AUTHORITY:+--authority "$AUTHORITY"} --params "$ROOT/migrations/launch.toml"
$DIEM --url "$URL" --keypair "$KEYPAIR" curve show | head -3
