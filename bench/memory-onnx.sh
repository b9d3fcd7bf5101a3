#!/usr/bin/env bash
# The memory bank with the REAL in-process model of the optional module munero-memory-onnx (all-MiniLM-L6-v2,
# quantized, 384 dimensions): insert throughput with embedding, hybrid and full-text search p50/p99 at N entries.
# Usage: bench/memory-onnx.sh [entries] [queries]
set -euo pipefail
cd "$(dirname "$0")/.."
. ./.mvn/jdk.sh # JAVA_HOME: a JDK >= 21, as ./mvnw picks it
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
./mvnw -o -q -B -pl munero-memory-onnx -am test-compile dependency:build-classpath -Dmdep.outputFile="$cp" \
  -Dmdep.includeScope=test >/dev/null
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "munero-memory-onnx/target/test-classes:munero-memory-onnx/target/classes:$(cat "$cp")" \
  dev.munero.memory.onnx.OnnxHybridBench "$@"
