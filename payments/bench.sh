#!/usr/bin/env bash
# Payments per second next to pgbench on the same PostgreSQL, and a payment's SQL alone run by pgbench
# (bench/payment.pgbench), the ceiling for this schema (docs/payments.md, "Measured").
# Needs pgbench and psql on the PATH (Debian: apt-get install postgresql-15).
# Options: CLIENTS (default 16), SECONDS_PER_RUN (default 30), WARMUP_SECONDS (default 60), PG_STATEMENTS=true (per-statement times from pg_stat_statements).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk25.sh
./mvnw -B -ntp -q -pl payments -am package dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cd payments
exec "$JAVA_HOME/bin/java" -Xmx512m -XX:+EnableDynamicAgentLoading --enable-native-access=ALL-UNNAMED \
  -Dclients="${CLIENTS:-16}" -Dseconds="${SECONDS_PER_RUN:-30}" -DwarmupSeconds="${WARMUP_SECONDS:-60}" -DpgStatements="${PG_STATEMENTS:-false}" \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" lab.payments.bench.PaymentsBenchmark
