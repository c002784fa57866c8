#!/bin/sh
# Runs every test: unit tests, the fakes through FFM, and the end-to-end runc/podman tests
# (those need root, runc, podman and busybox-static; .ci/run installs them).
set -eu
cd "$(dirname "$0")/.."
JAVA_HOME=$(scripts/java-home.sh)
export JAVA_HOME
exec ./mvnw -B -ntp verify "$@"
