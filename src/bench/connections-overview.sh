#!/usr/bin/env bash
# The owners' connections overview at 10,000 members x 20 connectors on the embedded PostgreSQL: first page, a deep
# page, each filter, the counts (median and p95 of 30 calls through the service).
#   src/bench/connections-overview.sh [members] [connectors]      (default 10000 20)
# Figures: stdout lines starting [bench], and target/bench/connections-overview.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
./mvnw -B -ntp -q test -Dtest=ConnectionsOverviewBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DexcludedGroups= \
    -Dbench.members="${1:-10000}" -Dbench.connectors="${2:-20}" | grep '^\[bench\]' || true
cat target/bench/connections-overview.txt
