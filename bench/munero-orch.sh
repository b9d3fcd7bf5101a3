#!/bin/sh
# The `munero` tool for ../shared/bench/orchestrators (scenario.sh's `cmd` tool runs $ORCH_CMD from the
# workspace root): builds every step of the workspace with this checkout's launcher, PAR steps at once.
# MUNERO_DAEMON (1 or 0) is passed through: 1 = through the build daemon, 0 = a JVM of its own (as in CI).
#   ORCH_CMD=/path/to/bench/munero-orch.sh ORCH_CLEAN='rm -rf .munero' scenario.sh cmd WS SCENARIO
set -eu
HERE=$(cd "$(dirname "$0")" && pwd -P)
exec "$HERE/../munero" build -j "${PAR:-4}" "$@"
