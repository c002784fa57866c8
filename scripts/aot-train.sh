#!/bin/sh
# Builds bin/jaccel's class cache (AOT cache on JDK 24+, CDS archive on 22-23) for this JDK and
# these jars: `bin/jaccel aot-train` runs the training with exactly the launcher's java, class path
# and flags. Without arguments it trains on the testkit's simulated host (h100x8-mig: 8 x H100,
# MIG on two; fake NVML; host root under build/aot-host), which needs a full `./mvnw package`;
# with `--real` it trains against this host's own driver, read-only (at install time on a GPU host).
set -eu
cd "$(dirname "$0")/.."
repo=$(pwd -P)

if [ "${1:-}" = --real ]; then
  exec bin/jaccel aot-train
fi

for f in "$repo/testkit/target/jaccel-testkit.jar" "$repo/testkit/target/native/libnvidia-ml.so.1" \
    "$repo/hook/target/jaccel-hook.jar"; do
  if [ ! -f "$f" ]; then
    echo "aot-train: $f is missing: build first with ./mvnw -B -q package -DskipTests" >&2
    exit 4
  fi
done
JAVA_HOME=${JAVA_HOME:-$(scripts/java-home.sh)}
host="$repo/build/aot-host"
eval "$(JAVA_HOME="$JAVA_HOME" scripts/simulated-host.sh "$host" h100x8-mig)"   # FAKE_NVML_CONFIG, JACCEL_*
exec bin/jaccel aot-train --simulated
