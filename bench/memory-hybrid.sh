#!/usr/bin/env bash
# The memory bank's embedding plumbing and hybrid search at N entries, with a FAKE embedder (hashed bag-of-words
# vectors served over HTTP on 127.0.0.1): Munero's own cost (HTTP round trips, vector BLOBs, the cosine scan, rank
# fusion), not a real model's latency or quality. Usage: bench/memory-hybrid.sh [entries] [queries] [dimensions]
set -euo pipefail
cd "$(dirname "$0")/.."
. ./.mvn/jdk.sh # JAVA_HOME: a JDK >= 21, as ./mvnw picks it
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
./mvnw -o -q -B -pl munero-memory -am test-compile dependency:build-classpath -Dmdep.outputFile="$cp" \
  -Dmdep.includeScope=test >/dev/null
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "munero-memory/target/test-classes:munero-memory/target/classes:$(cat "$cp")" \
  dev.munero.memory.embed.HybridSearchBench "$@"
