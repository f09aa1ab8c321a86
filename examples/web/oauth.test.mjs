// node --test: the web client's protocol steps (oauth.mjs) with the engine's node build and a
// scripted fetch. The browser runs the same module; examples/e2e/flows.mjs drives it for real.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, webcrypto } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

import * as oauth from './oauth.mjs';

const PKG = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bindings-wasm', 'pkg', 'node.mjs');
if (!existsSync(PKG)) throw new Error(`no npm package at ${PKG}: run bindings-wasm/build.sh`);
const engine = await import(pathToFileURL(PKG).href);

const ISSUER = 'https://auth.example.test:8443/';
const APP = 'https://app.example.test:8444';
const METADATA = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}auth`,
  token_endpoint: `${ISSUER}token`,
  registration_endpoint: `${ISSUER}reg`,
  revocation_endpoint: `${ISSUER}token/revocation`,
  jwks_uri: `${ISSUER}jwks`,
  response_types_supported: ['code'],
  response_modes_supported: ['query', 'fragment'],
  grant_types_supported: ['authorization_code', 'refresh_token'],
  code_challenge_methods_supported: ['S256'],
  authorization_response_iss_parameter_supported: true,
  account_management_uri: `${ISSUER}account`,
  account_management_actions_supported: ['org.matrix.cross_signing_reset'],
};

/** A fetch answering from `routes` (`'METHOD url'` → function of the request → Response), and
 * the requests it saw. An unrouted request fails the test. */
function scripted(routes) {
  const seen = [];
  const fetch = async (url, init = {}) => {
    const method = init.method ?? 'GET';
    const body = init.body instanceof URLSearchParams ? Object.fromEntries(init.body) : init.body === undefined ? undefined : JSON.parse(init.body);
    seen.push({ method, url: String(url), headers: init.headers ?? {}, body });
    const route = routes[`${method} ${url}`];
    if (!route) throw new Error(`unexpected ${method} ${url}`);
    return route({ body, headers: init.headers ?? {} });
  };
  return { fetch, seen };
}

const json = (status, value, headers = {}) => new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json', ...headers } });

test('PKCE S256 gives the RFC 7636 appendix B challenge', async () => {
  assert.equal(await oauth.pkceChallenge(webcrypto, 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  const a = oauth.randomToken(webcrypto);
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, oauth.randomToken(webcrypto));
});

test('discovery: the named issuer, the engine\'s checks and PKCE are required', async () => {
  const url = `${ISSUER}.well-known/openid-configuration`;
  const ok = scripted({ [`GET ${url}`]: () => json(200, METADATA) });
  assert.deepEqual(await oauth.discover(ok.fetch, engine, ISSUER), METADATA);

  const other = scripted({ [`GET ${url}`]: () => json(200, { ...METADATA, issuer: 'https://evil.example.test/' }) });
  await assert.rejects(oauth.discover(other.fetch, engine, ISSUER), { code: 'discovery.issuer_mismatch' });

  const { registration_endpoint: _, ...noRegistration } = METADATA;
  const invalid = scripted({ [`GET ${url}`]: () => json(200, noRegistration) });
  await assert.rejects(oauth.discover(invalid.fetch, engine, ISSUER), (e) => e.code === 'discovery.invalid' && e.violations.includes('registration_endpoint.missing'));

  const plain = scripted({ [`GET ${url}`]: () => json(200, { ...METADATA, code_challenge_methods_supported: ['plain'] }) });
  await assert.rejects(oauth.discover(plain.fetch, engine, ISSUER), { code: 'discovery.invalid' });

  const down = scripted({ [`GET ${url}`]: () => new Response('oops', { status: 502 }) });
  await assert.rejects(oauth.discover(down.fetch, engine, ISSUER), { code: 'discovery.status' });
  const garbage = scripted({ [`GET ${url}`]: () => new Response('<html>', { status: 200 }) });
  await assert.rejects(oauth.discover(garbage.fetch, engine, ISSUER), { code: 'response.not_json' });
});

test('registration: a web client whose redirect URI and home share the host; refusals carry the provider\'s codes', async () => {
  const metadata = oauth.clientMetadata(APP);
  assert.deepEqual(metadata.redirect_uris, [`${APP}/callback`]);
  assert.equal(metadata.client_uri, `${APP}/`);
  assert.equal(metadata.application_type, 'web');
  assert.deepEqual(engine.validateClientMetadata(metadata), { valid: true, violations: [] });

  const ok = scripted({ [`POST ${METADATA.registration_endpoint}`]: ({ body }) => json(201, { ...body, client_id: 'c1' }) });
  assert.equal((await oauth.register(ok.fetch, engine, metadata, METADATA.registration_endpoint)).client_id, 'c1');
  assert.equal(ok.seen[0].headers['content-type'], 'application/json');
  assert.deepEqual(ok.seen[0].body, metadata);

  const refused = scripted({
    [`POST ${METADATA.registration_endpoint}`]: () => json(400, { error: 'invalid_redirect_uri', error_description: 'redirect_uri.host' }),
  });
  await assert.rejects(oauth.register(refused.fetch, engine, metadata, METADATA.registration_endpoint), {
    code: 'oauth.error', status: 400, error: 'invalid_redirect_uri', error_description: 'redirect_uri.host',
  });

  const dropped = scripted({ [`POST ${METADATA.registration_endpoint}`]: ({ body }) => json(201, { ...body, client_id: 'c1', redirect_uris: [] }) });
  await assert.rejects(oauth.register(dropped.fetch, engine, metadata, METADATA.registration_endpoint), { code: 'registration.redirect_dropped' });

  // What the engine refuses never leaves the page.
  const none = scripted({});
  await assert.rejects(oauth.register(none.fetch, engine, oauth.clientMetadata('http://app.example.test'), METADATA.registration_endpoint), { code: 'registration.invalid_locally' });
  await assert.rejects(oauth.register(none.fetch, engine, { ...metadata, redirect_uris: ['https://elsewhere.example.org/cb'] }, METADATA.registration_endpoint), { code: 'registration.invalid_locally' });
  assert.equal(none.seen.length, 0);
});

test('the authorization request: code, S256, state, nonce, the scope, max_age only for a step-up', async () => {
  const { scope, deviceId } = engine.loginScope({ deviceId: 'ABCDEFGHIJ', extra: ['openid'] });
  const options = { clientId: 'c1', redirectUri: `${APP}/callback`, scope, deviceId };
  const { url, pending } = await oauth.authorizationRequest(webcrypto, METADATA, options);
  const params = new URL(url).searchParams;
  assert.equal(new URL(url).origin + new URL(url).pathname, METADATA.authorization_endpoint);
  assert.equal(params.get('response_type'), 'code');
  assert.equal(params.get('client_id'), 'c1');
  assert.equal(params.get('redirect_uri'), `${APP}/callback`);
  assert.equal(params.get('scope'), 'openid urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ');
  assert.equal(params.get('code_challenge_method'), 'S256');
  assert.equal(params.get('code_challenge'), await oauth.pkceChallenge(webcrypto, pending.verifier));
  assert.equal(params.get('state'), pending.state);
  assert.equal(params.get('nonce'), pending.nonce);
  assert.equal(params.has('max_age'), false);
  assert.equal(params.has('code_verifier'), false);

  const stepUp = await oauth.authorizationRequest(webcrypto, METADATA, { ...options, maxAge: 0, acrValues: 'urn:example:acr:mfa' });
  const stepUpParams = new URL(stepUp.url).searchParams;
  assert.equal(stepUpParams.get('max_age'), '0');
  assert.equal(stepUpParams.get('acr_values'), 'urn:example:acr:mfa');
  assert.equal(stepUp.pending.maxAge, 0);
  assert.notEqual(stepUp.pending.state, pending.state);
});

test('the callback: state, iss (RFC 9207) and the provider\'s errors', () => {
  const pending = { state: 's1', issuer: ISSUER };
  const back = (params) => `${APP}/callback?${new URLSearchParams(params)}`;
  assert.equal(oauth.readCallback(back({ code: 'k', state: 's1', iss: ISSUER }), pending, METADATA), 'k');
  assert.throws(() => oauth.readCallback(back({ code: 'k', state: 's2', iss: ISSUER }), pending, METADATA), { code: 'callback.state_mismatch' });
  assert.throws(() => oauth.readCallback(back({ code: 'k', state: 's1', iss: 'https://other.example.test/' }), pending, METADATA), { code: 'callback.iss_mismatch' });
  assert.throws(() => oauth.readCallback(back({ code: 'k', state: 's1' }), pending, METADATA), { code: 'callback.iss_missing' });
  assert.equal(oauth.readCallback(back({ code: 'k', state: 's1' }), pending, { ...METADATA, authorization_response_iss_parameter_supported: false }), 'k');
  assert.throws(() => oauth.readCallback(back({ error: 'access_denied', error_description: 'grant.admin_not_allowed', state: 's1', iss: ISSUER }), pending, METADATA), {
    code: 'callback.error', error: 'access_denied', error_description: 'grant.admin_not_allowed',
  });
  assert.throws(() => oauth.readCallback(back({ state: 's1', iss: ISSUER }), pending, METADATA), { code: 'callback.no_code' });
  assert.throws(() => oauth.readCallback(back({ code: 'k', state: 's1', iss: ISSUER }), null, METADATA), { code: 'callback.unexpected' });
});

test('the code exchange sends the verifier; the granted scope must name this device', async () => {
  const pending = { clientId: 'c1', redirectUri: `${APP}/callback`, verifier: 'v'.repeat(43) };
  const ok = scripted({ [`POST ${METADATA.token_endpoint}`]: () => json(200, { access_token: 'at', token_type: 'Bearer', scope: 'urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ openid' }) });
  const tokens = await oauth.exchangeCode(ok.fetch, METADATA, pending, 'k');
  assert.deepEqual(ok.seen[0].body, { grant_type: 'authorization_code', code: 'k', redirect_uri: `${APP}/callback`, client_id: 'c1', code_verifier: 'v'.repeat(43) });
  assert.deepEqual(oauth.grantedScope(engine, tokens, '', 'ABCDEFGHIJ'), { scope: 'openid urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ', deviceId: 'ABCDEFGHIJ' });
  assert.throws(() => oauth.grantedScope(engine, tokens, '', 'KLMNOPQRST'), { code: 'token.device_mismatch' });
  assert.throws(() => oauth.grantedScope(engine, { scope: 'openid urn:matrix:client:device:ABCDEFGHIJ' }, '', 'ABCDEFGHIJ'), { code: 'token.no_api_scope' });
  // No `scope` in the answer: the one requested (RFC 6749 section 5.1).
  assert.equal(oauth.grantedScope(engine, {}, 'urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ', 'ABCDEFGHIJ').deviceId, 'ABCDEFGHIJ');

  const mac = scripted({ [`POST ${METADATA.token_endpoint}`]: () => json(200, { access_token: 'at', token_type: 'mac' }) });
  await assert.rejects(oauth.exchangeCode(mac.fetch, METADATA, pending, 'k'), { code: 'token.not_bearer' });
  const refused = scripted({ [`POST ${METADATA.token_endpoint}`]: () => json(400, { error: 'invalid_grant', error_description: 'grant.multiple_devices' }) });
  await assert.rejects(oauth.exchangeCode(refused.fetch, METADATA, pending, 'k'), { error: 'invalid_grant', error_description: 'grant.multiple_devices' });
});

/** A signed ID token and the JWKS that verifies it. */
function idTokenFixture(kind) {
  const { privateKey, publicKey } = kind === 'ES256'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: `k-${kind}`, use: 'sig', alg: kind };
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const make = (claims, { alg = kind, key = privateKey } = {}) => {
    const head = `${encode({ alg, kid: jwk.kid })}.${encode(claims)}`;
    const signature = alg === 'none' ? Buffer.alloc(0) : sign('sha256', Buffer.from(head), kind === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key);
    return `${head}.${signature.toString('base64url')}`;
  };
  return { jwks: { keys: [jwk] }, make };
}

test('the ID token: signature (RS256, ES256), iss, aud, exp, nonce, and auth_time within max_age', async () => {
  const now = 1_800_000_000;
  const pending = { issuer: ISSUER, clientId: 'c1', nonce: 'n1', maxAge: null };
  const claims = { iss: ISSUER, aud: 'c1', sub: 'alice', nonce: 'n1', iat: now, exp: now + 600, auth_time: now - 100 };
  for (const kind of ['RS256', 'ES256']) {
    const { jwks, make } = idTokenFixture(kind);
    const { fetch } = scripted({ [`GET ${METADATA.jwks_uri}`]: () => json(200, jwks) });
    assert.equal((await oauth.verifyIdToken(fetch, webcrypto, METADATA, make(claims), pending, now)).sub, 'alice', kind);
    const reject = (token, code, p = pending) => assert.rejects(oauth.verifyIdToken(fetch, webcrypto, METADATA, token, p, now), { code }, `${kind} ${code}`);
    const other = generateKeyPairSync(kind === 'ES256' ? 'ec' : 'rsa', kind === 'ES256' ? { namedCurve: 'P-256' } : { modulusLength: 2048 });
    await reject(make(claims, { key: other.privateKey }), 'id_token.signature');
    await reject(make(claims, { alg: 'none' }), 'id_token.alg');
    await reject(make({ ...claims, iss: 'https://other.example.test/' }), 'id_token.iss');
    await reject(make({ ...claims, aud: 'c2' }), 'id_token.aud');
    await reject(make({ ...claims, exp: now - 60 }), 'id_token.expired');
    await reject(make({ ...claims, nonce: 'n2' }), 'id_token.nonce');
    // A step-up asked max_age 30: an authentication 100 s old is not one.
    await reject(make(claims), 'id_token.auth_too_old', { ...pending, maxAge: 30 });
    await reject(make({ ...claims, auth_time: undefined }), 'id_token.no_auth_time', { ...pending, maxAge: 30 });
    assert.equal((await oauth.verifyIdToken(fetch, webcrypto, METADATA, make({ ...claims, auth_time: now - 10 }), { ...pending, maxAge: 30 }, now)).auth_time, now - 10);
    await reject('a.b', 'id_token.malformed');
    await reject(undefined, 'id_token.missing');
  }
});

test('homeserver calls: the bearer token, and the engine\'s advice on each error answer', async () => {
  const matrix = 'https://matrix.example.test:8448/';
  const at = (path) => `https://matrix.example.test:8448${path}`;
  const { fetch, seen } = scripted({
    [`GET ${at('/_matrix/client/v3/sync?timeout=0')}`]: () => json(200, { next_batch: 's' }),
    [`POST ${at('/_matrix/client/v3/keys/device_signing/upload')}`]: () => json(401, {
      flows: [{ stages: ['m.oauth'] }], params: { 'm.oauth': { url: `${ISSUER}account?action=org.matrix.cross_signing_reset` } }, session: 'u1',
    }),
    [`DELETE ${at('/_matrix/client/v3/room_keys/version/1')}`]: () => json(401, { errcode: 'M_INSUFFICIENT_USER_AUTHENTICATION', error: 'x', max_age: 10 }, {
      'www-authenticate': 'Bearer error="insufficient_user_authentication", max_age="10"',
    }),
    [`GET ${at('/_matrix/client/v3/account/whoami')}`]: () => json(401, { errcode: 'M_UNKNOWN_TOKEN', error: 'x', soft_logout: false }),
    [`POST ${at('/_matrix/client/v3/createRoom')}`]: () => new Response('busy', { status: 503 }),
  });
  const call = (method, path, body) => oauth.callMatrix(fetch, engine, matrix, 'at1', { method, path, body });

  const sync = await call('GET', '/_matrix/client/v3/sync?timeout=0');
  assert.deepEqual([sync.status, sync.action, sync.body], [200, null, { next_batch: 's' }]);
  assert.equal(seen[0].headers.authorization, 'Bearer at1');

  const keys = oauth.crossSigningKeys(webcrypto, '@alice:matrix.example.test');
  assert.deepEqual(Object.keys(keys), ['master_key', 'self_signing_key', 'user_signing_key']);
  const uia = await call('POST', '/_matrix/client/v3/keys/device_signing/upload', keys);
  assert.deepEqual(uia.action, { action: 'open_url', url: `${ISSUER}account?action=org.matrix.cross_signing_reset`, session: 'u1' });
  assert.equal(seen[1].headers['content-type'], 'application/json');
  assert.deepEqual(seen[1].body, keys);

  const stepUp = await call('DELETE', '/_matrix/client/v3/room_keys/version/1');
  assert.deepEqual([stepUp.errcode, stepUp.action.action, stepUp.action.max_age], ['M_INSUFFICIENT_USER_AUTHENTICATION', 'reauthenticate', 10]);
  const revoked = await call('GET', '/_matrix/client/v3/account/whoami');
  assert.equal(revoked.action.action, 'logout');
  // A 503 without a JSON body is still interpreted: retry later, never a success.
  const down = await call('POST', '/_matrix/client/v3/createRoom', {});
  assert.deepEqual([down.status, down.action.action], [503, 'retry']);
});

test('revocation and refresh', async () => {
  const { fetch, seen } = scripted({
    [`POST ${METADATA.revocation_endpoint}`]: () => new Response(null, { status: 200 }),
    [`POST ${METADATA.token_endpoint}`]: () => json(200, { access_token: 'at2', token_type: 'bearer', refresh_token: 'rt2' }),
  });
  await oauth.revoke(fetch, METADATA, { clientId: 'c1', token: 'at1' });
  assert.deepEqual(seen[0].body, { token: 'at1', token_type_hint: 'access_token', client_id: 'c1' });
  assert.equal((await oauth.refresh(fetch, METADATA, { clientId: 'c1', refreshToken: 'rt1' })).access_token, 'at2');
  assert.deepEqual(seen[1].body, { grant_type: 'refresh_token', refresh_token: 'rt1', client_id: 'c1' });
  const refused = scripted({ [`POST ${METADATA.revocation_endpoint}`]: () => json(401, { error: 'invalid_client' }) });
  await assert.rejects(oauth.revoke(refused.fetch, METADATA, { clientId: 'c1', token: 'at1' }), { error: 'invalid_client' });
});
