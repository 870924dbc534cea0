#!/usr/bin/env bash
# Runs sbpf-linker so that the linked ELF object, with its symbols, stays beside the .so: the
# linker writes its object to the `-o` path and then the bytecode to <stem>.so, so asking for
# <stem>.o leaves both. scripts/size-breakdown.sh reads the object (the .so carries no symbols).
set -euo pipefail
args=()
next_is_output=0
for arg in "$@"; do
  if [ "$next_is_output" = 1 ] && [[ "$arg" == *.so ]]; then arg="${arg%.so}.o"; fi
  next_is_output=0
  [ "$arg" = "-o" ] && next_is_output=1
  args+=("$arg")
done
exec "${REAL_SBPF_LINKER:?}" "${args[@]}"
