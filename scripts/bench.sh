#!/bin/sh
# Runs the JMH suites on the simulated DGX H100 (fake libnvidia-ml.so.1, testkit/README.md) and the C floor
# of the per-call suite, then summarises both against the targets (docs/perf/README.md).
#
#   scripts/bench.sh [JMH ARGS...]      full run; results in benchmarks/target/jmh/ (without arguments:
#                                       the cold suite with its 10 forks, then the rest, with
#                                       $JMH_OPTS added, e.g. JMH_OPTS="-f 1" on a busy machine)
#   scripts/bench.sh --smoke            every benchmark once, briefly (what `verify` runs in CI):
#                                       fails unless every listed benchmark produced a result
#
# JMH forks cannot set their own environment, so the fake's config and the library location are
# set here and inherited by every fork (BenchHost writes the config before the first nvmlInit).
# Set JACCEL_NVML_LIBRARY to a real libnvidia-ml.so.1 (and unset FAKE_NVML_CONFIG) on a GPU host.
set -eu
cd "$(dirname "$0")/.."
repo=$(pwd -P)
JAVA_HOME=$(JAVA_HOME=${JAVA_HOME:-} scripts/java-home.sh)
java="$JAVA_HOME/bin/java"
jar="$repo/benchmarks/target/benchmarks.jar"
out="$repo/benchmarks/target/jmh"
[ -f "$jar" ] || { echo "bench: $jar is missing: build first with ./mvnw -B -q package -DskipTests" >&2; exit 4; }
mkdir -p "$out"
if [ -z "${JACCEL_NVML_LIBRARY:-}" ]; then
  export JACCEL_NVML_LIBRARY="$repo/testkit/target/native/libnvidia-ml.so.1"
  export FAKE_NVML_CONFIG="$out/host/nvml.json"
fi

smoke=false
if [ "${1:-}" = --smoke ]; then
  smoke=true
  shift
fi

# the C floor of NvmlCallBenchmark (same library, same calls)
sh benchmarks/src/main/c/build.sh "$out/native" >/dev/null
JAVA_HOME="$JAVA_HOME" scripts/simulated-host.sh "$out/host" >/dev/null   # writes the fake's config (nvml.json)
if $smoke; then iterations=20000; rounds=1; else iterations=5000000; rounds=7; fi
"$out/native/nvml-call-floor" "$JACCEL_NVML_LIBRARY" $iterations $rounds > "$out/c-floor.json"

if $smoke; then
  # one short iteration per benchmark, one fork each: proves every benchmark runs
  "$java" -jar "$jar" -f 1 -wi 0 -i 1 -r 100ms -foe true -rf json -rff "$out/smoke.json" "$@" > "$out/smoke.log" 2>&1 \
    || { tail -n 40 "$out/smoke.log" >&2; echo "bench: a benchmark failed (full log: $out/smoke.log)" >&2; exit 1; }
  expected=$("$java" -jar "$jar" -l "$@" | grep -c '^dev\.jaccel\.')
  got=$(grep '"benchmark" :' "$out/smoke.json" | sort -u | wc -l)
  if [ "$expected" -eq 0 ] || [ "$got" -ne "$expected" ]; then
    echo "bench: $expected benchmarks listed but $got produced a result (log: $out/smoke.log)" >&2
    exit 1
  fi
  echo "bench: smoke run ok, $got benchmarks ran (results: $out/smoke.json)"
  exit 0
fi

if [ $# -eq 0 ]; then
  # the cold suite with its own forks (one shot each), then the rest
  "$java" -jar "$jar" -foe true -rf json -rff "$out/jmh-cold.json" 'ColdStart' | tee "$out/jmh-cold.log"
  "$java" -jar "$jar" -foe true -rf json -rff "$out/jmh.json" ${JMH_OPTS:-} -e 'ColdStart' | tee "$out/jmh.log"
  results="$out/jmh-cold.json $out/jmh.json"
else
  "$java" -jar "$jar" -foe true -rf json -rff "$out/jmh.json" "$@" | tee "$out/jmh.log"
  results="$out/jmh.json"
fi
"$java" -cp "$jar" dev.jaccel.bench.report.BenchReport "$out/bench.md" "$out/c-floor.json" $results
cat "$out/bench.md"
