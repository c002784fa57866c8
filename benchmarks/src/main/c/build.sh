#!/bin/sh
# Builds the native floors of the benchmarks into $1 (default benchmarks/target/native):
# nvml-call-floor (per-call C floor for NvmlCallBenchmark) and null-hook (latency.sh's floor).
set -eu
src=$(cd "$(dirname "$0")" && pwd)
out=${1:-$src/../../../target/native}
CC=${CC:-gcc}
CFLAGS="-std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror"
mkdir -p "$out"
"$CC" $CFLAGS -o "$out/nvml-call-floor" "$src/nvml_call_floor.c" -ldl
"$CC" $CFLAGS -o "$out/null-hook" "$src/null_hook.c"
echo "benchmarks: native floors in $out:" $(cd "$out" && ls)
