// The authorization server as a client and the homeserver see it: discovery, registration, the
// authorization code flow through the provider's pages, the token endpoint, refresh,
// introspection and revocation, each decision checked against what the engine says.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';

import {
  Browser, ENGINE, INTROSPECTION_SECRET, authorize, makeCerts, pkce, startServer,
} from './support.mjs';

const engine = await import(ENGINE);
const mas = engine.Policy.fromPreset('mas');

const APP = 'https://app.example.test:8444';
const REDIRECT_URI = `${APP}/callback`;
const WEB_CLIENT = {
  client_name: 'Test web client',
  client_uri: `${APP}/`,
  redirect_uris: [REDIRECT_URI],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
  application_type: 'web',
};

let certs;
let server;
let ca;
let discovery;

before(async () => {
  certs = makeCerts();
  ca = fs.readFileSync(`${certs}/ca.pem`);
  server = await startServer({ certs });
  const response = await api().request(server.url('.well-known/openid-configuration'));
  assert.equal(response.status, 200);
  discovery = JSON.parse(response.text);
});

after(async () => {
  const exit = await server?.stop();
  if (certs) fs.rmSync(certs, { recursive: true, force: true });
  // SIGTERM is handled: the server closes and exits 0.
  assert.deepEqual(exit, { code: 0, signal: null }, server?.stderr());
});

const api = () => new Browser({ ca });

async function json(response) {
  assert.match(response.headers['content-type'] ?? '', /json/, `${response.status} ${response.text}`);
  return JSON.parse(response.text);
}

async function register(metadata) {
  const response = await api().request(server.url('reg'), { method: 'POST', json: metadata });
  return { status: response.status, body: await json(response) };
}

let webClientId;
async function webClient() {
  if (!webClientId) {
    const { status, body } = await register(WEB_CLIENT);
    assert.equal(status, 201, JSON.stringify(body));
    webClientId = body.client_id;
  }
  return webClientId;
}

function deviceScope(deviceId = engine.randomDeviceId()) {
  return mas.loginScope({ deviceId, extra: ['openid'] });
}

function authorizeUrl(clientId, scope, extra = {}) {
  const { verifier, challenge } = pkce();
  const state = crypto.randomBytes(8).toString('hex');
  const url = new URL(server.url('auth'));
  url.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  }).toString();
  return { url: url.href, verifier, state };
}

async function token(form, basic) {
  const response = await api().request(server.url('token'), { method: 'POST', form, basic });
  return { status: response.status, body: await json(response) };
}

/** Signs in through the pages and redeems the code: { tokens, params, pages }. */
async function signIn({ login, scope, browser = api(), extra } = {}) {
  const clientId = await webClient();
  const request = authorizeUrl(clientId, scope, extra);
  const { params, pages } = await authorize(browser, request.url, { login, redirectUri: REDIRECT_URI });
  if (params.get('error')) return { params, pages };
  assert.equal(params.get('state'), request.state);
  assert.equal(params.get('iss'), discovery.issuer);
  const { status, body } = await token({
    grant_type: 'authorization_code',
    code: params.get('code'),
    redirect_uri: REDIRECT_URI,
    client_id: clientId,
    code_verifier: request.verifier,
  });
  assert.equal(status, 200, JSON.stringify(body));
  return { tokens: body, params, pages };
}

async function introspect(value, { basic = ['homeserver', INTROSPECTION_SECRET], hint = 'access_token' } = {}) {
  const response = await api().request(discovery.introspection_endpoint, {
    method: 'POST',
    form: { token: value, token_type_hint: hint },
    basic,
  });
  return { status: response.status, body: await json(response) };
}

const sorted = (scope) => scope.split(' ').filter(Boolean).sort();

describe('discovery', () => {
  test('the metadata passes the engine\'s server_metadata.validate, with MSC4191 fields', async () => {
    const response = await api().request(server.url('.well-known/openid-configuration'));
    assert.equal(response.status, 200);
    assert.deepEqual(await json(response), discovery);
    const report = engine.validateServerMetadata(discovery);
    assert.deepEqual(report, { valid: true, violations: [] });
    assert.equal(discovery.issuer, server.issuer);
    assert.equal(discovery.account_management_uri, server.url('account'));
    for (const action of ['org.matrix.cross_signing_reset', 'org.matrix.devices_list', 'org.matrix.session_view', 'org.matrix.session_end']) {
      assert.ok(discovery.account_management_actions_supported.includes(action), action);
    }
    assert.equal(discovery.introspection_endpoint, server.url('token/introspection'));
    assert.equal(discovery.revocation_endpoint, server.url('token/revocation'));
    assert.ok(discovery.grant_types_supported.includes('urn:ietf:params:oauth:grant-type:device_code'));
    assert.deepEqual(discovery.code_challenge_methods_supported, ['S256']);
    // The validator is not a rubber stamp: the same document without its registration endpoint fails.
    const { registration_endpoint: _, ...without } = discovery;
    assert.deepEqual(engine.validateServerMetadata(without).violations, ['registration_endpoint.missing']);
  });
});

describe('dynamic client registration', () => {
  test('a redirect URI off the client_uri host is refused with invalid_redirect_uri and the engine\'s code', async () => {
    const metadata = { ...WEB_CLIENT, redirect_uris: ['https://evil.example.test/callback'] };
    const expected = engine.validateClientMetadata(metadata).violations;
    assert.deepEqual(expected, ['redirect_uris.host']);
    const { status, body } = await register(metadata);
    assert.equal(status, 400);
    assert.equal(body.error, 'invalid_redirect_uri');
    assert.match(body.error_description, /\bredirect_uris\.host\b/);
  });

  test('other metadata refusals are invalid_client_metadata with every code', async () => {
    const { client_uri: _, ...metadata } = { ...WEB_CLIENT, grant_types: ['authorization_code'] };
    const expected = engine.validateClientMetadata(metadata).violations;
    assert.ok(expected.length >= 2, String(expected));
    const { status, body } = await register(metadata);
    assert.equal(status, 400);
    assert.equal(body.error, 'invalid_client_metadata');
    for (const code of expected) assert.ok(body.error_description.split(' ').includes(code), `${code} in ${body.error_description}`);
  });

  test('valid metadata registers, and the endpoint answers CORS for pages', async () => {
    const { status, body } = await register({ ...WEB_CLIENT, client_name: 'Another client' });
    assert.equal(status, 201, JSON.stringify(body));
    assert.ok(body.client_id);
    assert.equal(body.client_secret, undefined);
    assert.deepEqual(body.redirect_uris, [REDIRECT_URI]);
    const preflight = await api().request(server.url('reg'), {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], '*');
    // A page also reads a refusal.
    const refused = await api().request(server.url('reg'), { method: 'POST', json: { client_name: 'x' }, headers: { origin: APP } });
    assert.equal(refused.status, 400);
    assert.equal(refused.headers['access-control-allow-origin'], '*');
  });
});

describe('authorization code flow', () => {
  let alice;

  test('login and consent pages, then a token whose introspection carries the Matrix fields', async () => {
    const { scope, deviceId } = deviceScope();
    const before_ = Math.floor(Date.now() / 1000);
    alice = await signIn({ login: 'alice', scope });
    alice.scope = scope;
    alice.deviceId = deviceId;
    assert.deepEqual(alice.pages, ['login', 'consent']);
    const { tokens } = alice;
    assert.equal(tokens.token_type, 'Bearer');
    assert.ok(tokens.refresh_token, 'a refresh token without offline_access (mas)');
    // Granted = the engine's granted ∩ requested: here all of it.
    const decision = mas.decideGrant(scope, 'authorization_code');
    assert.deepEqual(sorted(tokens.scope), sorted(decision.granted));

    const { status, body } = await introspect(tokens.access_token);
    assert.equal(status, 200);
    assert.equal(body.active, true);
    assert.deepEqual(sorted(body.scope), sorted(scope));
    assert.equal(body.sub, 'alice');
    assert.equal(body.username, 'alice');
    assert.equal(body.device_id, deviceId);
    assert.equal(body.acr, 'urn:example:acr:pwd');
    assert.equal(body.token_type, 'Bearer');
    assert.ok(Number.isInteger(body.auth_time) && body.auth_time >= before_ - 1 && body.auth_time <= Date.now() / 1000 + 1);
    assert.ok(Number.isInteger(body.exp) && body.exp > Date.now() / 1000);
    assert.equal(body.matrix_example_guest, undefined);
  });

  test('the web client\'s page may call the token endpoint from its origin (CORS)', async () => {
    const preflight = await api().request(server.url('token'), {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.ok(preflight.status === 204 || preflight.status === 200, String(preflight.status));
    assert.equal(preflight.headers['access-control-allow-origin'], APP);
    const clientId = await webClient();
    const { tokens } = await signIn({ login: 'alice', scope: deviceScope().scope });
    const response = await api().request(server.url('token'), {
      method: 'POST',
      headers: { origin: APP },
      form: { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: clientId },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers['access-control-allow-origin'], APP);
    const elsewhere = await api().request(server.url('token'), {
      method: 'POST',
      headers: { origin: 'https://evil.example.test' },
      form: { grant_type: 'refresh_token', refresh_token: JSON.parse(response.text).refresh_token, client_id: clientId },
    });
    assert.notEqual(elsewhere.headers['access-control-allow-origin'], 'https://evil.example.test');
  });

  test('only the homeserver may introspect, with its secret, and only access tokens are active', async () => {
    assert.ok(alice, 'needs the previous test');
    const wrong = await introspect(alice.tokens.access_token, { basic: ['homeserver', 'not-the-secret-0000'] });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_client');
    const other = await register({ ...WEB_CLIENT, token_endpoint_auth_method: 'client_secret_basic' });
    assert.equal(other.status, 201);
    const asOther = await introspect(alice.tokens.access_token, { basic: [other.body.client_id, other.body.client_secret] });
    assert.deepEqual(asOther.body, { active: false });
    const refresh = await introspect(alice.tokens.refresh_token, { hint: 'refresh_token' });
    assert.deepEqual(refresh.body, { active: false });
    const unknown = await introspect('no-such-token');
    assert.deepEqual(unknown.body, { active: false });
  });

  test('a second sign-in in the same browser needs no login, asks consent again, and gets its own device', async () => {
    const browser = api();
    const first = await signIn({ login: 'carol', scope: deviceScope().scope, browser });
    assert.deepEqual(first.pages, ['login', 'consent']);
    const { scope, deviceId } = deviceScope();
    const second = await signIn({ login: 'carol', scope, browser });
    assert.deepEqual(second.pages, ['consent']);
    assert.equal((await introspect(second.tokens.access_token)).body.device_id, deviceId);
  });

  test('max_age (step-up): an older sign-in signs in again, and the new token has the new auth_time', async () => {
    const browser = api();
    const first = await signIn({ login: 'heidi', scope: deviceScope().scope, browser });
    const before_ = (await introspect(first.tokens.access_token)).body.auth_time;
    await new Promise((resolve) => { setTimeout(resolve, 2100); });
    const again = await signIn({ login: 'heidi', scope: deviceScope().scope, browser, extra: { max_age: '1' } });
    assert.deepEqual(again.pages, ['login', 'consent']);
    const after_ = (await introspect(again.tokens.access_token)).body.auth_time;
    assert.ok(after_ >= before_ + 2, `${before_} then ${after_}`);
  });

  test('a login name that is not a Matrix localpart is asked again', async () => {
    const clientId = await webClient();
    const request = authorizeUrl(clientId, deviceScope().scope);
    await assert.rejects(
      authorize(api(), request.url, { login: 'Not A Localpart', redirectUri: REDIRECT_URI }),
      /did not finish/,
    );
  });

  test('a guest\'s token carries matrix_example_guest', async () => {
    const { tokens } = await signIn({ login: 'guest42', scope: deviceScope().scope });
    const { body } = await introspect(tokens.access_token);
    assert.equal(body.active, true);
    assert.equal(body.username, 'guest42');
    assert.equal(body.matrix_example_guest, true);
  });
});

describe('scopes the engine refuses', () => {
  test('two device scopes: refused at the authorization request, before any page', async () => {
    const scope = `${deviceScope().scope} urn:matrix:client:device:${engine.randomDeviceId()}`;
    const expected = mas.decideGrant(scope, 'authorization_code', { userAdmin: true });
    assert.equal(expected.allowed, false);
    assert.ok(expected.violations.includes('grant.multiple_devices'));
    const { params, pages } = await signIn({ login: 'alice', scope });
    assert.deepEqual(pages, []);
    assert.equal(params.get('error'), 'invalid_scope');
    for (const code of expected.violations) assert.match(params.get('error_description'), new RegExp(`\\b${code.replace('.', '\\.')}\\b`));
  });

  test('offline_access: refused under the mas preset when it reaches the policy, never issued', async () => {
    const scope = `${deviceScope().scope} offline_access`;
    // oidc-provider drops offline_access unless prompt=consent (OpenID Connect Core 11)...
    const dropped = await signIn({ login: 'alice', scope });
    assert.ok(!dropped.tokens.scope.split(' ').includes('offline_access'));
    // ...and with prompt=consent the engine sees it and refuses it.
    assert.deepEqual(mas.decideGrant(scope, 'authorization_code', { userAdmin: true }).violations, ['grant.token_not_allowed']);
    const { params, pages } = await signIn({ login: 'alice', scope, extra: { prompt: 'consent' } });
    assert.deepEqual(pages, []);
    assert.equal(params.get('error'), 'invalid_scope');
    assert.match(params.get('error_description'), /grant\.token_not_allowed/);
  });

  test('urn:synapse:admin:* for a non-admin: refused once the user is known', async () => {
    const scope = `${deviceScope().scope} urn:synapse:admin:*`;
    assert.deepEqual(mas.decideGrant(scope, 'authorization_code', { userAdmin: false }).violations, ['grant.admin_not_allowed']);
    const { params, pages } = await signIn({ login: 'bob', scope });
    assert.deepEqual(pages, ['login']);
    assert.equal(params.get('error'), 'invalid_scope');
    assert.match(params.get('error_description'), /grant\.admin_not_allowed/);
  });

  test('urn:synapse:admin:* for an admin is granted', async () => {
    const scope = `${deviceScope().scope} urn:synapse:admin:*`;
    const { tokens } = await signIn({ login: 'admin', scope });
    const { body } = await introspect(tokens.access_token);
    assert.equal(body.active, true);
    assert.ok(body.scope.split(' ').includes('urn:synapse:admin:*'));
  });
});

describe('refresh', () => {
  let session;
  before(async () => {
    const { scope, deviceId } = deviceScope();
    session = { ...(await signIn({ login: 'dave', scope })), scope, deviceId };
  });

  async function refresh(refreshToken, scope) {
    const clientId = await webClient();
    return token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, ...(scope ? { scope } : {}) });
  }

  test('without a scope: the same scope and a new refresh token (rotation)', async () => {
    const old = session.tokens.refresh_token;
    const { status, body } = await refresh(old);
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(sorted(body.scope), sorted(session.scope));
    assert.notEqual(body.refresh_token, old);
    const introspection = await introspect(body.access_token);
    assert.equal(introspection.body.active, true);
    assert.equal(introspection.body.device_id, session.deviceId);
    assert.ok(introspection.body.auth_time <= Date.now() / 1000, 'the original sign-in time');
    session.tokens = body;
  });

  test('a narrower scope is granted as asked', async () => {
    const narrower = session.scope.split(' ').filter((t) => t !== 'openid').join(' ');
    const { status, body } = await refresh(session.tokens.refresh_token, narrower);
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(sorted(body.scope), sorted(narrower));
    assert.deepEqual(sorted((await introspect(body.access_token)).body.scope), sorted(narrower));
    session.tokens = body;
  });

  test('a narrower scope the engine refuses (a device without the API) changes nothing', async () => {
    const deviceOnly = `urn:matrix:client:device:${session.deviceId}`;
    assert.deepEqual(mas.decideGrant(deviceOnly, 'authorization_code').violations, ['grant.device_without_api']);
    const refused = await refresh(session.tokens.refresh_token, deviceOnly);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error, 'invalid_scope');
    assert.match(refused.body.error_description, /grant\.device_without_api/);
    // Refused before rotation: the refresh token still works.
    const { status, body } = await refresh(session.tokens.refresh_token);
    assert.equal(status, 200, JSON.stringify(body));
    session.tokens = body;
  });

  test('a wider scope is refused', async () => {
    const { status, body } = await refresh(session.tokens.refresh_token, `${session.scope} urn:synapse:admin:*`);
    assert.equal(status, 400);
    assert.equal(body.error, 'invalid_scope');
  });
});

test('a spent refresh token used again revokes the whole sign-in (reuse detection)', async () => {
  const clientId = await webClient();
  const { tokens } = await signIn({ login: 'frank', scope: deviceScope().scope });
  const first = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: clientId });
  assert.equal(first.status, 200);
  const again = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: clientId });
  assert.equal(again.status, 400);
  assert.equal(again.body.error, 'invalid_grant');
  assert.deepEqual((await introspect(first.body.access_token)).body, { active: false });
  const rotated = await token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token, client_id: clientId });
  assert.equal(rotated.status, 400);
});

describe('revocation', () => {
  test('a revoked access token is inactive; a revoked refresh token no longer refreshes', async () => {
    const clientId = await webClient();
    const { tokens } = await signIn({ login: 'erin', scope: deviceScope().scope });
    assert.equal((await introspect(tokens.access_token)).body.active, true);
    const revoke = (value, hint) => api().request(discovery.revocation_endpoint, {
      method: 'POST', form: { token: value, token_type_hint: hint, client_id: clientId },
    });
    assert.equal((await revoke(tokens.access_token, 'access_token')).status, 200);
    assert.deepEqual((await introspect(tokens.access_token)).body, { active: false });
    assert.equal((await revoke(tokens.refresh_token, 'refresh_token')).status, 200);
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: clientId });
    assert.equal(refreshed.status, 400);
    assert.equal(refreshed.body.error, 'invalid_grant');
  });
});
