#!/usr/bin/env bash
# Where an MCP probe's time goes on the wire: a logging TCP relay on loopback between each client (the console's
# McpProbe, a bare MCP Java SDK client, the TypeScript SDK client) and @modelcontextprotocol/server-everything
# prints one timeline per probe: connections opened and closed, each request (method, JSON-RPC method), each
# response's status and last chunk, in ms since the probe began.
#   src/bench/mcp-probe-trace.sh [probes per client]      (default 3; run src/bench/mcp-probe.sh once first)
# Output: stdout and target/bench/mcp-probe-trace.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
./mvnw -B -ntp -q test -Dtest=McpProbeTrace -Dsurefire.failIfNoSpecifiedTests=false -DexcludedGroups= \
    -Dtrace.runs="${1:-3}" >/dev/null || true
cat target/bench/mcp-probe-trace.txt
