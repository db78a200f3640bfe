#!/usr/bin/env bash
# Live heap per signed-in UI after GC with N real Chromium sessions (isolated browser contexts in one headless
# Chromium), then the round-trip times of all N sessions navigating at once.
#   src/bench/sessions.sh [sessions] [seconds]     (default 50 sessions, 60 s)
# Needs Debian's chromium and chromium-driver. Figures: stdout lines starting [bench], target/bench/sessions.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
./mvnw -B -ntp -q test -Dtest=SessionsBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DexcludedGroups= \
    -Dbench.sessions="${1:-50}" -Dbench.seconds="${2:-60}" -DargLine="-Xmx1g" | grep '^\[bench\]' || true
cat target/bench/sessions.txt
