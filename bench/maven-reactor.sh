#!/bin/sh
# Cold build of a Maven reactor: Munero (no daemon) against `mvn -T 2 install -DskipTests`, paired (A B A B ...).
#   bench/maven-reactor.sh gen DIR [MODULES] [CLASSES]   generates a reactor: module i depends on module i/2
#   bench/maven-reactor.sh run DIR [ROUNDS]              times both, cold (no target/, no .munero/, nothing installed)
# The reactor's .mvn/maven.config holds `-o -Dmaven.repo.local=$REPO` (default /tmp/mvbench-repo, a hard-link copy
# of ~/.m2/repository made once), so both tools build offline and ~/.m2 is never written. Keep it offline: an
# online Maven rewrites some resolver files in place, which a hard link would carry into ~/.m2.
# Another reactor (e.g. javaparser, with its own .mvn/maven.config): MVN=./mvnw INSTALLED=<its groupId dir in the
# private repository> bench/maven-reactor.sh run DIR ROUNDS
set -eu
HERE=$(cd "$(dirname "$0")/.." && pwd -P)
REPO=${REPO:-/tmp/mvbench-repo}
cmd=${1:?gen or run}; DIR=${2:?reactor dir}
if [ "$cmd" = gen ]; then
  N=${3:-10}; C=${4:-40}
  [ -d "$REPO" ] || cp -al "$HOME/.m2/repository" "$REPO"
  mkdir -p "$DIR/.mvn"
  printf -- "-o\n-Dmaven.repo.local=%s\n" "$REPO" > "$DIR/.mvn/maven.config" # one argument a line (Maven 3.9)
  mods=""; i=1
  while [ "$i" -le "$N" ]; do mods="$mods<module>m$i</module>"; i=$((i + 1)); done
  cat > "$DIR/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>bench.reactor</groupId><artifactId>root</artifactId><version>1.0</version><packaging>pom</packaging>
<properties><maven.compiler.source>17</maven.compiler.source><maven.compiler.target>17</maven.compiler.target>
<project.build.sourceEncoding>UTF-8</project.build.sourceEncoding></properties>
<modules>$mods</modules></project>
POM
  i=1
  while [ "$i" -le "$N" ]; do
    d=$((i / 2)); dep=""; use=""
    if [ "$d" -ge 1 ]; then
      dep="<dependencies><dependency><groupId>bench.reactor</groupId><artifactId>m$d</artifactId><version>1.0</version></dependency></dependencies>"
      use="m$d.C1 dep = new m$d.C1();"
    fi
    mkdir -p "$DIR/m$i/src/main/java/m$i"
    echo "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion><parent><groupId>bench.reactor</groupId><artifactId>root</artifactId><version>1.0</version></parent><artifactId>m$i</artifactId>$dep</project>" > "$DIR/m$i/pom.xml"
    k=1
    while [ "$k" -le "$C" ]; do
      echo "package m$i; public class C$k { $use public int f(int x) { int s = 0; for (int j = 0; j < x; j++) { s += j * $k; } return s; } public String g() { return java.util.List.of(\"a\", \"b\").toString() + f($k); } }" > "$DIR/m$i/src/main/java/m$i/C$k.java"
      k=$((k + 1))
    done
    i=$((i + 1))
  done
  echo "generated $N modules x $C classes in $DIR"
  exit 0
fi
ROUNDS=${3:-3}
# BEFORE=/path/to/another/checkout adds that checkout's ./munero to every round (e.g. main, one Maven per module)
BEFORE=${BEFORE:-}
# DAEMON=1 runs Munero through its build daemon (started by an untimed build first), as a developer's machine does;
# default 0: a JVM of its own per build, as in CI
DAEMON=${DAEMON:-0}
cd "$DIR"
MVN=${MVN:-mvn}
INSTALLED=${INSTALLED:-$REPO/bench/reactor}
clean() { rm -rf .munero ./*/target target "$INSTALLED"; }
timed() { # label command...: runs cold, prints and records "label wall cpu"
  label=$1; shift
  clean
  /usr/bin/time -f "%e %U %S" -o /tmp/mvbench.time "$@" >/tmp/mvbench.out 2>&1 || { tail -30 /tmp/mvbench.out; exit 1; }
  read -r wall user sys < /tmp/mvbench.time
  echo "round $r $label: $wall s wall, $(echo "$user + $sys" | bc) s cpu"
  echo "$r $label $wall" >> /tmp/mvbench.walls
}
if [ "$DAEMON" = 1 ]; then clean; MUNERO_DAEMON=1 "$HERE/munero" build -C "$DIR" -j 2 >/dev/null 2>&1 || true; fi
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
: > /tmp/mvbench.walls
r=1
while [ "$r" -le "$ROUNDS" ]; do
  timed mvn "$MVN" -B -q -T 2 install -DskipTests
  MUNERO_DAEMON=$DAEMON timed munero "$HERE/munero" build -C "$DIR" -j 2
  if [ -n "$BEFORE" ]; then MUNERO_DAEMON=$DAEMON timed before "$BEFORE/munero" build -C "$DIR" -j 2; fi
  r=$((r + 1))
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
# per-round ratio to mvn, then the median
for t in munero before; do
  awk -v t="$t" -v ref=mvn -f "$HERE/bench/median-ratio.awk" /tmp/mvbench.walls
done
