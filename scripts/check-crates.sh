#!/usr/bin/env bash
# The client side is split along dependency boundaries (app/client, app/bank, app/cli,
# app/indexer, app/actions, tools/idl). This compiles every crate in every feature combination it offers, and fails if a
# crate links what its role must not: the pure client library no async runtime, RPC client or
# bank, and the shipped CLI (without its demo feature) no embedded bank; and fails on a panicking call in their
# library code or the program's (clippy).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

check() { echo "+ cargo check $*"; cargo check --locked -q "$@"; }
check -p diem-client --no-default-features
check -p diem-client --no-default-features --features chain
check -p diem-client --no-default-features --features rpc
check -p diem-client --all-features --all-targets
check -p diem-bank --all-targets
check -p diem-cli --all-targets
check -p diem-cli --features demo --all-targets
check -p diem-idl
check -p diem-indexer --all-targets
check -p diem-actions --all-targets

fail=0
forbid() {
  local what=$1; shift
  local found
  found=$(cargo tree --locked -e normal --prefix none "$@" | grep -oE "^($what) v" | sort -u || true)
  if [ -n "$found" ]; then
    echo "FAIL: cargo tree $* links: $found"
    fail=1
  else
    echo "ok: cargo tree $* links none of: $what"
  fi
}
forbid 'tokio|solana-rpc-client|solana-rpc-client-api|solana-program-test|solana-banks-client|reqwest' -p diem-client
forbid 'solana-rpc-client|solana-program-test|solana-banks-client|reqwest' -p diem-client --features chain
forbid 'solana-program-test|solana-banks-client|solana-program-runtime|diem-bank' -p diem-cli
forbid 'solana-program-test|solana-banks-client|solana-program-runtime|diem-bank' -p diem-indexer
# What wallets fetch builds transactions for them: no test bank, no record store.
forbid 'solana-program-test|solana-banks-client|sqlx|diem-bank|diem-indexer' -p diem-actions
# Library code reports errors; it never panics. Clippy's `unwrap_used`, `expect_used` and `panic`
# are denied in each library crate's and the program's Cargo.toml; `clippy.toml` exempts tests.
# Unlike a text scan, this sees every line of code, including what follows a test module.
echo "+ cargo clippy: no unwrap, expect or panic in the program and the client crates outside tests"
if cargo clippy --locked -q -p diem -p diem-client -p diem-bank -p diem-cli -p diem-indexer -p diem-actions -p diem-idl \
    --all-features --lib --bins -- -D clippy::unwrap_used -D clippy::expect_used -D clippy::panic; then
  echo "ok: no unwrap, expect or panic in library code outside tests"
else
  echo "FAIL: clippy found a panicking call in library code (above)"; fail=1
fi
exit $fail
