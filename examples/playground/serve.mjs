// Serves the playground on 127.0.0.1 (never another interface: it is a local tool):
//
//   bash bindings-wasm/build.sh && node examples/playground/serve.mjs [PORT]
//
// prints `playground: http://127.0.0.1:PORT/`. The page's own files are served by name and the
// npm package's browser build under /pkg/; nothing else, and nothing leaves the machine (the
// Content-Security-Policy lets the page load only from here).
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const PKG = join(HERE, '..', '..', 'bindings-wasm', 'pkg');

/** URL path → [file, content type]. */
const FILES = {
  '/': [join(HERE, 'index.html'), 'text/html; charset=utf-8'],
  '/app.mjs': [join(HERE, 'app.mjs'), 'text/javascript'],
  '/locate.mjs': [join(HERE, 'locate.mjs'), 'text/javascript'],
  '/state.mjs': [join(HERE, 'state.mjs'), 'text/javascript'],
  '/playground.css': [join(HERE, 'playground.css'), 'text/css'],
  // The browser build of the package: its entry, what the entry imports (the handle guard and
  // wasm-bindgen's glue), the module. The server test checks that every import is listed.
  '/pkg/index.mjs': [join(PKG, 'index.mjs'), 'text/javascript'],
  '/pkg/guard.mjs': [join(PKG, 'guard.mjs'), 'text/javascript'],
  '/pkg/matrix_authz_web.mjs': [join(PKG, 'matrix_authz_web.mjs'), 'text/javascript'],
  '/pkg/matrix_authz_bg.wasm': [join(PKG, 'matrix_authz_bg.wasm'), 'application/wasm'],
};

const HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "connect-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
};

/** Starts the server on 127.0.0.1:`port` (0: any free port); resolves to the node server. */
export async function start(port = 0) {
  if (!existsSync(join(PKG, 'index.mjs'))) throw new Error(`no npm package in ${PKG}: run bindings-wasm/build.sh`);
  const server = createServer((req, res) => {
    const entry = FILES[new URL(req.url, 'http://127.0.0.1').pathname];
    if (req.method !== 'GET' && req.method !== 'HEAD') return res.writeHead(405, HEADERS).end();
    if (!entry) return res.writeHead(404, HEADERS).end();
    const [file, type] = entry;
    res.writeHead(200, { ...HEADERS, 'content-type': type }).end(req.method === 'HEAD' ? undefined : readFileSync(file));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return server;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? 8090);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve.mjs: \`${process.argv[2]}\` is not a port`);
    process.exit(2);
  }
  try {
    const server = await start(port);
    console.log(`playground: http://127.0.0.1:${server.address().port}/`);
  } catch (error) {
    console.error(`serve.mjs: ${error.message}`);
    process.exit(2);
  }
}
