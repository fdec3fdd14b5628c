#!/usr/bin/env bash
# Runs the core suite natively and as WebAssembly under node and checks that both pass the
# same number of tests and reach the same determinism hash (each side's recorded hash must
# equal the other's). Usage: native_vs_wasm.sh NATIVE_BINARY NODE WASM_JS
set -euo pipefail
native_bin=$1 node=$2 wasm_js=$3
native_out=$("$native_bin" 2>&1) || { echo "native suite failed"; echo "$native_out" | tail -20; exit 1; }
wasm_out=$("$node" "$wasm_js" 2>&1) || { echo "wasm suite failed"; echo "$wasm_out" | tail -20; exit 1; }
count() { grep -oE '^\[  PASSED  \] [0-9]+ test' <<<"$1" | grep -oE '[0-9]+'; }
hash() { grep -oE 'determinism_hash=[0-9a-f]+' <<<"$1" | head -1 | cut -d= -f2; }
n=$(count "$native_out") w=$(count "$wasm_out")
hn=$(hash "$native_out") hw=$(hash "$wasm_out")
echo "native: $n tests passed, hash $hn"
echo "wasm:   $w tests passed, hash $hw"
[ -n "$n" ] && [ "$n" -gt 0 ] || { echo "no native test count found"; exit 1; }
[ "$n" = "$w" ] || { echo "test counts differ"; exit 1; }
[ -n "$hn" ] || { echo "no determinism hash found"; exit 1; }
[ "$hn" = "$hw" ] || { echo "determinism hashes differ: the state machine is not identical on both ends"; exit 1; }
echo "identical"
