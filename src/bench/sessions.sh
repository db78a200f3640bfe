#!/usr/bin/env bash
# Live heap per signed-in UI after a full GC with N real Chromium sessions (one headless Chromium, each session a tab
# under its own loopback address 127.0.0.N, so its own cookies, HTTP session and Vaadin UI), then the round-trip times
# of all N sessions navigating at once.
#   src/bench/sessions.sh [sessions] [seconds] [batch]   (default 50 sessions, 60 s, 10 sign-ins at a time)
#   COMPONENT_TRACKER=false src/bench/sessions.sh ...     switches off Vaadin's dev-mode component tracker (the tests
#                                                         run in dev mode; a production build has no tracker)
# Needs Debian's chromium and chromium-driver. Figures: stdout lines starting [bench], target/bench/sessions.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
tracker=""
if [ -n "${COMPONENT_TRACKER:-}" ]; then tracker="-Dvaadin.devmode.componentTracker.enabled=${COMPONENT_TRACKER}"; fi
./mvnw -B -ntp -q test -Dtest=SessionsBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DexcludedGroups= \
    -Dbench.sessions="${1:-50}" -Dbench.seconds="${2:-60}" -Dbench.batch="${3:-10}" \
    -DargLine="-Xmx1g ${tracker}" | grep '^\[bench\]' || true
cat target/bench/sessions.txt
