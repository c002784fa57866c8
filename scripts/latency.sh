#!/usr/bin/env bash
# Start latency of the container path, side by side in one hyperfine run (median of RUNS runs):
#   c-null-hook          a C program that reads the OCI state from stdin and exits (the floor)
#   jvm-floor            a Java class doing the same, with bin/jaccel's JVM flags and its own AOT cache
#   hook-plain           bin/jaccel hook prestart, container asks for no accelerator
#   hook-void            the same with NVIDIA_VISIBLE_DEVICES=void: answered by the launcher, no JVM
#   hook-8gpu-snapshot   bin/jaccel hook prestart alone, 8 GPUs + driver files injected, inventory from the snapshot
#   hook-8gpu-nvml       the same without a snapshot (NVML through FFM, fake libnvidia-ml.so.1)
#   runc-run             runc run of a busybox container (root only): the container without GPUs
#   runtime-run          jaccel-runtime run of the same container, the shim as engines run it (the native
#                        front hook/target/native/jaccel-runtime, installed as bin/jaccel-runtime): it execs runc
#   runtime-run-void     the same with NVIDIA_VISIBLE_DEVICES=void (front execs runc, no JVM)
#   runtime-run-8gpu     jaccel-runtime run of a CUDA-image container: front, launcher, JVM edits the spec for 8 GPUs, runc
#   runc-run-8gpu-spec   runc run of the spec as runtime-run-8gpu left it: runc's own cost of the GPUs
#   runc-hook-8gpu       runc run of that container with bin/jaccel as its only OCI hook (prestart), as Docker's
#                        --gpus and podman's hooks.d run it: the hook creates the nodes and mounts the driver files
# on the testkit's simulated host (h100x8-mig: 8 x H100 80GB HBM3, MIG on two, fake NVML). A piece that does not
# exist or fails its probe run is reported as "not available" with the reason, never estimated.
#
# The hook-alone rows run as prestart runs: the state names a live process in a mount namespace and
# a cgroup v1 devices group of its own (a container's init before pivot_root), so the hook really
# creates the 8 GPU nodes in that namespace, bind-mounts the driver files there and writes the allow
# rules. Needs root, util-linux unshare and the devices controller.
# Usage: scripts/latency.sh [--flags] [OUT_DIR]    (default build/latency; env RUNS=30 WARMUP=3)
# Writes OUT_DIR/latency.json, latency.md (table of medians and ratios) and latency.svg (chart).
# --flags also measures the JVM flag choices of bin/jaccel one by one (OUT_DIR/jvm-flags/), each
# with an AOT cache trained with exactly that flag set.
# Needs a full build (./mvnw -B -q package -DskipTests), gcc and hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd -P)
flags_too=false
if [ "${1:-}" = --flags ]; then flags_too=true; shift; fi
out=$(mkdir -p "${1:-build/latency}" && cd "${1:-build/latency}" && pwd -P)
RUNS=${RUNS:-30}
WARMUP=${WARMUP:-3}
work="$repo/build/latency-work"

die() { echo "latency: $*" >&2; exit 4; }
command -v hyperfine >/dev/null || die "hyperfine is not installed (apt-get install hyperfine)"
command -v gcc >/dev/null || die "gcc is not installed"
JAVA_HOME=$(JAVA_HOME=${JAVA_HOME:-} scripts/java-home.sh) || die "no JDK 22+ found"
export JACCEL_JAVA_HOME="$JAVA_HOME"      # bin/jaccel and the JVM floor use the same JDK
bench_jar="$repo/benchmarks/target/benchmarks.jar"
fake_nvml="$repo/testkit/target/native/libnvidia-ml.so.1"
for f in "$bench_jar" "$fake_nvml" "$repo/hook/target/jaccel-hook.jar"; do
  [ -f "$f" ] || die "$f is missing: build first with ./mvnw -B -q package -DskipTests"
done
# bin/jaccel's JVM flags, read from the launcher so the floor cannot drift from it
JVM_FLAGS=$(sed -n 's/^JVM_FLAGS="\(.*\)"$/\1/p' bin/jaccel | head -n 1)
[ -n "$JVM_FLAGS" ] || die "cannot read JVM_FLAGS from bin/jaccel"
# and its locale: the floor and the class-load checks run their JVMs as the launcher runs its own
JVM_LOCALE=$(sed -n 's/^JVM_LOCALE=\(.*\)$/\1/p' bin/jaccel | head -n 1)
[ -n "$JVM_LOCALE" ] || die "cannot read JVM_LOCALE from bin/jaccel"
export LC_ALL=$JVM_LOCALE

rm -rf "$work" && mkdir -p "$work"
java="$JAVA_HOME/bin/java"

# --- the simulated host, its state documents and bundles -------------------------------------
host="$work/host"
eval "$(JAVA_HOME="$JAVA_HOME" scripts/simulated-host.sh "$host" h100x8-mig)"   # exports FAKE_NVML_CONFIG, JACCEL_*

make_bundle() {   # DIR ENV_JSON_ARRAY: an OCI bundle with a busybox rootfs running `true` (runc spec's shape)
  local dir=$1 env=$2
  mkdir -p "$dir/rootfs/bin" "$dir/rootfs/etc" "$dir/rootfs/dev"   # /etc: the ldconfig of the CUDA path writes there
  if command -v busybox >/dev/null; then
    cp "$(command -v busybox)" "$dir/rootfs/bin/busybox"
    ln -sf busybox "$dir/rootfs/bin/true"
  fi
  cat > "$dir/config.json" <<JSON
{"ociVersion":"1.0.2","process":{"terminal":false,"user":{"uid":0,"gid":0},"args":["/bin/true"],
"env":$env,"cwd":"/","capabilities":{"bounding":["CAP_KILL"],"effective":["CAP_KILL"],"permitted":["CAP_KILL"]},
"noNewPrivileges":true},"root":{"path":"rootfs"},"hostname":"bench",
"mounts":[{"destination":"/proc","type":"proc","source":"proc"},
{"destination":"/dev","type":"tmpfs","source":"tmpfs","options":["nosuid","strictatime","mode=755","size=65536k"]}],
"linux":{"resources":{"devices":[{"allow":false,"access":"rwm"}]},
"namespaces":[{"type":"pid"},{"type":"ipc"},{"type":"uts"},{"type":"mount"}]}}
JSON
  cp "$dir/config.json" "$dir/config.orig.json"
}
make_bundle "$work/plain" '["PATH=/bin"]'
make_bundle "$work/void" '["PATH=/bin","NVIDIA_VISIBLE_DEVICES=void","CUDA_VERSION=12.4.1"]'
gpu_env='["PATH=/bin","NVIDIA_VISIBLE_DEVICES=all","NVIDIA_DRIVER_CAPABILITIES=compute,utility","CUDA_VERSION=12.4.1","NVIDIA_REQUIRE_CUDA=cuda>=12.4 brand=tesla,driver>=470,driver<471 brand=tesla,driver>=525,driver<526 brand=tesla,driver>=535,driver<536"]'
make_bundle "$work/gpus" "$gpu_env"
# the same container with jaccel as its only OCI hook (explicit env: a hook never inherits the runtime's)
# the start service (jaccel serve, as the jaccel-serve unit runs it): only the rows named "start
# service" use it; every other row points JACCEL_SOCKET where nothing listens, so it runs the JVM
service_socket="$work/start.sock"
export JACCEL_SOCKET="$work/no-service.sock"
hook_bundle() {   # DIR SOCKET: the GPU container with jaccel as its only (prestart) hook
  make_bundle "$1" "$gpu_env"
  local hook_env="[\"PATH=/usr/bin:/bin\",\"JACCEL_JAVA_HOME=$JAVA_HOME\",\"JACCEL_HOST_ROOT=$JACCEL_HOST_ROOT\",\"JACCEL_SNAPSHOT=$work/inventory.json\",\"JACCEL_NVML_LIBRARY=$JACCEL_NVML_LIBRARY\",\"FAKE_NVML_CONFIG=$FAKE_NVML_CONFIG\",\"JACCEL_SOCKET=$2\"]"
  sed -i "s|\"linux\":{|\"hooks\":{\"prestart\":[{\"path\":\"$repo/bin/jaccel\",\"args\":[\"jaccel\",\"hook\",\"prestart\"],\"env\":$hook_env,\"timeout\":30}]},\"linux\":{|" "$1/config.json"
  cp "$1/config.json" "$1/config.orig.json"
}
hook_bundle "$work/hookgpus" "$JACCEL_SOCKET"
hook_bundle "$work/hookgpus-served" "$service_socket"
state() {   # BUNDLE PID: the OCI state a runtime writes to a hook's stdin
  printf '{"ociVersion":"1.0.2","id":"jaccel-bench","status":"creating","pid":%d,"bundle":"%s","annotations":{}}' "$2" "$1"
}
# the "container" process of the GPU hooks: a sleeper in a devices cgroup of its own
sleeper= cgroup=
service=
cleanup() {
  if [ -n "$service" ]; then kill "$service" 2>/dev/null; wait "$service" 2>/dev/null || true; fi
  if [ -n "$sleeper" ]; then kill "$sleeper" 2>/dev/null; wait "$sleeper" 2>/dev/null || true; fi
  if [ -n "$cgroup" ]; then rmdir "$cgroup" 2>/dev/null || true; fi
  return 0
}
trap cleanup EXIT
gpu_container_reason=
if [ "$(id -u)" -ne 0 ]; then
  gpu_container_reason="needs root (device nodes and cgroup rules)"
elif [ ! -w /sys/fs/cgroup/devices/cgroup.procs ]; then
  gpu_container_reason="needs the cgroup v1 devices controller at /sys/fs/cgroup/devices"
else
  unshare --mount --propagation private sleep 86400 & sleeper=$!
  cgroup="/sys/fs/cgroup/devices/jaccel-bench-$$"
  mkdir -p "$cgroup" && echo "$sleeper" > "$cgroup/cgroup.procs"
  # the hook checks that the state's pid is in the cgroup the spec names
  sed -i "s|\"linux\":{|\"linux\":{\"cgroupsPath\":\"/jaccel-bench-$$\",|" "$work/gpus/config.json"
  cp "$work/gpus/config.json" "$work/gpus/config.state.json"
fi
state "$work/plain" "$$" > "$work/state-plain.json"
state "$work/void" "$$" > "$work/state-void.json"
state "$work/gpus" "${sleeper:-$$}" > "$work/state-gpus.json"
# before each run: a fresh /dev (the hook-alone rows create nodes in the rootfs itself) and the unedited spec
reset_gpu_rootfs="rm -rf $work/gpus/rootfs/dev && mkdir -p $work/gpus/rootfs/dev && cp $work/gpus/config.state.json $work/gpus/config.json"
reset_gpu_bundle="cp $work/gpus/config.orig.json $work/gpus/config.json"

# --- floors ----------------------------------------------------------------------------------
sh benchmarks/src/main/c/build.sh "$work/native" >/dev/null
mkdir -p "$work/floor/classes"
"$JAVA_HOME/bin/javac" --release 22 -d "$work/floor/classes" benchmarks/src/latency/java/JvmFloor.java
"$JAVA_HOME/bin/jar" cf "$work/floor/floor.jar" -C "$work/floor/classes" .
floor_cache=
if [ "$("$java" -XX:+PrintFlagsFinal -version 2>/dev/null | grep -c ' AOTCacheOutput ')" -gt 0 ]; then
  "$java" $JVM_FLAGS -Xlog:aot=error:stderr -XX:AOTCacheOutput="$work/floor/floor.aot" --enable-native-access=ALL-UNNAMED \
    -cp "$work/floor/floor.jar" JvmFloor < "$work/state-plain.json" >/dev/null 2>&1
  floor_cache="-XX:AOTCache=$work/floor/floor.aot"
fi

# --- jaccel's own class cache, trained on this simulated host --------------------------------
scripts/aot-train.sh >"$work/aot-train.log" 2>&1 || echo "latency: aot-train failed (see $work/aot-train.log); measuring without a cache" >&2

# --- probe every command once, then measure the ones that work --------------------------------
entries="$work/entries.tsv"; : > "$entries"
hf_args=()
probe() {   # NAME LABEL PREPARE COMMAND
  local name=$1 label=$2 prepare=$3 cmd=$4 err rc=0
  sh -c "$prepare" >/dev/null 2>&1 || true
  err=$(sh -c "$cmd" 2>&1 >/dev/null) || rc=$?
  if [ $rc -eq 0 ]; then
    printf '%s\t%s\tavailable\t%s\n' "$name" "$label" "$cmd" >> "$entries"
    hf_args+=(--prepare "$prepare" -n "$name" "$cmd")
  else
    err=$(printf '%s' "$err" | grep -v '^[[:space:]]*$' | head -n 1 | cut -c1-160)
    printf '%s\t%s\tunavailable\t%s\n' "$name" "$label" "exit $rc: ${err:-no message}" >> "$entries"
    echo "latency: $name not available: ${err:-no message}" >&2
  fi
}
unavailable() {   # NAME LABEL REASON
  printf '%s\t%s\tunavailable\t%s\n' "$1" "$2" "$3" >> "$entries"
  echo "latency: $1 not available: $3" >&2
}

jaccel="$repo/bin/jaccel"
probe c-null-hook "C null hook (floor)" true "$work/native/null-hook < $work/state-plain.json"
probe jvm-floor "JVM floor (reads stdin, AOT cache)" true \
  "$java $JVM_FLAGS $floor_cache --enable-native-access=ALL-UNNAMED -cp $work/floor/floor.jar JvmFloor < $work/state-plain.json"
probe hook-plain "jaccel hook prestart, no GPU requested" true "$jaccel hook prestart < $work/state-plain.json"
probe hook-void "jaccel hook prestart, NVIDIA_VISIBLE_DEVICES=void" true "$jaccel hook prestart < $work/state-void.json"

# the snapshot: written by `jaccel inventory refresh` (or cdi generate) where the hook looks for it
snapshot="$work/inventory.json"
# the start service, with the same locations as the rows that use it
JACCEL_SNAPSHOT="$snapshot" "$jaccel" inventory refresh >/dev/null 2>&1 || true
service_reason=
JACCEL_SNAPSHOT="$snapshot" JACCEL_SOCKET="$service_socket" "$jaccel" serve > "$work/serve.log" 2>&1 & service=$!
for _ in $(seq 300); do grep -q 'answering container starts' "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
if ! grep -q 'answering container starts' "$work/serve.log"; then
  service_reason="jaccel serve did not start: $(head -n 1 "$work/serve.log" | cut -c1-160)"
  kill "$service" 2>/dev/null; service=
fi
if [ -n "$gpu_container_reason" ]; then
  unavailable hook-8gpu-snapshot "jaccel hook prestart, 8 GPUs, from snapshot" "$gpu_container_reason"
  unavailable hook-8gpu-nvml "jaccel hook prestart, 8 GPUs, NVML via FFM" "$gpu_container_reason"
else
  if JACCEL_SNAPSHOT="$snapshot" "$jaccel" inventory refresh >/dev/null 2>"$work/snapshot.err"; then
    # the snapshot row counts only if the hook really reads it: it must succeed with no NVML at all
    sh -c "$reset_gpu_rootfs"
    if JACCEL_SNAPSHOT="$snapshot" JACCEL_NVML_LIBRARY="$work/no-libnvidia-ml.so.1" \
        "$jaccel" hook prestart < "$work/state-gpus.json" >/dev/null 2>"$work/snapshot-use.err"; then
      probe hook-8gpu-snapshot "jaccel hook prestart, 8 GPUs, from snapshot" "$reset_gpu_rootfs" \
        "JACCEL_SNAPSHOT=$snapshot $jaccel hook prestart < $work/state-gpus.json"
    else
      unavailable hook-8gpu-snapshot "jaccel hook prestart, 8 GPUs, from snapshot" \
        "the hook does not use the snapshot (with no NVML it fails: $(head -n 1 "$work/snapshot-use.err" | cut -c1-120))"
    fi
  else
    unavailable hook-8gpu-snapshot "jaccel hook prestart, 8 GPUs, from snapshot" \
      "jaccel inventory refresh failed: $(head -n 1 "$work/snapshot.err" | cut -c1-160)"
  fi
  if [ -n "$service" ]; then
    probe hook-8gpu-served "jaccel hook prestart, 8 GPUs, by the start service" "$reset_gpu_rootfs" \
      "JACCEL_SNAPSHOT=$snapshot JACCEL_SOCKET=$service_socket $jaccel hook prestart < $work/state-gpus.json"
  fi
  # no snapshot at the path the hook reads: it falls back to NVML through FFM
  probe hook-8gpu-nvml "jaccel hook prestart, 8 GPUs, NVML via FFM" "$reset_gpu_rootfs" \
    "JACCEL_SNAPSHOT=$work/no-snapshot.json $jaccel hook prestart < $work/state-gpus.json"
fi

if [ "$(id -u)" -ne 0 ]; then
  unavailable runc-run "runc run, busybox" "needs root"
  unavailable runtime-run "jaccel runtime run, busybox" "needs root"
  unavailable runtime-run-8gpu "jaccel runtime run, busybox, 8 GPUs" "needs root"
elif ! command -v runc >/dev/null; then
  unavailable runc-run "runc run, busybox" "runc is not installed"
  unavailable runtime-run "jaccel runtime run, busybox" "runc is not installed"
  unavailable runtime-run-8gpu "jaccel runtime run, busybox, 8 GPUs" "runc is not installed"
else
  runc_root="$work/runc-state"
  reset="cp $work/plain/config.orig.json $work/plain/config.json"
  probe runc-run "runc run, busybox" "$reset" "runc --root $runc_root run -b $work/plain jaccel-bench-runc"
  probe runtime-run "jaccel runtime run, busybox" "$reset" \
    "JACCEL_RUNTIME=$(command -v runc) $repo/hook/target/native/jaccel-runtime --root $runc_root run -b $work/plain jaccel-bench-shim"
  probe runtime-run-void "jaccel runtime run, busybox, NVIDIA_VISIBLE_DEVICES=void" true \
    "JACCEL_RUNTIME=$(command -v runc) $repo/hook/target/native/jaccel-runtime --root $runc_root run -b $work/void jaccel-bench-void"
  probe runtime-run-8gpu "jaccel runtime run, busybox, 8 GPUs" "$reset_gpu_bundle" \
    "JACCEL_SNAPSHOT=$snapshot JACCEL_RUNTIME=$(command -v runc) $repo/hook/target/native/jaccel-runtime --root $runc_root run -b $work/gpus jaccel-bench-gpus"
  if [ -n "$service" ]; then
    probe runtime-run-8gpu-served "jaccel runtime run, busybox, 8 GPUs, by the start service" "$reset_gpu_bundle" \
      "JACCEL_SNAPSHOT=$snapshot JACCEL_SOCKET=$service_socket JACCEL_RUNTIME=$(command -v runc) $repo/hook/target/native/jaccel-runtime --root $runc_root run -b $work/gpus jaccel-bench-served"
  else
    unavailable runtime-run-8gpu-served "jaccel runtime run, busybox, 8 GPUs, by the start service" "$service_reason"
  fi
  # runc's own work for the GPU container (11 device nodes, the driver-file mounts): runc run of the
  # spec exactly as the shim left it, so the row above splits into jaccel's share and runc's
  if grep -q '"/dev/nvidia0"' "$work/gpus/config.json"; then
    cp "$work/gpus/config.json" "$work/gpus/config.edited.json"
    probe runc-run-8gpu-spec "runc run of the spec jaccel edited for 8 GPUs" "cp $work/gpus/config.edited.json $work/gpus/config.json" \
      "runc --root $runc_root run -b $work/gpus jaccel-bench-spec"
  else
    unavailable runc-run-8gpu-spec "runc run of the spec jaccel edited for 8 GPUs" "runtime-run-8gpu left no edited spec"
  fi
  probe runc-hook-8gpu "runc run, busybox, 8 GPUs by jaccel's prestart hook" true \
    "runc --root $runc_root run -b $work/hookgpus jaccel-bench-hook"
  if [ -n "$service" ]; then
    probe runc-hook-8gpu-served "runc run, busybox, 8 GPUs by jaccel's prestart hook, by the start service" true \
      "runc --root $runc_root run -b $work/hookgpus-served jaccel-bench-hook-served"
  else
    unavailable runc-hook-8gpu-served "runc run, busybox, 8 GPUs by jaccel's prestart hook, by the start service" "$service_reason"
  fi
fi

# --- does the AOT cache serve the container path? A class-load log of the shim's JVM (8 GPUs, from the
# snapshot) and of the hook's: every class should come from the cache ("shared objects file")
aot_check() {   # NAME COMMAND...: prints "NAME: N classes not from the AOT cache" and keeps the list
  log="$work/classload-$1.txt"; name=$1; shift
  JAVA_TOOL_OPTIONS= "$@" >/dev/null 2>&1 || true
  if [ -f "$log" ]; then
    n=$(grep -vc 'shared objects file' "$log" || true)
    echo "$name: $n of $(wc -l < "$log") classes not from the AOT cache"
  fi
}
CP="$repo/hook/target/jaccel-hook.jar"; for jar in "$repo"/hook/target/lib/*.jar; do CP="$CP:$jar"; done
start_cache=$(ls "$repo"/hook/target/aot/*-start.aot 2>/dev/null | head -n 1)
aot_served=
if [ -n "$start_cache" ] && [ -z "$gpu_container_reason" ]; then
  sh -c "$reset_gpu_bundle"
  aot_served="$(aot_check runtime env JACCEL_SNAPSHOT="$snapshot" "$java" $JVM_FLAGS -XX:AOTCache="$start_cache" \
    -Xlog:class+load:file="$work/classload-runtime.txt" --enable-native-access=ALL-UNNAMED -Djaccel.exec=launcher \
    -cp "$CP" dev.jaccel.hook.Main runtime run -b "$work/gpus" jaccel-bench-aot)"
  sh -c "$reset_gpu_rootfs"
  aot_served="$aot_served; $(aot_check hook sh -c "JACCEL_SNAPSHOT=$snapshot $java $JVM_FLAGS -XX:AOTCache=$start_cache \
    -Xlog:class+load:file=$work/classload-hook.txt --enable-native-access=ALL-UNNAMED -cp $CP dev.jaccel.hook.Main \
    hook prestart < $work/state-gpus.json")"
  sh -c "$reset_gpu_bundle"
fi

# --- measure and report ----------------------------------------------------------------------
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
if [ ${#hf_args[@]} -gt 0 ]; then
  hyperfine --style basic --warmup "$WARMUP" --runs "$RUNS" --export-json "$work/hyperfine.json" "${hf_args[@]}"
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
"$java" -cp "$bench_jar" dev.jaccel.bench.report.LatencyReport "$work/hyperfine.json" "$entries" "$out" \
  "date=$(date -u '+%Y-%m-%d %H:%M UTC')" \
  "machine=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), Linux $(uname -r)" \
  "jdk=$("$java" -version 2>&1 | sed -n 2p)" \
  "jvmFlags=$JVM_FLAGS" \
  "aotCaches=$(cd "$repo" && ls hook/target/aot/ 2>/dev/null | tr '\n' ' ')" \
  "hyperfine=$(hyperfine --version | cut -d' ' -f2), $RUNS runs after $WARMUP warm-ups, through sh -c (hyperfine subtracts the shell's own start)" \
  "loadAverage=before $load_before, after $load_after" \
  "aotServes=${aot_served:-not checked}" \
  "host=testkit simulated host h100x8-mig (8 x H100 80GB HBM3, 10 MIG devices), fake libnvidia-ml.so.1"
cp "$work/hyperfine.json" "$out/hyperfine.json" 2>/dev/null || true

# --- --flags: each of bin/jaccel's JVM flags, one at a time --------------------------------------
if $flags_too; then
  fdir="$work/jvm-flags"; mkdir -p "$fdir"
  CP="$repo/hook/target/jaccel-hook.jar"
  for jar in "$repo"/hook/target/lib/*.jar; do CP="$CP:$jar"; done
  quiet="-Xlog:disable -Xlog:all=warning:stderr"
  # name|flags|aot (yes: train and use a cache made with exactly these flags; container-path: the
  # same, trained on the hook and runtime paths only; no: no cache)
  variants=(
    "defaults|$quiet|no"
    "aot|$quiet|yes"
    "aot+c1|$quiet -XX:TieredStopAtLevel=1|yes"
    "aot+c1+serial|$quiet -XX:TieredStopAtLevel=1 -XX:+UseSerialGC|yes"
    "launcher (aot+c1+serial+noperfdata)|$quiet -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData|yes"
    "launcher without aot|$quiet -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData|no"
    "launcher with -Xint|$quiet -Xint -XX:+UseSerialGC -XX:-UsePerfData|yes"
    "launcher, cache of the container path only|$quiet -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData|container-path"
  )
  fentries="$fdir/entries.tsv"; : > "$fentries"
  hf_args=()
  entries="$fentries"
  i=0
  for v in "${variants[@]}"; do
    IFS='|' read -r vname vflags vaot <<< "$v"
    i=$((i + 1))
    floor_flag= hook_flag=
    if [ "$vaot" != no ] && [ -n "$floor_cache" ]; then
      "$java" $vflags -Xlog:aot=error:stderr -XX:AOTCacheOutput="$fdir/floor-$i.aot" --enable-native-access=ALL-UNNAMED \
        -cp "$work/floor/floor.jar" JvmFloor < "$work/state-plain.json" >/dev/null 2>&1 && floor_flag="-XX:AOTCache=$fdir/floor-$i.aot"
      training=--simulated
      [ "$vaot" = container-path ] && training="--simulated --container-path-only"
      "$java" $vflags -Xlog:aot=error:stderr -XX:AOTCacheOutput="$fdir/jaccel-$i.aot" --enable-native-access=ALL-UNNAMED \
        -cp "$CP" dev.jaccel.hook.aot.AotTraining $training >/dev/null 2>&1 && hook_flag="-XX:AOTCache=$fdir/jaccel-$i.aot"
    fi
    if [ "$vaot" != container-path ]; then   # the floor has no container path: same as the launcher row
      probe "floor-$i" "JVM floor: $vname" true \
        "$java $vflags $floor_flag --enable-native-access=ALL-UNNAMED -cp $work/floor/floor.jar JvmFloor < $work/state-plain.json"
    fi
    if [ -z "$gpu_container_reason" ]; then
      probe "hook-$i" "hook 8 GPUs (NVML): $vname" "$reset_gpu_rootfs" \
        "JACCEL_SNAPSHOT=$work/no-snapshot.json $java $vflags $hook_flag --enable-native-access=ALL-UNNAMED -cp $CP dev.jaccel.hook.Main hook prestart < $work/state-gpus.json"
    fi
  done
  if [ ${#hf_args[@]} -gt 0 ]; then
    hyperfine --style basic --warmup "$WARMUP" --runs "$RUNS" --export-json "$fdir/hyperfine.json" "${hf_args[@]}"
  fi
  "$java" -cp "$bench_jar" dev.jaccel.bench.report.LatencyReport "$fdir/hyperfine.json" "$fentries" "$out/jvm-flags" \
    "date=$(date -u '+%Y-%m-%d %H:%M UTC')" "jdk=$("$java" -version 2>&1 | sed -n 2p)" \
    "loadAverage=$(cut -d' ' -f1-3 /proc/loadavg)" \
    "note=each AOT cache trained with exactly its variant's flags; hook rows run the JVM directly (no launcher script)"
fi
