#!/usr/bin/env bash
# YCSB workloads A and B against 3 kv-store nodes and 3 Apache Cassandra nodes in the same run.
# Usage (from the repository root): kv-store/bench/run-ycsb.sh [-Dbench.operations=30000 ...]
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ -z "${JAVA_HOME:-}" || ! -x "$JAVA_HOME/bin/java" ]] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q '"25'; then
  JAVA_HOME=$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)
fi
export JAVA_HOME
# One invocation, so the reactor's own jars (platform) resolve for the classpath of kv-store (built last).
./mvnw -B -ntp -q -pl kv-store -am package dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/kv-store/target/bench.classpath"
./mvnw -B -ntp -q -f kv-store/bench/cassandra-classpath.xml dependency:build-classpath -Dmdep.outputFile="$PWD/kv-store/target/cassandra.classpath"
exec "$JAVA_HOME/bin/java" -Xmx512m "$@" \
  -cp "kv-store/target/test-classes:kv-store/target/classes:$(cat kv-store/target/bench.classpath)" \
  lab.kvstore.bench.YcsbBenchmark
