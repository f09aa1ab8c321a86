// node --test: serve.mjs in its https client mode serves the client page, its config and the
// npm package, with a Content-Security-Policy naming only the two servers, and nothing else.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { request, testAgent } from '../device-login/https.mjs';
import { makeCerts } from '../tls/local.mjs';
import { startClient } from './serve.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const AUTH = 'https://auth.example.test:8443/';
const MATRIX = 'https://matrix.example.test:8448/';

let certs;
let client;
let agent;
before(async () => {
  certs = makeCerts();
  client = await startClient({ port: 0, certs: certs.dir, auth: 'https://auth.example.test:8443', matrix: MATRIX });
  agent = testAgent(join(certs.dir, 'ca.pem'));
});
after(() => {
  client?.server.close();
  certs?.remove();
});

test('the page, its callback and its config, over https as app.example.test', async () => {
  assert.match(client.url, /^https:\/\/app\.example\.test:\d+\/$/);
  const html = readFileSync(join(HERE, 'client.html'), 'utf8');
  for (const path of ['/', '/callback']) {
    const page = await request(agent, new URL(path, client.url).href);
    assert.equal(page.status, 200, path);
    assert.equal(page.text, html);
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    const csp = Object.fromEntries(page.headers['content-security-policy'].split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)[1];
    assert.deepEqual(csp['script-src'], ["'self'", "'wasm-unsafe-eval'", `'sha256-${createHash('sha256').update(importMap).digest('base64')}'`]);
    assert.deepEqual(csp['connect-src'], ["'self'", 'https://auth.example.test:8443', 'https://matrix.example.test:8448']);
    assert.deepEqual(csp['default-src'], ["'none'"]);
  }
  // The issuer is normalized to the form discovery names (a trailing slash on a bare origin).
  assert.deepEqual((await request(agent, new URL('/config.json', client.url).href)).json(), { auth: AUTH, matrix: MATRIX });
  const wasm = await request(agent, new URL('/pkg/index.mjs', client.url).href);
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers['content-type'], 'text/javascript');
});

test('nothing else of the folder is served, and only GET', async () => {
  for (const path of ['/serve.mjs', '/index.html', '/app.mjs', '/oauth.test.mjs', '/pkg/../serve.mjs', '/pkg/%2e%2e/web/serve.mjs', '/../README.md']) {
    // Sent as written (node's URL parser would remove the dot segments before they reach the server).
    const status = await new Promise((resolve, reject) => {
      const { port } = new URL(client.url);
      httpsRequest({ host: 'app.example.test', port, path, agent }, (res) => resolve(res.resume().statusCode)).on('error', reject).end();
    });
    assert.equal(status, 404, path);
  }
  assert.equal((await request(agent, client.url, { method: 'POST', body: '{}' })).status, 405);
});

test('only https servers, and the certificate folder is required', async () => {
  await assert.rejects(startClient({ port: 0, certs: certs.dir, auth: 'http://auth.example.test/', matrix: MATRIX }), /--auth: .* is not https/);
  await assert.rejects(startClient({ port: 0, certs: certs.dir, auth: AUTH, matrix: 'matrix.example.test' }), /--matrix: .* is not a URL/);
  await assert.rejects(startClient({ port: 0, auth: AUTH, matrix: MATRIX }), /--certs DIR is required/);
});
