#!/usr/bin/env bash
# Deciding one member's effective tools (issue 20) at 5,000 members, 200 groups, 100 connectors x 50 tools on the
# embedded PostgreSQL: the member's page data, a gateway listing's decisions, one call's check (median and p95 of 30).
#   src/bench/effective-tools.sh [members] [groups] [connectors] [tools]      (default 5000 200 100 50)
# Figures: stdout lines starting [bench], and target/bench/effective-tools.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
./mvnw -B -ntp -q test -Dtest=EffectiveToolsBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DexcludedGroups= \
    -Dbench.members="${1:-5000}" -Dbench.groups="${2:-200}" -Dbench.connectors="${3:-100}" \
    -Dbench.tools="${4:-50}" | grep '^\[bench\]' || true
cat target/bench/effective-tools.txt
