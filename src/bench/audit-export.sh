#!/usr/bin/env bash
# The audit exporter against `psql \copy` of the same rows to CSV, side by side on the embedded PostgreSQL, for
# 1,000,000 and 5,000,000 events; and keyset page queries at several depths. Needs psql (Debian: postgresql-client).
#   src/bench/audit-export.sh [events,events...]      (default 1000000,5000000)
# Figures: stdout lines starting [bench], and target/bench/audit-export.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
command -v psql >/dev/null || { echo "psql is needed (apt-get install postgresql-client)"; exit 2; }
./mvnw -B -ntp -q test -Dtest=AuditExportBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DexcludedGroups= \
    -Dbench.events="${1:-1000000,5000000}" -DargLine="-Xmx512m" | grep '^\[bench\]' || true
cat target/bench/audit-export.txt
