#!/bin/sh
# Memory bank benchmark (issue 14): insert throughput and full-text search p50/p99 at 10k and 100k entries.
#   bench/memory-bank.sh [SIZES...]        e.g. bench/memory-bank.sh 10000 100000 (the default)
# Builds munero-memory (offline, tests skipped), then runs bench/memory/MemoryBench.java with its class path.
# -Dsearches=N (JAVA_OPTS) sets the number of timed searches per size (default 2000).
set -eu
HERE=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$HERE"
. "$HERE/.mvn/jdk.sh" # a JDK >= 21, as the launcher picks it
./mvnw -o -q -B -pl munero-memory -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
CP="munero-memory/target/classes:munero-store/target/classes:$(cat munero-memory/target/classpath.txt)"
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" ${JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -cp "$CP" bench/memory/MemoryBench.java "$@"
