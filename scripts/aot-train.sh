#!/bin/sh
# Builds bin/jaccel's class cache (AOT cache on JDK 24+, CDS archive on 22-23) for this JDK and
# these jars: `bin/jaccel aot-train` runs the training with exactly the launcher's java, class path
# and flags. Without arguments it trains on the simulated DGX H100 of the benchmarks (fake NVML,
# fake host root under build/aot-host), which needs a full `./mvnw package`; with `--real` it
# trains against this host's own driver (do that at install time on a GPU machine).
set -eu
cd "$(dirname "$0")/.."
repo=$(pwd -P)

if [ "${1:-}" = --real ]; then
  exec bin/jaccel aot-train
fi

bench_jar="$repo/benchmarks/target/benchmarks.jar"
fake_nvml="$repo/testkit/target/native/libnvidia-ml.so.1"
for f in "$bench_jar" "$fake_nvml" "$repo/hook/target/jaccel-hook.jar"; do
  if [ ! -f "$f" ]; then
    echo "aot-train: $f is missing: build first with ./mvnw -B -q package -DskipTests" >&2
    exit 4
  fi
done
JAVA_HOME=${JAVA_HOME:-$(scripts/java-home.sh)}
host="$repo/build/aot-host"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$bench_jar" dev.jaccel.bench.SimulatedHost "$host" >/dev/null
FAKE_NVML_CONFIG="$host/fake-nvml.json" exec bin/jaccel aot-train \
  --host-root "$host/root" --nvml-library "$fake_nvml"
