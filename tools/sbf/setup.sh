#!/usr/bin/env bash
# Reproducible, registry-only setup of an "upstream LLVM -> SBPF v0" Solana toolchain
# (the registry-only SBF route, kept in the repository so it builds its .so on a fresh machine).
# Idempotent: each step is skipped when its result is already in PREFIX.
# Debian bookworm(-security) apt + crates.io only.  Usage: setup.sh [PREFIX]   (default: dir of this script)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PREFIX="${1:-$HERE}"
mkdir -p "$PREFIX"
cd "$PREFIX"

# 1. Debian packages: rustc/cargo 1.96 built against system LLVM 22, Rust library sources, LLVM 22 dev files.
if ! /usr/bin/rustc -V 2>/dev/null | grep -q '^rustc 1.96'; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    rustc-web cargo-web rust-web-src libstd-rust-web-dev-bpf llvm-22-dev libclang-cpp22 patch
fi
test -d /usr/src/rustc-1.96.0/library || { echo "rust-web-src missing"; exit 1; }
test -x /usr/lib/llvm-22/bin/llvm-config || { echo "llvm-22-dev missing"; exit 1; }

# 2. Pristine crate sources of sbpf-linker 0.2.6 and bpf-linker 0.13.0 from crates.io (via cargo).
mkdir -p "$PREFIX/tools/.fetch/src"
cat > "$PREFIX/tools/.fetch/Cargo.toml" <<'TOML'
[package]
name = "fetch-linkers"
version = "0.0.0"
edition = "2021"
publish = false
[dependencies]
sbpf-linker = { version = "=0.2.6", default-features = false }
bpf-linker = { version = "=0.13.0", default-features = false }
TOML
touch "$PREFIX/tools/.fetch/src/lib.rs"
(cd "$PREFIX/tools/.fetch" && /usr/bin/cargo fetch -q)
srcdir() { (cd "$PREFIX/tools/.fetch" && /usr/bin/cargo metadata -q --format-version 1) |
  python3 -c "import sys,json,os;d=json.load(sys.stdin);print([os.path.dirname(p['manifest_path']) for p in d['packages'] if p['name']=='$1' and p['version']=='$2'][0])"; }
for spec in bpf-linker:0.13.0 sbpf-linker:0.2.6; do
  name=${spec%%:*}; ver=${spec##*:}
  if [ ! -f "$PREFIX/tools/$name/.patched" ]; then
    rm -rf "$PREFIX/tools/$name"; cp -r "$(srcdir $name $ver)" "$PREFIX/tools/$name"
    (cd "$PREFIX/tools/$name" && patch -p1 < "$HERE/patches/$name-$ver.patch") && touch "$PREFIX/tools/$name/.patched"
  fi
done

# 3. Build the patched sbpf-linker against Debian's libLLVM 22 (the host stable toolchain is fine;
#    any rustc >= 1.85 works, e.g. Debian's /usr/bin/cargo 1.96). Skipped when already built.
LINKER="$PREFIX/tools/sbpf-linker/target/release/sbpf-linker"
if [ ! -x "$LINKER" ]; then
  rm -f "$PREFIX/tools/sbpf-linker/rust-toolchain.toml"   # pins a nightly we cannot download
  (cd "$PREFIX/tools/sbpf-linker" && CARGO_TARGET_DIR=target RUSTC=/usr/bin/rustc LLVM_PREFIX=/usr/lib/llvm-22 LLVM_SYS_221_PREFIX=/usr/lib/llvm-22 \
    /usr/bin/cargo build --release --no-default-features --features system-llvm-22)
fi
"$LINKER" --version

# 4. Patched copy of Rust 1.96 library/ so std builds for target_os = "solana" (used by -Zbuild-std).
if [ ! -f "$PREFIX/rust-src/.patched" ]; then
  rm -rf "$PREFIX/rust-src"; mkdir -p "$PREFIX/rust-src"
  cp -a /usr/src/rustc-1.96.0/library "$PREFIX/rust-src/library"
  (cd "$PREFIX/rust-src/library" && patch -p1 < "$HERE/patches/rust-1.96.0-library-target_os-solana.patch")
  touch "$PREFIX/rust-src/.patched"
fi

# 5. Target spec + build wrapper.
mkdir -p "$PREFIX/targets"
[ "$PREFIX" = "$HERE" ] || { cp "$HERE/targets/bpfel-solana-solana.json" "$PREFIX/targets/"; cp "$HERE/build-sbpf.sh" "$PREFIX/"; }
echo "OK: run SBF_TOOLS=$PREFIX $PREFIX/build-sbpf.sh inside a program crate"
