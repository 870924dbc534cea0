#!/usr/bin/env bash
# The staking page in headless Chromium against a running local validator (called by
# validator-e2e.sh with its validator, VVV mint and deployer): funds a fresh test wallet with
# SOL and VVV, proposes a lower emission rate (so the page has a pending change to flag), builds
# the page, and runs app/web/test/browser.mjs, whose Wallet Standard test wallet signs a stake, a
# mint with slippage and a burn by keyboard, then tickets and DIEM stakes. Needs `npm ci` done in app/ (the workspace) and
# Debian's chromium (scripts/test.sh sees to both).
#   bash scripts/browser-e2e.sh URL WORKDIR VVV_MINT   (with $DIEM the diem CLI binary)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
URL=$1 WORK=$2 MINT=$3
: "${DIEM:?the diem CLI binary}"
command -v "${CHROMIUM:-/usr/bin/chromium}" >/dev/null || { echo "chromium is missing: apt-get install chromium"; exit 1; }
WALLET=$("$DIEM" keygen "$WORK/page-wallet.json")
"$DIEM" --url "$URL" --keypair "$WORK/deployer.json" dev fund "$MINT" "$WALLET" 5000 >/dev/null
# Half the launch rate (79,274 base units a second): worse for every holder, due after the delay.
"$DIEM" --url "$URL" --keypair "$WORK/deployer.json" admin propose emission-rate 0.04 >/dev/null
npm --prefix "$ROOT/app/ts" run -s build
npm --prefix "$ROOT/app/web" run -s build
DIEM_RPC_URL="$URL" DIEM_WALLET_KEYPAIR="$WORK/page-wallet.json" DIEM_CLI="$DIEM" DIEM_DB="${DIEM_DB:?the record}" \
  DIEM_SCREENSHOTS="${DIEM_SCREENSHOTS:-$ROOT/target/screenshots}" \
  node --test "$ROOT/app/web/test/browser.mjs"
