#!/usr/bin/env bash
# Puts p-token (SIMD-0266, the SPL Token program mainnet now runs) at target/deploy/p_token.so,
# for scripts/bench-cu.sh's "where p-token is live" column. The ELF is the one LiteSVM ships
# (it loads it at TokenkegQfe... when the replace_spl_token_with_p_token feature is on); it comes
# from the Rust registry inside the `litesvm` crate, checked against the registry index's
# checksum, and is cached under ~/.cache/diem-p-token. SBPF v0, so solana-program-test 3.1.12
# runs it as it runs SPL Token 3.5.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CRATE=litesvm-0.17.0
SHA256=f223c0ac2ac307d1f9ba0fcfeaa5a34f216fa5e25d5fdd1e22f898e6785a8bab
CACHE=${DIEM_P_TOKEN_CACHE:-$HOME/.cache/diem-p-token}
mkdir -p "$CACHE" "$ROOT/target/deploy"
if ! echo "$SHA256  $CACHE/$CRATE.crate" | sha256sum -c --quiet > /dev/null 2>&1; then
  curl -fsSL --retry 3 -o "$CACHE/$CRATE.crate.part" "https://static.crates.io/crates/litesvm/$CRATE.crate"
  echo "$SHA256  $CACHE/$CRATE.crate.part" | sha256sum -c --quiet \
    || { echo "fetch-p-token: $CRATE.crate does not match the registry's checksum" >&2; exit 1; }
  mv "$CACHE/$CRATE.crate.part" "$CACHE/$CRATE.crate"
fi
tar -xzOf "$CACHE/$CRATE.crate" "$CRATE/src/programs/elf/pinocchio_token_program.so" > "$ROOT/target/deploy/p_token.so"
echo "p-token from $CRATE: target/deploy/p_token.so ($(stat -c %s "$ROOT/target/deploy/p_token.so") bytes)"
