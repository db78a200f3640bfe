// Preloaded into the conformance suite's process (node --import) by GatewayConformanceTest: the suite's `server`
// command has no option for a header, and a gateway endpoint refuses a request without a token. This adds
// "Authorization: Bearer $MCP_BEARER_TOKEN" to each HTTP request to the origin of $MCP_BEARER_URL -- what any MCP
// client configured with a personal access token sends -- and changes nothing else. It is one undici interceptor on
// the global dispatcher, which both Node's fetch (the SDK transport, the suite's raw requests) and undici's
// request() (the suite's DNS-rebinding scenario) go through, and a wrapper of node:http's request() (the suite's
// header-validation scenarios, which use it to keep their headers exactly as written); requests to any other origin
// pass untouched.
import http from 'node:http';
import { Agent, setGlobalDispatcher } from 'undici';

const target = new URL(process.env.MCP_BEARER_URL);
const origin = target.origin;
const value = 'Bearer ' + process.env.MCP_BEARER_TOKEN;

function withBearer(headers) {
    const out = {};
    const add = (k, v) => {
        if (String(k).toLowerCase() !== 'authorization') {
            out[k] = v;
        }
    };
    if (Array.isArray(headers)) {
        for (let i = 0; i < headers.length; i += 2) {
            add(headers[i], headers[i + 1]);
        }
    } else if (headers && typeof headers[Symbol.iterator] === 'function') {
        for (const [k, v] of headers) {
            add(k, v);
        }
    } else if (headers) {
        for (const [k, v] of Object.entries(headers)) {
            add(k, v);
        }
    }
    out.authorization = value;
    return out;
}

setGlobalDispatcher(new Agent().compose(dispatch => (opts, handler) => {
    const target = opts.origin ? new URL(String(opts.origin)).origin : null;
    return dispatch(target === origin ? { ...opts, headers: withBearer(opts.headers) } : opts, handler);
}));

function toTarget(args) {
    let url = null;
    let options = null;
    if (typeof args[0] === 'string' || args[0] instanceof URL) {
        url = new URL(args[0]);
        options = args[1] && typeof args[1] === 'object' ? args[1] : null;
    } else {
        options = args[0];
    }
    const host = options?.hostname ?? options?.host?.replace(/:\d+$/, '') ?? url?.hostname;
    const port = String(options?.port ?? (url?.port || 80));
    return host === target.hostname && port === (target.port || '80');
}

for (const name of ['request', 'get']) {
    const original = http[name];
    http[name] = function (...args) {
        const req = original.apply(this, args);
        if (toTarget(args) && !req.headersSent) {
            req.setHeader('Authorization', value);
        }
        return req;
    };
}
