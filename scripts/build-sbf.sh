#!/usr/bin/env bash
# Builds the on-chain programs to SBPF v0 .so files in target/deploy/ with the portable,
# registry-only toolchain in tools/sbf (Debian rustc-web on LLVM 22 + a patched sbpf-linker).
# The toolchain is set up once under $SBF_TOOLS (default ~/.cache/diem-sbf); later runs reuse it.
# Where Solana's own tools are installed, `anchor build` / `cargo build-sbf` build the same crates.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export SBF_TOOLS=${SBF_TOOLS:-$HOME/.cache/diem-sbf}
bash "$ROOT/tools/sbf/setup.sh" "$SBF_TOOLS"
# The linker keeps each program's linked object (with symbols) beside its .so, for
# scripts/size-breakdown.sh. The wrapper is copied into the toolchain folder so its path, part
# of RUSTFLAGS, is the same from every clone (a new path would rebuild everything).
cmp -s "$ROOT/tools/sbf/keep-object-linker.sh" "$SBF_TOOLS/keep-object-linker.sh" \
  || install -m 755 "$ROOT/tools/sbf/keep-object-linker.sh" "$SBF_TOOLS/keep-object-linker.sh"
export REAL_SBPF_LINKER="$SBF_TOOLS/tools/sbpf-linker/target/release/sbpf-linker"
export SBPF_LINKER="$SBF_TOOLS/keep-object-linker.sh"
# Debian's cargo/rustc and rustup's must not share a target directory.
export CARGO_TARGET_DIR=${SBF_TARGET_DIR:-$HOME/.cache/diem-sbf-target}
# Optimise for size: at opt-level 3, fat LTO inlines so much into the entrypoint that a branch
# spans more than SBPF v0's 16-bit jump offsets ("Branch target out of insn range"). "s" against
# "z" is weighed in LEAN.md (DIEM_SBF_OPT_LEVEL=z builds the other).
export CARGO_PROFILE_RELEASE_OPT_LEVEL=${DIEM_SBF_OPT_LEVEL:-s}
# sbpf-linker writes <workspace>/target/deploy/<crate>.so (cargo runs it from the workspace root).
# DIEM_SBF_CRATES limits the build to some crates; DIEM_SBF_FEATURES adds cargo features to
# programs/diem (scripts/bench-cu.sh builds a `cu-trace` diem.so that way).
for crate in ${DIEM_SBF_CRATES:-programs/diem tests/programs/cu-reference tests/programs/diem-vault tests/programs/diem-attacker}; do
  name=$(basename "$crate" | tr - _)
  # The linker runs only when cargo rebuilds: a .so deleted since the last build needs a touch.
  [ -f "$ROOT/target/deploy/$name.so" ] || touch "$ROOT/$crate/src/lib.rs"
  features=()
  # diem's deployed build enters through its own lean entrypoint (programs/diem/src/entrypoint.rs).
  if [ "$crate" = programs/diem ]; then features=(--features "lean-entrypoint${DIEM_SBF_FEATURES:+,$DIEM_SBF_FEATURES}"); fi
  (cd "$ROOT/$crate" && bash "$SBF_TOOLS/build-sbpf.sh" "${features[@]}")
  echo "built target/deploy/$name.so ($(stat -c %s "$ROOT/target/deploy/$name.so") bytes)"
done
