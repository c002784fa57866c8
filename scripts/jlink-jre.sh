#!/bin/sh
# Builds <repo>/build/jre: a jlink'd runtime with only the JDK modules jaccel's jars use (found
# with jdeps), which bin/jaccel picks up before any other Java. Run after
#   ./mvnw -B -q package -DskipTests
# Usage: scripts/jlink-jre.sh [OUTPUT_DIR]   (default build/jre; an existing one is replaced)
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$repo/build/jre}
JAVA_HOME=${JAVA_HOME:-$("$repo/scripts/java-home.sh")}
lib=$repo/hook/target
if [ ! -f "$lib/jaccel-hook.jar" ]; then
  echo "jlink-jre: $lib/jaccel-hook.jar is missing: build first with ./mvnw -B -q package -DskipTests" >&2
  exit 2
fi
# Every jar bin/jaccel puts on the class path; release 22 is what the code is compiled for.
modules=$("$JAVA_HOME/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 22 \
  "$lib/jaccel-hook.jar" "$lib"/lib/*.jar)
# jdk.zipfs is not needed; java.base already has java.lang.foreign.
echo "jlink-jre: modules $modules"
rm -rf "$out"
mkdir -p "$(dirname "$out")"
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-6 --output "$out"
echo "jlink-jre: $(du -sh "$out" | cut -f1) runtime in $out ($("$out/bin/java" -version 2>&1 | head -1))"
