#!/usr/bin/env bash
# Runs every test of the workspace: the program's unit and property tests, the client's tests,
# and the integration suite on a solana-program-test bank. Needs only a Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --locked "$@"
