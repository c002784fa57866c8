#!/bin/sh
# Builds jaccel-inject (the hook's single-threaded helper), jaccel-runtime (the runc shim's
# no-JVM front, installed as bin/jaccel-runtime) and jaccel-ask (bin/jaccel's client of the start
# service for hooks) into $1 (hook/target/native). gcc only.
set -eu
out=${1:?usage: build.sh OUTPUT_DIR}
src=$(cd "$(dirname "$0")" && pwd)
CC=${CC:-gcc}
# hardened: stack protector, fortified libc calls, PIE, read-only relocations
CFLAGS="-std=c11 -O2 -Wall -Wextra -Werror -Wformat=2 -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE"
mkdir -p "$out"
"$CC" $CFLAGS -pie -Wl,-z,relro,-z,now -o "$out/jaccel-inject" "$src/jaccel-inject.c"
echo "hook: $out/jaccel-inject"
# static PIE: it runs on every container start, and without the dynamic loader its exec is ~1 ms
# shorter here and no LD_PRELOAD of the engine's environment is loaded into it
"$CC" $CFLAGS -static-pie -Wl,-z,relro,-z,now -o "$out/jaccel-runtime" "$src/jaccel-runtime.c" "$src/start_service.c"
echo "hook: $out/jaccel-runtime"
# bin/jaccel's client of the start service for hooks (jaccel serve), static for the same reasons
"$CC" $CFLAGS -static-pie -Wl,-z,relro,-z,now -o "$out/jaccel-ask" "$src/jaccel-ask.c" "$src/start_service.c"
echo "hook: $out/jaccel-ask"
