// node --test: the device-login CLI against a scripted provider and homeserver over https on
// 127.0.0.1 (test certificates; the names mapped inside this process). The polling is checked
// with a virtual clock (every wait it asks for, every request it makes); the CLI itself runs once
// in real time as a child process. The real provider is driven by the end-to-end run.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { makeCerts } from '../tls/local.mjs';
import { DEVICE_CODE_GRANT, deviceLogin, loadEngine, poll } from './cli.mjs';
import { testAgent } from './https.mjs';

const CLI = join(dirname(fileURLToPath(import.meta.url)), 'cli.mjs');
const engine = await loadEngine();

let certs;
let agent;
let provider;
let matrix;

/** A server for `name` answering from `handler(req, body)` → `[status, json]`. */
async function fake(name, handler) {
  const server = createServer({ cert: readFileSync(join(certs.dir, `${name}.pem`)), key: readFileSync(join(certs.dir, `${name}.key`)) }, async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = (req.headers['content-type'] ?? '').startsWith('application/json') ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw));
    const [status, json] = await handler(req, body);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `https://${name}:${server.address().port}/` };
}

/** The provider's behaviour for the next test: what the token endpoint answers, in order. */
const script = { token: [], deviceAuth: null, seen: [] };
function providerHandler(req, body) {
  const issuer = provider.url;
  const path = new URL(req.url, issuer).pathname;
  script.seen.push({ method: req.method, path, body, authorization: req.headers.authorization });
  if (path === '/.well-known/openid-configuration') {
    return [200, {
      issuer,
      authorization_endpoint: `${issuer}auth`,
      token_endpoint: `${issuer}token`,
      registration_endpoint: `${issuer}reg`,
      revocation_endpoint: `${issuer}token/revocation`,
      device_authorization_endpoint: `${issuer}device/auth`,
      jwks_uri: `${issuer}jwks`,
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'fragment'],
      grant_types_supported: ['authorization_code', 'refresh_token', DEVICE_CODE_GRANT],
      code_challenge_methods_supported: ['S256'],
    }];
  }
  if (path === '/reg') return [201, { ...body, client_id: 'device-client' }];
  if (path === '/device/auth') {
    return script.deviceAuth?.(body) ?? [200, {
      device_code: 'the-device-code', user_code: 'WDJB-MJHT', verification_uri: `${issuer}device`,
      verification_uri_complete: `${issuer}device?user_code=WDJB-MJHT`, expires_in: 600, interval: 1,
    }];
  }
  if (path === '/token') {
    const next = script.token.shift() ?? 'authorization_pending';
    if (typeof next === 'string') return [400, { error: next }];
    return [200, { access_token: 'device-token', token_type: 'Bearer', refresh_token: 'r', expires_in: 300, ...next(body) }];
  }
  return [404, { error: 'not_found' }];
}

before(async () => {
  certs = makeCerts();
  agent = testAgent(join(certs.dir, 'ca.pem'));
  provider = await fake('auth.example.test', providerHandler);
  matrix = await fake('matrix.example.test', (req) => (req.headers.authorization === 'Bearer device-token'
    ? [200, { next_batch: 'batch-1', rooms: {} }]
    : [401, { errcode: 'M_UNKNOWN_TOKEN', error: 'Unknown token', soft_logout: false }]));
});
after(() => {
  provider?.server.close();
  matrix?.server.close();
  certs?.remove();
});

/** A clock that only moves when the code under test sleeps (and stops a runaway loop). */
function virtualClock() {
  let now = 1_000_000;
  const waits = [];
  const sleep = async (ms) => {
    if (waits.length >= 50) throw new Error('more than 50 waits: the polling does not stop');
    waits.push(ms);
    now += ms;
  };
  return { waits, now: () => now, sleep };
}

const metadata = () => ({ token_endpoint: `${provider.url}token` });

test('polling waits `interval` before each request and 5 s more after each slow_down', async () => {
  script.token = ['authorization_pending', 'authorization_pending', 'slow_down', 'authorization_pending', 'slow_down', () => ({})];
  script.seen = [];
  const clock = virtualClock();
  const tokens = await poll({ agent, metadata: metadata(), clientId: 'c1', deviceCode: 'dc', interval: 1, expiresIn: 600, ...clock });
  assert.equal(tokens.access_token, 'device-token');
  assert.deepEqual(clock.waits, [1000, 1000, 1000, 6000, 6000, 11000]);
  assert.equal(script.seen.length, 6);
  for (const request of script.seen) {
    assert.deepEqual([request.method, request.path, request.body], ['POST', '/token', { grant_type: DEVICE_CODE_GRANT, device_code: 'dc', client_id: 'c1' }]);
  }
});

test('polling: 5 s when the provider names no interval; it stops at access_denied, expired_token and other errors', async () => {
  script.token = [() => ({})];
  let clock = virtualClock();
  await poll({ agent, metadata: metadata(), clientId: 'c1', deviceCode: 'dc', interval: undefined, expiresIn: 600, ...clock });
  assert.deepEqual(clock.waits, [5000]);
  for (const error of ['access_denied', 'expired_token', 'invalid_grant']) {
    script.token = ['authorization_pending', error, () => ({})];
    script.seen = [];
    clock = virtualClock();
    await assert.rejects(poll({ agent, metadata: metadata(), clientId: 'c1', deviceCode: 'dc', interval: 2, expiresIn: 600, ...clock }), { error });
    assert.equal(script.seen.length, 2, error);
  }
});

test('polling gives up when the device code expires, without a request past expires_in', async () => {
  script.token = [];
  script.seen = [];
  const clock = virtualClock();
  await assert.rejects(poll({ agent, metadata: metadata(), clientId: 'c1', deviceCode: 'dc', interval: 3, expiresIn: 10, ...clock }), { error: 'expired_token' });
  assert.deepEqual(clock.waits, [3000, 3000, 3000]);
  assert.equal(script.seen.length, 3);
});

test('deviceLogin: registers for the device grant, asks for the API and its own device, checks the grant, calls /sync', async () => {
  script.token = ['authorization_pending', (body) => ({ scope: requestedScope(body) })];
  script.seen = [];
  let shown;
  const clock = virtualClock();
  const result = await deviceLogin({ auth: provider.url, agent, matrix: matrix.url, engine, onCode: (codes) => { shown = codes; }, ...clock });
  const registration = script.seen.find((s) => s.path === '/reg').body;
  assert.deepEqual(registration.grant_types, [DEVICE_CODE_GRANT, 'refresh_token']);
  assert.equal(registration.token_endpoint_auth_method, 'none');
  assert.equal(registration.application_type, 'native');
  const asked = script.seen.find((s) => s.path === '/device/auth').body;
  assert.equal(asked.client_id, 'device-client');
  assert.equal(asked.scope, `urn:matrix:client:api:* urn:matrix:client:device:${result.deviceId}`);
  assert.match(result.deviceId, /^[A-Za-z0-9]{10}$/);
  assert.deepEqual(shown, {
    verification_uri: `${provider.url}device`, user_code: 'WDJB-MJHT', verification_uri_complete: `${provider.url}device?user_code=WDJB-MJHT`,
    expires_in: 600, device_id: result.deviceId, client_id: 'device-client',
  });
  assert.equal(result.scope, asked.scope);
  assert.deepEqual(result.sync, { status: 200, body: { next_batch: 'batch-1', rooms: {} }, action: null });
});

/** The scope of the device authorization request the test provider saw last. */
function requestedScope() {
  return script.seen.findLast((s) => s.path === '/device/auth').body.scope;
}

test('deviceLogin refuses a token for another device or without the API scope', async () => {
  for (const [scope, message] of [
    ['urn:matrix:client:api:* urn:matrix:client:device:SOMEONEELS', /granted device `SOMEONEELS`/],
    ['openid', /did not grant the client-server API/],
  ]) {
    script.token = [() => ({ scope })];
    await assert.rejects(deviceLogin({ auth: provider.url, agent, matrix: matrix.url, engine, ...virtualClock() }), message);
  }
});

test('the CLI: prints the code, polls in real time, prints the grant and /sync; a refusal exits 1 with the error', async () => {
  script.token = ['authorization_pending', () => ({ scope: requestedScope() })];
  const run = promisify(execFile);
  const args = [CLI, '--auth', provider.url, '--ca', join(certs.dir, 'ca.pem'), '--matrix', matrix.url];
  const { stdout } = await run(process.execPath, args, { timeout: 30_000 });
  const lines = Object.fromEntries(stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
  assert.equal(lines.user_code, 'WDJB-MJHT');
  assert.equal(lines.verification_uri, `${provider.url}device`);
  assert.equal(lines.client_id, 'device-client');
  assert.equal(lines.scope, `urn:matrix:client:api:* urn:matrix:client:device:${lines.device_id}`);
  assert.equal(lines.sync, '200 {"next_batch":"batch-1","rooms":{}}');
  assert.equal(stdout.includes('device-token'), false, 'tokens are never printed');

  // The provider's policy refuses the request (as grant.decide does for an admin scope).
  script.deviceAuth = (body) => [400, { error: 'invalid_scope', error_description: body.scope.includes('urn:synapse:admin:*') ? 'grant.admin_not_allowed' : '?' }];
  try {
    await assert.rejects(run(process.execPath, [...args, '--extra-scope', 'urn:synapse:admin:*'], { timeout: 30_000 }), (e) => {
      assert.equal(e.code, 1);
      assert.match(e.stdout, /^error: invalid_scope$/m);
      assert.match(e.stderr, /device authorization: 400 invalid_scope \(grant\.admin_not_allowed\)/);
      return true;
    });
  } finally {
    script.deviceAuth = null;
  }
  await assert.rejects(run(process.execPath, [CLI, '--auth', provider.url]), (e) => e.code === 2);
});
