#!/usr/bin/env bash
# Start-up benchmark: time from launch until the sign-in page is served, for what a user runs, side by side in one
# run (absolute times on a shared 2-core machine are noisy; compare within a run):
#   jar cold   java -jar target/connector-console-*.jar on a fresh data folder (creates the embedded database)
#   jar warm   the same jar again on that data folder (a restart)
#   aot warm   the jar extracted (java -Djarmode=tools -jar ... extract) and started with a JDK AOT cache made by one
#              training start (-XX:AOTCacheOutput, JDK 25+); an operator's option, see docs/operations.md
#   mvn warm   ./mvnw spring-boot:run with nothing changed since the last build (the development loop)
# Usage: src/bench/startup-time.sh [rounds]   (default 3). Builds the jar first if it is missing.
# Safe on a shared machine: the OS picks every port (--server.port=0, the log says which), each console is
# stopped by its own process group id, never by name; the load average is printed beside every figure.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS="${1:-3}"
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA="${JAVA_HOME:-/usr}/bin/java"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
if ! ls target/connector-console-*.jar >/dev/null 2>&1; then ./mvnw -B -ntp -q -DskipTests package >/dev/null; fi
JAR="$(ls target/connector-console-*.jar | head -1)"
./mvnw -B -ntp -q -DskipTests process-classes >/dev/null   # so that the mvn runs below find nothing to do

load() { cut -d' ' -f1-3 /proc/loadavg; }

# time_until_served NAME LOG COMMAND...: starts COMMAND in its own process group, waits for the port in its log,
# then for GET /login to answer 200; prints the seconds; stops the whole group.
time_until_served() {
    local name="$1" log="$2"; shift 2
    local start end port="" pgid
    start=$(date +%s.%N)
    setsid "$@" >"$log" 2>&1 &
    pgid=$!
    while [ -z "$port" ]; do
        if ! kill -0 "$pgid" 2>/dev/null; then echo "$name: the console exited; see $log" >&2; return 1; fi
        port=$(grep -oE 'Tomcat started on port [0-9]+' "$log" 2>/dev/null | grep -oE '[0-9]+$' | head -1 || true)
        [ -n "$port" ] || sleep 0.1
    done
    until curl -fs -o /dev/null "http://127.0.0.1:$port/login"; do sleep 0.1; done
    end=$(date +%s.%N)
    printf "[bench] %-9s %6.1f s   (load %s)\n" "$name" "$(awk -v a="$start" -v b="$end" 'BEGIN{print b-a}')" "$(load)"
    kill -TERM -- "-$pgid" 2>/dev/null || true
    while kill -0 "$pgid" 2>/dev/null; do sleep 0.2; done
}

# the AOT cache: extract the jar, then one training start that stops once the application context is ready
"$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$WORK/extracted" >/dev/null
EXTRACTED="$(ls "$WORK"/extracted/*.jar | head -1)"
CONSOLE_DATA_DIR="$WORK/training/postgres" "$JAVA" -XX:AOTCacheOutput="$WORK/console.aot" \
    -Dspring.context.exit=onRefresh -jar "$EXTRACTED" --server.port=0 >"$WORK/training.log" 2>&1

echo "[bench] $(date -u +%Y-%m-%d) cores: $(nproc), $("$JAVA" -version 2>&1 | head -1), jar: $JAR"
for round in $(seq 1 "$ROUNDS"); do
    data="$WORK/round-$round/postgres"
    time_until_served "jar cold" "$WORK/jar-cold-$round.log" \
        env CONSOLE_DATA_DIR="$data" "$JAVA" -jar "$JAR" --server.port=0
    time_until_served "jar warm" "$WORK/jar-warm-$round.log" \
        env CONSOLE_DATA_DIR="$data" "$JAVA" -jar "$JAR" --server.port=0
    time_until_served "aot warm" "$WORK/aot-warm-$round.log" \
        env CONSOLE_DATA_DIR="$data" "$JAVA" -XX:AOTCache="$WORK/console.aot" -jar "$EXTRACTED" --server.port=0
    time_until_served "mvn warm" "$WORK/mvn-warm-$round.log" \
        env CONSOLE_DATA_DIR="$data" ./mvnw -B -ntp -q spring-boot:run -Dspring-boot.run.arguments=--server.port=0
done
