#!/usr/bin/env bash
# Builds the .so files, runs every instruction on them (once with SPL Token as p-token, once as
# solana-program-test bundles it) and writes COMPUTE_UNITS.md; then builds
# a `cu-trace` diem.so (markers at each phase), runs the same instructions on it and appends the
# per-phase breakdown; then rebuilds the deployed diem.so.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
bash "$ROOT/scripts/build-sbf.sh"
bash "$ROOT/scripts/fetch-p-token.sh"
cd "$ROOT"
TRACED=$(mktemp -d)
trap 'rm -rf "$TRACED"; DIEM_SBF_CRATES=programs/diem bash "$ROOT/scripts/build-sbf.sh" > /dev/null' EXIT
# First pass: SPL Token as p-token (what mainnet runs), each row's total kept for the table.
SBF_OUT_DIR="$ROOT/target/deploy" DIEM_IGNORE_CU_BUDGETS=1 DIEM_CU_P_TOKEN_OUT="$TRACED/p-token.tsv" \
  cargo run --locked -q -p diem-tests --bin bench_cu
SBF_OUT_DIR="$ROOT/target/deploy" DIEM_IGNORE_CU_BUDGETS=1 DIEM_CU_P_TOKEN="$TRACED/p-token.tsv" \
  cargo run --locked -q -p diem-tests --bin bench_cu
DIEM_SBF_CRATES=programs/diem DIEM_SBF_FEATURES=cu-trace bash scripts/build-sbf.sh > /dev/null
cp target/deploy/*.so "$TRACED/"
SBF_OUT_DIR="$TRACED" DIEM_IGNORE_CU_BUDGETS=1 DIEM_CU_PHASES="$TRACED/phases.md" cargo run --locked -q -p diem-tests --bin bench_cu
{
  echo
  echo "## Where the compute goes, phase by phase"
  echo
  echo "From a \`cu-trace\` build of the same program (\`diem::cu_trace\` markers log the units left; the deployed build"
  echo "has none; the first is in \`diem::entrypoint\`, once every account is read and before Anchor's dispatch). *entrypoint*: the runtime's entrypoint, deserializing every account passed into an \`AccountInfo\`;"
  echo "*dispatch and accounts*: finding the instruction and Anchor's \`try_accounts\` (each account's owner, discriminator and"
  echo "data, its constraints);"
  echo "*validate*: the instruction's \`validate\`; *handler*: its own checks and maths, the token CPIs apart; *event*: the"
  echo "event self-CPI (building, serializing and invoking it); *write-back and exit*: serializing the changed accounts back."
  echo "Each phase includes one marker (a 100-CU syscall), so totals here exceed the table above by a few hundred."
  echo
  cat "$TRACED/phases.md"
} >> COMPUTE_UNITS.md
echo "appended the per-phase breakdown to COMPUTE_UNITS.md"
