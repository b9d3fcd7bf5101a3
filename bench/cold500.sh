#!/bin/sh
# Cold build of the synthetic N=500 workspace against the critical-path bound of its raw task commands
# (lower_bound.py of ../shared/bench/orchestrators), in one run: bound, Munero cold (no daemon) x RUNS, bound.
#   bench/cold500.sh HARNESS WS [RUNS]
set -eu
H=${1:?harness dir}; WS=${2:?workspace}; RUNS=${3:-2}
HERE=$(cd "$(dirname "$0")" && pwd -P)
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$H/lower_bound.py" --ws "$WS" --cores 2 --runs 10
i=0
while [ "$i" -lt "$RUNS" ]; do
  i=$((i + 1))
  ORCH_CLEAN='rm -rf .munero' "$H/scenario.sh" cmd "$WS" cold --prep-only
  ORCH_CMD="$HERE/munero-orch.sh" ORCH_CLEAN='rm -rf .munero' MUNERO_DAEMON=0 \
    /usr/bin/time -f "munero cold run $i: %e s wall, %U+%S s cpu" "$H/scenario.sh" cmd "$WS" cold --run-only >/dev/null 2>/tmp/cold500.err || { cat /tmp/cold500.err; exit 1; }
  tail -1 /tmp/cold500.err
done
python3 "$H/lower_bound.py" --ws "$WS" --cores 2 --runs 10
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
