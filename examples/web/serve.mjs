// Serves the web example on 127.0.0.1 with a stand-in homeserver behind it:
//
//   bash bindings-wasm/build.sh && node examples/web/serve.mjs [PORT]
//
// `/` is the page, `/pkg/` the npm package built by bindings-wasm/build.sh. The Matrix routes are
// answered by the same package's node build: the stand-in introspects a fixed token table and
// sends the engine's answer, so the page meets the very 401s a homeserver using the engine sends.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const PKG = join(HERE, '..', '..', 'bindings-wasm', 'pkg');
const TYPES = { '.html': 'text/html', '.mjs': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

const ACCOUNT = 'https://auth.example.org/account/';
// What the authorization server would say about each token (RFC 7662), as in the homeserver example.
const TOKENS = {
  'web-demo-token': { scope: 'urn:matrix:client:api:* urn:matrix:client:device:WEBDEMO001', auth_time: 1700000000 },
  'revoked-token': { active: false },
};

/** Starts the server on 127.0.0.1:`port` (0: any free port); resolves to the node server. */
export async function start(port = 0) {
  if (!existsSync(join(PKG, 'node.mjs'))) throw new Error(`no npm package in ${PKG}: run bindings-wasm/build.sh`);
  const { Policy } = await import(pathToFileURL(join(PKG, 'node.mjs')).href);
  // Deleting a key backup needs an authentication from the last 5 minutes.
  const policy = Policy.fromDocument({ step_up: [{ endpoints: ['deleteRoomKeysVersion'], max_age: 300 }] });
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname.startsWith('/_matrix/')) return homeserver(policy, req, url, res);
    const file = staticFile(url.pathname);
    if (file === null || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

function staticFile(path) {
  const [dir, rest] = path.startsWith('/pkg/') ? [PKG, path.slice(5)] : [HERE, path === '/' ? 'index.html' : path.slice(1)];
  const file = normalize(join(dir, decodeURIComponent(rest)));
  return file.startsWith(dir + sep) ? file : null;
}

function homeserver(policy, req, url, res) {
  if (url.pathname === '/_matrix/client/v1/auth_metadata') {
    // Only the parts the page reads; MAS still advertises the unstable name of device deletion.
    const metadata = {
      issuer: 'https://auth.example.org/',
      account_management_uri: ACCOUNT,
      account_management_actions_supported: ['org.matrix.profile', 'org.matrix.devices_list', 'org.matrix.device_view', 'org.matrix.session_end'],
    };
    return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(metadata));
  }
  const bearer = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '');
  const introspected = bearer ? (TOKENS[bearer[1]] ?? { active: false }) : undefined;
  const decision = policy.decide({
    method: req.method,
    path: url.pathname,
    token: introspected?.active === false ? { active: false, scope: '' } : introspected,
    // The user has cross-signing keys and no approved reset: replacing them needs the browser.
    context: { cross_signing: { master_key_exists: true }, account_management_uri: ACCOUNT, uia_session: 'session-1' },
    now: Math.floor(Date.now() / 1000),
  });
  if (decision.decision !== 'allow') {
    const headers = { ...decision.headers, 'content-type': 'application/json' };
    return res.writeHead(decision.status, headers).end(JSON.stringify(decision.body));
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await start(Number(process.argv[2] ?? 8080));
  console.log(`web example: http://127.0.0.1:${server.address().port}/`);
}
