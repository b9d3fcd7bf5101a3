#!/bin/sh
# File leases benchmark (issue 14): merge conflicts per 100 parallel tasks with leases off and on, scripted model.
#   bench/leases.sh [SEEDS] [TASKS] [AGENTS] [FILES] [UNPLANNED_PERCENT] [LATENCY_MS]   (defaults 5 100 4 40 20 20)
# Builds munero-core and its test classes (offline, tests skipped), then runs dev.munero.core.LeaseConflictBench
# (munero-core/src/test/java) with the test class path. Takes a few minutes: not part of ./test.
set -eu
HERE=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$HERE"
. "$HERE/.mvn/jdk.sh" # a JDK >= 21, as the launcher picks it
./mvnw -o -q -B -pl munero-core -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
CP="munero-core/target/test-classes:munero-core/target/classes:$(cat munero-core/target/test-classpath.txt)"
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" ${JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -cp "$CP" dev.munero.core.LeaseConflictBench "$@"
