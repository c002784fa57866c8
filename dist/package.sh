#!/bin/sh
# Builds the installable distribution: target/jaccel-VERSION-linux-x86_64.tar.gz, which unpacks to
# jaccel-VERSION/ with
#   bin/        jaccel (the repository's launcher, unchanged), nvidia-container-runtime-hook, jaccel-runtime
#               (the runc shim: the native front hook/target/native/jaccel-runtime, not bin/'s sh wrapper)
#   lib/        jaccel-hook.jar and its runtime jars, lib/classpath (their order), lib/native/jaccel-inject
#               (the hook's helper) and jaccel-ask (the hooks' start-service client), lib/aot/ (the AOT caches: the container path's and the rest's)
#   runtime/    a jlink'd Java runtime holding only the JDK modules the jars need (jdeps)
#   share/      systemd units, an example config.toml (every key, its default, what it does)
# The AOT cache is trained here, with the staged launcher and runtime, on the testkit's simulated host;
# `jaccel aot-train` rebuilds it on the installed host. Usage: package.sh VERSION TARGET_DIR
set -eu
version=${1:?usage: package.sh VERSION TARGET_DIR}
target=${2:?usage: package.sh VERSION TARGET_DIR}
repo=$(cd "$(dirname "$0")/.." && pwd -P)
JAVA_HOME=${JAVA_HOME:-$("$repo/scripts/java-home.sh")}
name=jaccel-$version
stage=$target/stage
home=$stage/$name
tarball=$target/$name-linux-x86_64.tar.gz
hook=$repo/hook/target

for f in "$hook/jaccel-hook.jar" "$hook/native/jaccel-inject" "$hook/native/jaccel-runtime" "$hook/native/jaccel-ask" "$repo/testkit/target/jaccel-testkit.jar" "$repo/testkit/target/native/libnvidia-ml.so.1"; do
  [ -f "$f" ] || { echo "dist: $f is missing: run the whole build (./mvnw package)" >&2; exit 2; }
done
rm -rf "$stage" "$tarball"
mkdir -p "$home/bin" "$home/lib" "$home/share/systemd" "$home/share/jaccel"

cp "$repo/bin/jaccel" "$repo/bin/nvidia-container-runtime-hook" "$home/bin/"
# the shim engines start on every container: the C front, which execs runc itself when the spec asks
# for no device (no shell, no grep) and bin/jaccel otherwise (hook/src/main/c/jaccel-runtime.c)
cp "$hook/native/jaccel-runtime" "$home/bin/"
chmod 0755 "$home/bin/"*
cp "$hook/jaccel-hook.jar" "$hook"/lib/*.jar "$home/lib/"
# the hook's single-threaded helper for work inside a container's namespaces, found beside the jar
mkdir -p "$home/lib/native"
# and bin/jaccel's client of the start service (jaccel serve) for hooks
cp "$hook/native/jaccel-inject" "$hook/native/jaccel-ask" "$home/lib/native/"
chmod 0755 "$home/lib/native/jaccel-inject" "$home/lib/native/jaccel-ask"
# the class path in a fixed order, jaccel-hook.jar first: the launcher reads it instead of globbing
{ echo jaccel-hook.jar; cd "$home/lib" && LC_ALL=C ls -1 -- *.jar | grep -vx jaccel-hook.jar; } > "$home/lib/classpath"

# The JDK modules the jars use. jackson-databind and picocli name java.desktop, java.sql and
# java.xml only for optional features (`requires static` in their module-info), which jaccel does
# not use: leaving them out saves ~20 MB. The installed-layout tests run every command on this runtime.
modules=
for jar in "$home"/lib/*.jar; do
  deps=$("$JAVA_HOME/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 22 \
    --module-path "$home/lib" "$jar" | tr ',' ' ')
  optional=$("$JAVA_HOME/bin/jar" --describe-module --file "$jar" --release 22 2>/dev/null \
    | sed -n 's/^requires \([^ ]*\) static.*/\1/p')
  for m in $deps; do
    case $m in java.*|jdk.*) ;; *) continue ;; esac
    printf '%s\n' $optional | grep -qx "$m" && continue
    modules="$modules $m"
  done
done
modules=$(printf '%s\n' $modules | LC_ALL=C sort -u | paste -sd, -)
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --output "$home/runtime"
rm -f "$home/runtime/lib/jrt-fs.jar"   # for tools that read the image from outside; jaccel never does

cp "$repo/dist/src/main/systemd/"* "$home/share/systemd/"
empty=$stage/empty.toml
: > "$empty"
JACCEL_CONFIG="$empty" "$home/bin/jaccel" config show | sed '1,2d' > "$home/share/jaccel/config.toml"
rm -f "$empty"

# Every file gets one whole-second time before the cache is trained: the cache records the jars'
# times, tar keeps whole seconds, and the launcher uses the cache only when it is newer than every
# jar and the runtime's release file (docs/perf/README.md, JDK-8377932).
stamp=$(git -C "$repo" log -1 --format=%ct 2>/dev/null || echo 0)
now=$(date +%s)
[ "$stamp" -gt 0 ] && [ "$stamp" -lt $((now - 60)) ] || stamp=$((now - 60))
find "$home" -exec touch -h -d "@$stamp" {} +

sim=$stage/simulated-host
eval "$(JAVA_HOME="$JAVA_HOME" "$repo/scripts/simulated-host.sh" "$sim" h100x8-mig)"
"$home/bin/jaccel" aot-train --simulated > "$target/aot-train.log" 2>&1 || {
  echo "dist: AOT training failed (see $target/aot-train.log)" >&2; tail -5 "$target/aot-train.log" >&2; exit 1; }
rm -rf "$sim"
ls "$home"/lib/aot/*.aot > /dev/null

tar --sort=name --owner=0 --group=0 --numeric-owner --format=gnu -C "$stage" -cf - "$name" | gzip -9n > "$tarball"
echo "dist: $tarball $(du -k "$tarball" | cut -f1) KiB (unpacked $(du -sk "$home" | cut -f1) KiB; runtime modules $modules)"
# Nothing may depend on where the tarball was made: the staged copy goes, so that a path into it that
# leaked into the cache or a file fails the tests instead of working by accident on the build machine.
rm -rf "$stage"
