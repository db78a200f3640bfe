// A member's agent built on the MCP TypeScript SDK, pointed at a gateway endpoint with a personal access token.
// Usage: node ts-client.mjs <node_modules dir> <endpoint url> <token> <steps json>
// Steps: [{"list": true}, {"call": "name", "arguments": {...}, "cancelAfterProgress": 1}]. Prints one JSON line
// per step: {"tools": [...]}, {"result": {...}, "progress": n}, or {"error": "..."}; then stays connected
// until its stdin ends.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const [modules, url, token, stepsJson] = process.argv.slice(2);
const sdk = (p) => import(pathToFileURL(join(modules, '@modelcontextprotocol/sdk/dist/esm', p)).href);
const { Client } = await sdk('client/index.js');
const { StreamableHTTPClientTransport } = await sdk('client/streamableHttp.js');
const { ElicitRequestSchema } = await sdk('types.js');

const client = new Client({ name: 'ts-agent', version: '1.0' }, { capabilities: { elicitation: {} } });
client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { confirm: true } }));
const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
});
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
try {
    await client.connect(transport);
    for (const step of JSON.parse(stepsJson)) {
        try {
            if (step.list) {
                const { tools } = await client.listTools();
                out({ tools: tools.map((t) => t.name) });
            } else {
                const controller = new AbortController();
                let progress = 0;
                const result = await client.callTool({ name: step.call, arguments: step.arguments ?? {} }, undefined, {
                    signal: controller.signal,
                    timeout: 60000,
                    onprogress: () => {
                        progress++;
                        if (step.cancelAfterProgress && progress >= step.cancelAfterProgress) {
                            controller.abort('the agent gave up');
                        }
                    },
                });
                out({ result, progress });
            }
        } catch (e) {
            out({ error: String(e && e.message ? e.message : e) });
        }
    }
} catch (e) {
    out({ error: String(e && e.message ? e.message : e) });
} finally {
    // stay connected until the test closes our stdin: a cancellation sent last must not be cut off by close()
    await new Promise((resolve) => { process.stdin.on('end', resolve); process.stdin.on('error', resolve); process.stdin.resume(); });
    await client.close().catch(() => {});
}
