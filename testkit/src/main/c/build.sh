#!/bin/sh
# Builds the fake driver libraries into $1 (testkit/target/native). gcc is the only tool needed.
set -eu
out=${1:?usage: build.sh OUTPUT_DIR}
src=$(cd "$(dirname "$0")" && pwd)
CC=${CC:-gcc}
CFLAGS="-std=c11 -D_GNU_SOURCE -O2 -g -fPIC -Wall -Wextra -Werror -Wno-unused-parameter"
mkdir -p "$out"

"$CC" $CFLAGS -shared -Wl,-soname,libnvidia-ml.so.1 -Wl,--no-undefined \
  -o "$out/libnvidia-ml.so.1" "$src/fake_nvml.c" "$src/fake_json.c" -lpthread
if [ -f "$src/fake_nrt.c" ]; then
  "$CC" $CFLAGS -shared -Wl,-soname,libnrt.so.1 -Wl,--no-undefined \
    -o "$out/libnrt.so.1" "$src/fake_nrt.c" "$src/fake_json.c" -lpthread
  # the first public ABI (2022): no *_vnc_count, nrt_get_version, nrt_get_instance_info, nrt_get_status_as_str
  mkdir -p "$out/legacy"
  "$CC" $CFLAGS -DFAKE_NRT_2022_ABI -shared -Wl,-soname,libnrt.so.1 -Wl,--no-undefined \
    -o "$out/legacy/libnrt.so.1" "$src/fake_nrt.c" "$src/fake_json.c" -lpthread
fi
echo "testkit: fake libraries in $out:" $(cd "$out" && ls)
