// Serves the web example on 127.0.0.1, in one of two modes.
//
// The OAuth client (what the end-to-end flows drive), over https as `app.example.test`:
//
//   node examples/web/serve.mjs --port 8444 --certs DIR --auth https://auth.example.test:8443/ \
//     --matrix https://matrix.example.test:8448/
//
// prints `listening on https://app.example.test:PORT/` once it accepts connections. `/` and
// `/callback` are client.html; `/config.json` tells the page where the authorization server and
// the homeserver are; `/pkg/` is the npm package built by bindings-wasm/build.sh. DIR holds
// `app.example.test.pem` and `.key` (examples/tls/make-certs.sh). The browser must map the names
// to 127.0.0.1 and trust the certificates itself (examples/e2e/flows.mjs `launchBrowser`).
//
// The offline demo (no server needed, page.test.mjs), over plain http:
//
//   bash bindings-wasm/build.sh && node examples/web/serve.mjs [PORT]
//
// `/` is the offline page (index.html, app.mjs). The Matrix routes are answered by the same
// package's node build: the stand-in introspects a fixed token table and sends the engine's
// answer, so the page meets the very 401s a homeserver using the engine sends.
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
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

// -- the OAuth client over https -------------------------------------------------------------

/** The files of the client page, by path; nothing else of this folder is served. */
const CLIENT_FILES = {
  '/': 'client.html',
  '/callback': 'client.html',
  '/client.mjs': 'client.mjs',
  '/oauth.mjs': 'oauth.mjs',
  '/client.css': 'client.css',
};
export const APP_NAME = 'app.example.test';

/** An https origin for `--auth` / `--matrix`, normalized to `https://host:port/`. */
function httpsUrl(text, flag) {
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${flag}: \`${text}\` is not a URL`);
  }
  if (url.protocol !== 'https:') throw new Error(`${flag}: \`${text}\` is not https`);
  return url.href;
}

/**
 * The Content-Security-Policy of the client page: scripts only from here (plus the import map,
 * by its hash, and WebAssembly compilation), connections only to here, the authorization server
 * and the homeserver. A page that holds tokens talks to nobody else.
 */
function contentSecurityPolicy(html, auth, matrix) {
  const inline = [...html.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)].map(
    ([, body]) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`,
  );
  return [
    "default-src 'none'",
    `script-src 'self' 'wasm-unsafe-eval' ${inline.join(' ')}`,
    `connect-src 'self' ${new URL(auth).origin} ${new URL(matrix).origin}`,
    "style-src 'self'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Starts the client page over https on `host`:`port` (0: a free port) with the certificate of
 * `app.example.test` from `certs`. Resolves to `{ server, url }` (`url`: the page's origin + `/`).
 */
export async function startClient({ port = 8444, certs, auth, matrix, host = '127.0.0.1' }) {
  if (!certs) throw new Error('--certs DIR is required');
  if (!existsSync(join(PKG, 'index.mjs'))) throw new Error(`no npm package in ${PKG}: run bindings-wasm/build.sh`);
  auth = httpsUrl(auth, '--auth');
  matrix = httpsUrl(matrix, '--matrix');
  const html = readFileSync(join(HERE, 'client.html'), 'utf8');
  const csp = contentSecurityPolicy(html, auth, matrix);
  const server = createHttpsServer({
    cert: readFileSync(join(certs, `${APP_NAME}.pem`)),
    key: readFileSync(join(certs, `${APP_NAME}.key`)),
  }, (req, res) => {
    const url = new URL(req.url, `https://${APP_NAME}`);
    const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };
    if (req.method !== 'GET' && req.method !== 'HEAD') return res.writeHead(405, headers).end();
    if (url.pathname === '/config.json') {
      return res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify({ auth, matrix }));
    }
    const name = CLIENT_FILES[url.pathname];
    const file = name ? join(HERE, name) : url.pathname.startsWith('/pkg/') ? staticFile(url.pathname) : null;
    if (file === null || !existsSync(file)) return res.writeHead(404, headers).end();
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    if (type === 'text/html') headers['content-security-policy'] = csp;
    res.writeHead(200, { ...headers, 'content-type': type }).end(readFileSync(file));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return { server, url: `https://${APP_NAME}:${server.address().port}/` };
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (!['--port', '--certs', '--auth', '--matrix'].includes(flag) || value === undefined) {
      throw new Error(`unknown or incomplete argument \`${flag}\` (use --port P --certs DIR --auth URL --matrix URL)`);
    }
    options[flag.slice(2)] = flag === '--port' ? Number(value) : value;
    i++;
  }
  return options;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.length > 0 && args[0].startsWith('--')) {
    try {
      const { url } = await startClient(parseArgs(args));
      console.log(`listening on ${url}`);
    } catch (error) {
      console.error(`serve.mjs: ${error.message}`);
      process.exit(2);
    }
  } else {
    const server = await start(Number(args[0] ?? 8080));
    console.log(`web example: http://127.0.0.1:${server.address().port}/`);
  }
}
