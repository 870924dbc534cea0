#!/usr/bin/env bash
# Builds the .so files, runs every instruction on them and writes COMPUTE_UNITS.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
bash "$ROOT/scripts/build-sbf.sh"
cd "$ROOT"
SBF_OUT_DIR="$ROOT/target/deploy" DIEM_IGNORE_CU_BUDGETS=1 cargo run --locked -q -p diem-tests --bin bench_cu
