// The TypeScript MCP SDK's OAuth client support (auth() from @modelcontextprotocol/sdk/client/auth.js) authorizing
// against a gateway endpoint of the console, as an MCP client on someone's machine does: protected resource
// metadata, authorization server metadata, dynamic registration, PKCE, the browser sent to the console (the test
// drives it), the code received on a loopback callback, the token exchange. Prints what the test checks, one line
// each: AUTHORIZE <url>, CALLBACK <json>, SECOND <result>, TOKENS <json>, CLIENT <client id>.
//
// node sdk-oauth-client.mjs <sdk package dir> <endpoint url> <callback port>
import http from 'node:http';
import { pathToFileURL } from 'node:url';

const [sdkDir, serverUrl, callbackPort] = process.argv.slice(2);
const { auth } = await import(pathToFileURL(`${sdkDir}/dist/esm/client/auth.js`).href);
const redirectUrl = `http://127.0.0.1:${callbackPort}/callback`;

let clientInfo;
let tokens;
let verifier;
const provider = {
    get redirectUrl() { return redirectUrl; },
    get clientMetadata() {
        return {
            client_name: 'TypeScript SDK test client',
            redirect_uris: [redirectUrl],
            grant_types: ['authorization_code', 'refresh_token'],
            response_types: ['code'],
            token_endpoint_auth_method: 'none',
        };
    },
    state() { return 'sdk-state-42'; },
    clientInformation() { return clientInfo; },
    saveClientInformation(info) { clientInfo = info; },
    tokens() { return tokens; },
    saveTokens(t) { tokens = t; },
    redirectToAuthorization(url) { console.log('AUTHORIZE ' + url.href); },
    saveCodeVerifier(v) { verifier = v; },
    codeVerifier() { return verifier; },
};

const callback = new Promise((resolve) => {
    const server = http.createServer((req, res) => {
        const url = new URL(req.url, redirectUrl);
        if (url.pathname !== '/callback') {
            res.writeHead(404).end();
            return;
        }
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('Signed in. You can close this window.');
        server.close();
        resolve(Object.fromEntries(url.searchParams));
    });
    server.listen(Number(callbackPort), '127.0.0.1');
});

try {
    const first = await auth(provider, { serverUrl });
    console.log('FIRST ' + first);
    const back = await callback;
    console.log('CALLBACK ' + JSON.stringify({ state: back.state, iss: back.iss, error: back.error,
        code: back.code ? 'present' : 'absent' }));
    if (!back.code) {
        process.exit(2);
    }
    const second = await auth(provider, { serverUrl, authorizationCode: back.code });
    console.log('SECOND ' + second);
    console.log('TOKENS ' + JSON.stringify(tokens));
    console.log('CLIENT ' + clientInfo.client_id);
} catch (e) {
    console.log('FAILED ' + (e && e.stack ? e.stack : e));
    process.exit(1);
}
