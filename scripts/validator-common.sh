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
