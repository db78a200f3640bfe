// The TypeScript SDK's client doing what the console's probe does: initialize, tools/list, end the session.
// Usage: node mcp-probe-ts.mjs <url> <warmup> <runs>; prints one line per measured run: "ms <milliseconds> <tools>",
// then "cpu <milliseconds>": the CPU time (user + system) this process spent on the measured runs.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, warmup, runs] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];

async function once() {
    const client = new Client({ name: "bench-ts", version: "1" });
    const transport = new StreamableHTTPClientTransport(new URL(url));
    await client.connect(transport);
    const tools = await client.listTools();
    await transport.terminateSession();
    await client.close();
    return tools.tools.length;
}

for (let i = 0; i < warmup; i++) {
    await once();
}
const lines = [];
const cpu0 = process.cpuUsage();
for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const n = await once();
    lines.push(`ms ${(performance.now() - t0).toFixed(3)} ${n}`);
}
const cpu = process.cpuUsage(cpu0);
console.log(lines.join("\n"));
console.log(`cpu ${((cpu.user + cpu.system) / 1000).toFixed(3)}`);
