#!/usr/bin/env bash
# The Connectors and Members page queries for an organisation with 1,000 connectors and 10,000 members (among 20
# more of the same size), through the services on the embedded PostgreSQL.
#   src/bench/lists-at-scale.sh [other-organisations]      (default 20)
# Figures: stdout lines starting [bench], and target/bench/lists-at-scale.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
echo "[bench] load before: $(uptime)"
./mvnw -B -ntp -q test -Dtest=ListsAtScaleBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DexcludedGroups= \
    -Dbench.otherOrgs="${1:-20}" -DargLine="-Xmx1g" | grep '^\[bench\]' || true
echo "[bench] load after: $(uptime)"
cat target/bench/lists-at-scale.txt
