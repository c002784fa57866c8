#!/bin/sh
# Lays out a simulated host (fake /proc, /sys, /dev tree + configs for the fake libnvidia-ml.so.1
# and libnrt.so.1) from a bundled testkit profile and prints the environment that points jaccel
# at it. Needs a build (testkit/target). Profiles: h100x8-mig, inf1, inf2, trn1-32xl, trn2.
#   eval "$(scripts/simulated-host.sh /tmp/sim h100x8-mig)"
set -eu
dir=${1:?usage: simulated-host.sh DIR [PROFILE]}
profile=${2:-h100x8-mig}
repo=$(cd "$(dirname "$0")/.." && pwd)
JAVA_HOME=${JAVA_HOME:-$("$repo/scripts/java-home.sh")}
cp="$repo/testkit/target/jaccel-testkit.jar"
for jar in "$repo"/testkit/target/lib/*.jar; do cp="$cp:$jar"; done
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -Djaccel.testkit.native="$repo/testkit/target/native" \
  -cp "$cp" dev.jaccel.testkit.SimulatedHost create "$dir" --profile "$profile"
