#!/bin/sh
# A fully cached build as CI runs it: a fresh `git clone` of the workspace (new inodes and times, no outputs, no
# state, node_modules put back as `npm ci` would) with only the tool's cache folder restored, no daemon. Turbo
# (`.turbo/cache`) against Munero (`.munero/cache`), alternating, each on its own copy of the generated workspace.
#   bench/ci-cached.sh TURBO_WS MUNERO_WS [ROUNDS]     (workspaces from gen_monorepo.py --install, built once)
# BEFORE=/path/to/another/checkout adds that checkout's ./munero to every round. Prints one line per run and the
# median of the per-round ratios to turbo.
set -eu
HERE=$(cd "$(dirname "$0")/.." && pwd -P)
TURBO_WS=${1:?turbo workspace}; MUNERO_WS=${2:?munero workspace}; ROUNDS=${3:-5}
BEFORE=${BEFORE:-}
PAR=${PAR:-4}
WORK=${TMPDIR:-/tmp}/munero-ci-cached
rm -rf "$WORK"; mkdir -p "$WORK"
[ -d "$TURBO_WS/.turbo/cache" ] || { echo "no $TURBO_WS/.turbo/cache: run turbo there once" >&2; exit 2; }
[ -d "$MUNERO_WS/.munero/cache" ] || { echo "no $MUNERO_WS/.munero/cache: run munero build there once" >&2; exit 2; }

# checkout WS CACHE_DIR DEST: a fresh clone with node_modules hard-linked back and the cache folder copied in
checkout() {
  rm -rf "$3"
  git clone -q "$1" "$3"
  cp -al "$1/node_modules" "$3/node_modules"
  mkdir -p "$3/$(dirname "$2")"
  cp -r "$1/$2" "$3/$2"
}
timed() { # label dir command...: prints and records "round label wall cpu"
  label=$1; dir=$2; shift 2
  (cd "$dir" && /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$@" >"$WORK/out" 2>&1) || { tail -20 "$WORK/out"; exit 1; }
  read -r wall user sys < "$WORK/time"
  echo "round $r $label: $wall s wall, $(echo "$user + $sys" | bc) s cpu"
  echo "$r $label $wall" >> "$WORK/walls"
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
: > "$WORK/walls"
r=1
while [ "$r" -le "$ROUNDS" ]; do
  checkout "$TURBO_WS" .turbo/cache "$WORK/turbo"
  timed turbo "$WORK/turbo" node_modules/.bin/turbo run build --concurrency="$PAR"
  grep -q "FULL TURBO" "$WORK/out" || { echo "turbo did not answer every task from its cache:" >&2; tail -5 "$WORK/out" >&2; exit 1; }
  checkout "$MUNERO_WS" .munero/cache "$WORK/munero"
  MUNERO_DAEMON=0 timed munero "$WORK/munero" "$HERE/munero" build -j "$PAR"
  grep -q " 0 passed, 0 failed" "$WORK/out" || { echo "munero did not answer every step from the cache:" >&2; tail -5 "$WORK/out" >&2; exit 1; }
  if [ -n "$BEFORE" ]; then
    checkout "$MUNERO_WS" .munero/cache "$WORK/before"
    MUNERO_DAEMON=0 timed before "$WORK/before" "$BEFORE/munero" build -j "$PAR"
  fi
  r=$((r + 1))
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
for t in munero before; do
  awk -v t="$t" -v ref=turbo -f "$HERE/bench/median-ratio.awk" "$WORK/walls"
done
rm -rf "$WORK/turbo" "$WORK/munero" "$WORK/before"
