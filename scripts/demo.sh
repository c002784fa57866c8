#!/bin/sh
# The main job: builds jaccel, then shows what it sees and what it would inject into containers.
# On a host with an NVIDIA GPU or a Neuron device it runs against the real drivers; elsewhere it
# runs against a SIMULATED host (fake libnvidia-ml.so.1 / libnrt.so.1 with the real ABI, and a fake
# /proc, /sys, /dev tree) and says so on every section.
set -eu
cd "$(dirname "$0")/.."
JAVA_HOME=$(scripts/java-home.sh)
export JAVA_HOME
echo "== building (./mvnw package, tests skipped: scripts/test.sh runs them)"
./mvnw -B -q -ntp package -DskipTests

section() {
  printf '\n== %s%s\n' "$label" "$1"
  shift
  echo "\$ jaccel $*"
  bin/jaccel "$@" || echo "(exit $?)"
}

real=no
if [ -e /dev/nvidiactl ] || ls /dev/neuron[0-9]* >/dev/null 2>&1; then
  real=yes
fi

if [ $real = yes ]; then
  label="REAL HOST: "
  section "devices" devices
  section "versions and compatibility" check
  section "what NVIDIA_VISIBLE_DEVICES=all would inject" plan --env NVIDIA_VISIBLE_DEVICES=all
  exit 0
fi

sim=build/simulated-host
rm -rf "$sim"
mkdir -p "$sim"
echo
echo "################################################################################"
echo "# SIMULATED HOST: no GPU or Neuron device on this machine. jaccel below talks, #"
echo "# through FFM, to testkit's fake libnvidia-ml.so.1 / libnrt.so.1 (real ABI)    #"
echo "# and reads a fake /proc, /sys, /dev tree under $sim.          #"
echo "################################################################################"

# An 8 x H100 host, two GPUs in MIG mode.
eval "$(scripts/simulated-host.sh "$sim/gpu" h100x8-mig | sed 's/^/export /; s/^export export /export /')"
export JACCEL_SNAPSHOT="$PWD/$sim/gpu/inventory.json"   # keep the simulated snapshot out of /var/lib/jaccel
label="SIMULATED 8xH100 (MIG): "
section "devices" devices
section "versions and compatibility" check
section "a CUDA 12.8 container asking for GPU 0 and MIG 1:0" plan \
  --env NVIDIA_VISIBLE_DEVICES=0,1:0 --env NVIDIA_DRIVER_CAPABILITIES=compute,utility \
  --env "NVIDIA_REQUIRE_CUDA=cuda>=12.8 brand=tesla,driver>=535,driver<536"
section "a container needing a newer CUDA than the driver's (exit 3 expected)" plan \
  --env NVIDIA_VISIBLE_DEVICES=all --env "NVIDIA_REQUIRE_CUDA=cuda>=13.1"
section "CDI specs for podman / containerd / CRI-O / Docker" cdi generate --output-dir "$sim/gpu/cdi"
echo "(first lines of $sim/gpu/cdi/jaccel-nvidia.json)"
head -c 600 "$sim/gpu/cdi/jaccel-nvidia.json"; echo " ..."

# A real container through the runc shim (needs root, runc and busybox-static).
if [ "$(id -u)" = 0 ] && command -v runc >/dev/null 2>&1 && [ -x /bin/busybox ]; then
  bundle="$PWD/$sim/bundle"
  mkdir -p "$bundle/rootfs/bin"
  cp /bin/busybox "$bundle/rootfs/bin/busybox"
  for tool in sh ls env grep; do ln -sf busybox "$bundle/rootfs/bin/$tool"; done
  (cd "$bundle" && runc spec)
  # not a terminal; the command; the request in the image's environment
  sed -i -e 's/"terminal": true/"terminal": false/' \
    -e 's|"sh"$|"sh", "-c", "ls -l /dev/nvidia*; env \| grep ^NVIDIA; ls /usr/lib/x86_64-linux-gnu"|' \
    -e 's|"PATH=\([^"]*\)",|"PATH=\1", "NVIDIA_VISIBLE_DEVICES=0", "NVIDIA_DRIVER_CAPABILITIES=compute,utility",|' \
    "$bundle/config.json"
  section "a busybox container started through the runc shim with NVIDIA_VISIBLE_DEVICES=0" \
    runtime run --bundle "$bundle" "jaccel-demo-$$"
fi
unset FAKE_NVML_CONFIG JACCEL_NVML_LIBRARY

# A trn1.32xlarge: 16 Trainium devices, 2 NeuronCores each.
eval "$(scripts/simulated-host.sh "$sim/trn1" trn1-32xl | sed 's/^/export /; s/^export export /export /')"
export JACCEL_SNAPSHOT="$PWD/$sim/trn1/inventory.json"
label="SIMULATED trn1.32xlarge: "
section "devices" devices
section "versions and compatibility" check
section "a container asking for NeuronCores 4-7" plan --env NEURON_RT_VISIBLE_CORES=4-7
section "CDI spec for aws.amazon.com/neuron" cdi generate --output-dir "$sim/trn1/cdi"
