#!/usr/bin/env bash
# Runs every benchmark, one after another, and writes docs/benchmark-run.md: a dated table of each figure
# (every `[bench]` line a script prints) with the 1-minute load average at the moment it was printed.
#   src/bench/run-all.sh [name ...]      (default: all; names: startup audit-export mcp-probe sessions lists overview
#                                         effective-tools)
# Each script starts and stops only its own processes and lets the OS pick ports; nothing here kills by name.
# Takes about an hour on the project's 2-core machine (most of it generating 6,000,000 audit events).
set -uo pipefail
cd "$(dirname "$0")/../.."
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
declare -A COMMANDS=(
    [startup]="src/bench/startup-time.sh 2"
    [audit-export]="src/bench/audit-export.sh 1000000,5000000"
    [mcp-probe]="src/bench/mcp-probe.sh"
    [sessions]="src/bench/sessions.sh 50 60 10"
    [lists]="src/bench/lists-at-scale.sh"
    [overview]="src/bench/connections-overview.sh"
    [effective-tools]="src/bench/effective-tools.sh"
)
ORDER=(startup audit-export mcp-probe sessions lists overview effective-tools)
[ -x src/bench/gateway.sh ] && { COMMANDS[gateway]="src/bench/gateway.sh"; ORDER+=(gateway); }
if [ $# -gt 0 ]; then ORDER=("$@"); fi

OUT=docs/benchmark-run.md
ROWS=$(mktemp)
started=$(date -u +%Y-%m-%dT%H:%MZ)
for name in "${ORDER[@]}"; do
    command=${COMMANDS[$name]:?unknown benchmark $name}
    echo "== $name: $command"
    status=0
    # every line goes to the terminal; [bench] lines also become rows, with the load when they were printed
    $command 2>&1 | while IFS= read -r line; do
        echo "$line"
        case "$line" in
            "[bench] "*) printf '| %s | `%s` | %s | %s |\n' "$name" "$command" \
                "$(printf '%s' "${line#\[bench\] }" | sed 's/|/\\|/g')" "$(cut -d' ' -f1 /proc/loadavg)" >>"$ROWS";;
        esac
    done || status=$?
    [ "$status" -eq 0 ] || printf '| %s | `%s` | **failed (exit %s)** | %s |\n' "$name" "$command" "$status" \
        "$(cut -d' ' -f1 /proc/loadavg)" >>"$ROWS"
done
{
    echo "# Latest benchmark run"
    echo
    echo "Written by \`src/bench/run-all.sh\` (started $started, finished $(date -u +%Y-%m-%dT%H:%MZ)) on"
    echo "$(nproc) cores, $("$JAVA" -version 2>&1 | head -1 | tr -d '"'). How to read the figures and the goals they"
    echo "are held to: [benchmarks.md](benchmarks.md). Load is the 1-minute load average when the figure was printed."
    echo
    echo "| benchmark | command | figure | load |"
    echo "|---|---|---|---|"
    cat "$ROWS"
} >"$OUT"
rm -f "$ROWS"
echo "Wrote $OUT"
