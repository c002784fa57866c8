#!/bin/sh
# Builds jaccel-inject (the hook's single-threaded helper) into $1 (hook/target/native). gcc only.
set -eu
out=${1:?usage: build.sh OUTPUT_DIR}
src=$(cd "$(dirname "$0")" && pwd)
CC=${CC:-gcc}
# hardened: stack protector, fortified libc calls, PIE, read-only relocations
CFLAGS="-std=c11 -O2 -Wall -Wextra -Werror -Wformat=2 -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE"
mkdir -p "$out"
"$CC" $CFLAGS -pie -Wl,-z,relro,-z,now -o "$out/jaccel-inject" "$src/jaccel-inject.c"
echo "hook: $out/jaccel-inject"
