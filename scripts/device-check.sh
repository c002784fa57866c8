#!/bin/sh
# On a real GPU host: compares `jaccel devices --json` with nvidia-smi, field by field, and exits
# non-zero on any difference. Run it from a jlink'd runtime plus the built jars:
#   ./mvnw -B -q package -DskipTests && scripts/jlink-jre.sh && scripts/device-check.sh
#
# Fields (nvidia-smi --query-gpu → jaccel devices[]):
#   index → index, uuid → uuid, name → name, pci.bus_id → pciBusId (same NVML spelling,
#   compared case-insensitively as PCI addresses), memory.total (MiB) → memoryTotalBytes / 2^20,
#   compute_cap → computeCapability. A GPU count that differs is a difference too.
#
# Environment: JACCEL (command to run, default <repo>/bin/jaccel, which requires <repo>/build/jre
# unless JACCEL is set), NVIDIA_SMI (default nvidia-smi on PATH). Needs python3 for the JSON.
# Exit: 0 all equal; 1 a difference (each printed); 2 cannot run (no nvidia-smi, no runtime, ...).
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${JACCEL:-}" ]; then
  if [ ! -x "$repo/build/jre/bin/java" ]; then
    echo "device-check: $repo/build/jre is missing: run scripts/jlink-jre.sh first (or set JACCEL)" >&2
    exit 2
  fi
  JACCEL=$repo/bin/jaccel
fi
NVIDIA_SMI=${NVIDIA_SMI:-nvidia-smi}
if ! command -v "$NVIDIA_SMI" >/dev/null 2>&1; then
  echo "device-check: $NVIDIA_SMI not found: this check needs a host with the NVIDIA driver" >&2
  exit 2
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "device-check: python3 not found: it reads the JSON" >&2
  exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$NVIDIA_SMI" --query-gpu=index,uuid,name,pci.bus_id,memory.total,compute_cap \
  --format=csv,noheader,nounits >"$tmp/smi.csv"
rc=0
"$JACCEL" devices --json >"$tmp/jaccel.json" 2>"$tmp/jaccel.err" || rc=$?
if [ "$rc" -ne 0 ]; then
  echo "device-check: jaccel devices --json exited $rc:" >&2
  cat "$tmp/jaccel.err" >&2
  exit 1
fi
exec python3 - "$tmp/smi.csv" "$tmp/jaccel.json" <<'PY'
import csv, json, sys

def bus(s):
    # domain:bus:device.function as numbers, whatever the case and domain width
    try:
        head, fn = s.strip().rsplit(".", 1)
        parts = head.split(":")
        return tuple(int(p, 16) for p in parts[-3:]) + (int(fn, 16),)
    except ValueError:
        return s

smi = [row for row in csv.reader(open(sys.argv[1]), skipinitialspace=True) if row]
doc = json.load(open(sys.argv[2]))
nvidia = doc.get("nvidia")
diffs = []
if nvidia is None:
    print("device-check: jaccel found no NVIDIA inventory: %s" % "; ".join(doc.get("errors", [])))
    sys.exit(1)
gpus = {d["index"]: d for d in nvidia["devices"]}
if len(smi) != len(gpus):
    diffs.append("GPU count: nvidia-smi %d, jaccel %d" % (len(smi), len(gpus)))
for row in smi:
    index, uuid, name, bus_id, mem_mib, cc = [c.strip() for c in row[:6]]
    d = gpus.get(int(index))
    if d is None:
        diffs.append("GPU %s: nvidia-smi lists it, jaccel does not" % index)
        continue
    mem = d.get("memoryTotalBytes")
    checks = [
        ("uuid", uuid, d.get("uuid"), uuid == d.get("uuid")),
        ("name", name, d.get("name"), name == d.get("name")),
        ("pci.bus_id", bus_id, d.get("pciBusId"), bus(bus_id) == bus(d.get("pciBusId") or "")),
        ("memory.total", mem_mib + " MiB", "%s bytes" % mem,
         mem is not None and mem_mib.isdigit() and mem // (1 << 20) == int(mem_mib)),
        ("compute_cap", cc, d.get("computeCapability"), cc == d.get("computeCapability")),
    ]
    for field, want, got, same in checks:
        if not same:
            diffs.append("GPU %s %s: nvidia-smi %s, jaccel %s" % (index, field, want, got))
for line in diffs:
    print("device-check: " + line)
if diffs:
    sys.exit(1)
print("device-check: %d GPUs match nvidia-smi field by field (driver %s, CUDA %s)"
      % (len(smi), nvidia.get("driverVersion"), nvidia.get("cudaDriverVersion")))
PY
