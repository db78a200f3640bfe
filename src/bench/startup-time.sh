#!/usr/bin/env bash
# Start-up benchmark: time from launching the README's run command until the sign-in page is served.
# Usage: src/bench/startup-time.sh [runs]   (default 3). Uses port 18080 and a throw-away data folder.
# The first run creates the embedded database (cold); later runs reuse it (warm), as a restart would.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-3}"
PORT=18080
DATA="$(mktemp -d)/postgres"
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
./mvnw -B -ntp -q compile >/dev/null
echo "cores: $(nproc), java: $("${JAVA_HOME:-/usr}/bin/java" -version 2>&1 | head -1)"
for i in $(seq 1 "$RUNS"); do
    start=$(date +%s.%N)
    PORT=$PORT CONSOLE_DATA_DIR="$DATA" ./mvnw -B -ntp -q spring-boot:run >/tmp/startup-bench-$i.log 2>&1 &
    pid=$!
    until curl -fs -o /dev/null "http://localhost:$PORT/login"; do
        if ! kill -0 $pid 2>/dev/null; then echo "console exited; see /tmp/startup-bench-$i.log"; exit 1; fi
        sleep 0.2
    done
    end=$(date +%s.%N)
    printf "run %d: sign-in page served after %.1f s%s\n" "$i" "$(awk -v a="$start" -v b="$end" 'BEGIN{print b-a}')" \
        "$([ "$i" = 1 ] && echo ' (cold: creates the database)' || echo ' (warm)')"
    pkill -TERM -f "spring-boot:run" || true
    pkill -TERM -f "org.connectorconsole.Application" || true
    wait $pid 2>/dev/null || true
    sleep 2
done
rm -rf "$(dirname "$DATA")"
