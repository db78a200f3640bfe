#!/usr/bin/env bash
# A tool call through the gateway (the MCP Java SDK's client, a personal access token) against the same call made
# directly to @modelcontextprotocol/server-everything, in one run: 1 client, then 50 concurrent clients.
# Between them, in the same run: a bare SDK proxy (decision 0072) and the governed floor (the issue's mandatory checks
# and writes in plain JDBC, decision 0076).
#   src/bench/gateway.sh [calls for 1 client] [clients] [calls per client]   (default 100, 50, 10)
# BENCH_STATEMENTS=true also counts and times the console's statements and commits per gateway call (StatementLog).
# Needs npm (installs Node 22 and server-everything into target/conformance). Figures: target/bench/gateway.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
mkdir -p target
./mvnw -B -ntp -q test -Dtest=GatewayBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DexcludedGroups= \
    -Dbench.statements="${BENCH_STATEMENTS:-false}" -Dbench.calls="${1:-100}" -Dbench.clients="${2:-50}" -Dbench.perClient="${3:-10}" \
    -Dconsole.tools.call-timeout=120s -Dconsole.tools.pin-listing-max-age=5s >target/gateway-bench.log 2>&1 \
    || { tail -60 target/gateway-bench.log; exit 1; }
# the figures once (the benchmark prints them as it goes too; run-all.sh would list them twice)
cat target/bench/gateway.txt
