#!/usr/bin/env bash
# Live heap per signed-in UI after a full GC with N real Chromium sessions (one headless Chromium, each session a tab
# under its own loopback address 127.0.0.N, so its own cookies, HTTP session and Vaadin UI), then the round-trip times
# of all N sessions navigating at once.
#   src/bench/sessions.sh [sessions] [seconds] [batch]   (default 50 sessions, 60 s, 10 sign-ins at a time)
# The console runs in Vaadin's production mode, as deployed (the tests' mode since 2026-12-04).
# Needs Debian's chromium and chromium-driver. Figures: stdout lines starting [bench], target/bench/sessions.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
./mvnw -B -ntp -q test -Dtest=SessionsBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DexcludedGroups= \
    -Dbench.sessions="${1:-50}" -Dbench.seconds="${2:-60}" -Dbench.batch="${3:-10}" \
    -DargLine="-Xmx1g" | grep '^\[bench\]' || true
cat target/bench/sessions.txt
