#!/bin/sh
# The cold-build floor of a workspace made by ../shared/bench/orchestrators/gen_monorepo.py, measured rather than
# modelled: GNU make runs exactly the raw task commands of graph.json in dependency order, JOBS at once, with no
# hashing, caching, logs or reports. lower_bound.py's bound takes each task's CPU from /usr/bin/time, which rounds
# a few milliseconds of sh + mkdir + cat to 0.00 s, so its N x cpu / cores term is about 0 for the raw command; the
# real price of starting 3 processes per task is what this script measures.
#   bench/make-floor.sh WS [JOBS] [RUNS]
set -eu
WS=${1:?workspace}; JOBS=${2:-4}; RUNS=${3:-3}
MK=$(mktemp "${TMPDIR:-/tmp}/make-floor.XXXXXX.mk")
trap 'rm -f "$MK"' EXIT
python3 - "$WS" "$MK" <<'PY'
import json, sys
ws, mk = sys.argv[1], sys.argv[2]
g = json.load(open(ws + "/graph.json"))
with open(mk, "w") as f:
    f.write(".PHONY: all %s\nall: %s\n" % (" ".join(g["deps"]), " ".join(g["deps"])))
    for p, deps in g["deps"].items():
        f.write("%s: %s\n\tcd packages/%s && %s\n" % (p, " ".join(deps), p, g["build_cmd"]))
PY
i=0
while [ "$i" -lt "$RUNS" ]; do
  i=$((i + 1))
  rm -rf "$WS"/packages/*/dist
  /usr/bin/time -f "make -j $JOBS run $i: %e s wall, %U+%S s cpu" make -s -C "$WS" -f "$MK" -j "$JOBS" all
done
