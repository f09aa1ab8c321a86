// node --test: the typed API, imported by the package's name (ESM and CommonJS).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

import * as authz from 'matrix-authz';

import { throwsCode } from './errors.mjs';
import { readVectorFiles } from './vectors.mjs';

const {
  Policy,
  Scope,
  accountUrl,
  checkRedirectUri,
  decide,
  decideGrant,
  evaluate,
  evaluateJson,
  generateDeviceId,
  initAsync,
  interpret,
  loginScope,
  normalize,
  ops,
  randomDeviceId,
  satisfies,
  tokenKind,
  validateClientMetadata,
  validateDeviceId,
  validateServerMetadata,
} = authz;

const LOGIN = 'openid urn:matrix:client:api:* urn:matrix:client:device:AAbbCCdd01';

test('initAsync resolves in node (the module loads on import)', async () => {
  assert.equal(await initAsync(), undefined);
});

test('Scope.parse reads the parts', () => {
  const s = Scope.parse(LOGIN);
  assert.deepEqual(s.tokens, ['openid', 'urn:matrix:client:api:*', 'urn:matrix:client:device:AAbbCCdd01']);
  assert.equal(s.canonical, LOGIN);
  assert.equal(String(s), LOGIN);
  assert.equal(s.size, 3);
  assert.equal(s.hasApi, true);
  assert.equal(s.device, 'AAbbCCdd01');
  assert.equal(s.synapseAdmin, false);
  assert.deepEqual(s.namespaces, ['stable']);
  assert.equal(s.contains('openid'), true);
  assert.equal(s.contains('email'), false);
  assert.equal(s.covers('urn:matrix:org.matrix.msc2967.client:api:*'), true);
  const both = s.normalize('both');
  assert.equal(both.size, 5);
  assert.deepEqual(both.namespaces, ['stable', 'unstable']);
  assert.equal(Scope.parse('email').device, undefined);
  assert.equal(Scope.parse('urn:synapse:admin:*').synapseAdmin, true);
  s.free();
  both.free();
});

test('Scope.parse errors carry codes', () => {
  throwsCode(() => Scope.parse(''), 'scope.empty');
  throwsCode(() => Scope.parse('a  b'), 'scope.empty_token');
  throwsCode(() => Scope.parse('a"b'), 'scope.invalid_char');
  throwsCode(() => Scope.parse('x'.repeat(4097)), 'scope.too_long');
  throwsCode(() => Scope.parse(Array(65).fill('a').join(' ')), 'scope.too_many_tokens');
  throwsCode(
    () => Scope.parse('urn:matrix:client:device:A urn:matrix:client:device:B'),
    'scope.multiple_devices',
  );
  throwsCode(() => Scope.parse(LOGIN).normalize('sideways'), 'input.invalid');
});

test('tokenKind classifies one token', () => {
  assert.equal(tokenKind('urn:matrix:client:api:*'), 'api');
  assert.equal(tokenKind('urn:matrix:org.matrix.msc2967.client:device:X'), 'device');
  assert.equal(tokenKind('openid'), 'openid');
  assert.equal(tokenKind('urn:mas:graphql:*'), 'mas_graphql');
  assert.equal(tokenKind('whatever'), 'unknown');
});

test('satisfies and normalize', () => {
  assert.deepEqual(satisfies('urn:matrix:org.matrix.msc2967.client:api:*', 'openid urn:matrix:client:api:*'), {
    satisfied: false,
    missing: ['openid'],
  });
  assert.deepEqual(satisfies(LOGIN, ''), { satisfied: true, missing: [] });
  throwsCode(() => satisfies('a  b', 'openid'), 'scope.empty_token');
  assert.equal(normalize('urn:matrix:org.matrix.msc2967.client:api:* openid', 'stable'), 'openid urn:matrix:client:api:*');
  throwsCode(() => normalize('openid', 'nope'), 'input.invalid');
  throwsCode(() => normalize('', 'stable'), 'scope.empty');
});

test('Policy: presets, documents and policy-bound calls', () => {
  assert.equal(new Policy().preset, 'default');
  const mas = Policy.fromPreset('mas');
  assert.equal(mas.preset, 'mas');
  throwsCode(() => Policy.fromPreset('nope'), 'policy.unknown_preset');
  throwsCode(() => mas.validateDeviceId('abc'), 'device_id.too_short');
  assert.equal(mas.validateDeviceId('ABCDEFGHIJ'), undefined);
  throwsCode(() => mas.parseScope('urn:matrix:client:device:abc'), 'device_id.too_short');
  const synapse = Policy.fromDocument('synapse');
  assert.equal(synapse.parseScope(' openid ').canonical, 'openid');
  assert.deepEqual(synapse.satisfies(' openid', 'openid'), { satisfied: true, missing: [] });
  assert.equal(synapse.normalize('urn:matrix:client:api:* ', 'unstable'), 'urn:matrix:org.matrix.msc2967.client:api:*');
  const doc = Policy.fromDocument({ preset: 'mas', approval: 'single_use', extra_tokens: { patterns: ['urn:x:[a-z]+'] } });
  assert.equal(doc.preset, 'mas');
  throwsCode(() => Policy.fromDocument({ nope: 1 }), 'policy.invalid');
  throwsCode(() => Policy.fromDocument({ extra_tokens: { patterns: ['('] } }), 'policy.invalid');
  throwsCode(() => Policy.fromDocument('nope'), 'policy.unknown_preset');
  throwsCode(() => Policy.fromDocument(42), 'policy.invalid');
  const login = mas.loginScope({ deviceId: 'ABCDEFGHIJ', form: 'unstable' });
  assert.equal(login.deviceId, 'ABCDEFGHIJ');
  throwsCode(() => mas.loginScope({ deviceId: 'short' }), 'device_id.too_short');
  for (const p of [mas, synapse, doc]) p.free();
});

test('device ids: validate, generate from entropy, random', () => {
  assert.equal(validateDeviceId('a#'), undefined);
  throwsCode(() => validateDeviceId(''), 'device_id.empty');
  throwsCode(() => validateDeviceId('é'), 'device_id.invalid_char');
  throwsCode(() => validateDeviceId('a'.repeat(256)), 'device_id.too_long');
  assert.equal(generateDeviceId(new Uint8Array([0, 0xf8, 0xff, 61, 62, 247]), 4), 'A9A9');
  assert.equal(generateDeviceId(new Uint8Array(10)), 'AAAAAAAAAA');
  throwsCode(() => generateDeviceId(new Uint8Array([0xf8, 0xf9]), 1), 'entropy.insufficient');
  throwsCode(() => generateDeviceId(new Uint8Array(300), 0), 'input.invalid');
  throwsCode(() => generateDeviceId(new Uint8Array(300), 256), 'input.invalid');
  throwsCode(() => generateDeviceId(new Uint8Array(300), 2.5), 'input.invalid');
  const a = randomDeviceId();
  const b = randomDeviceId(40);
  assert.match(a, /^[A-Za-z0-9]{10}$/);
  assert.match(b, /^[A-Za-z0-9]{40}$/);
  assert.notEqual(a, randomDeviceId());
  throwsCode(() => randomDeviceId(0), 'input.invalid');
});

test('loginScope', () => {
  assert.deepEqual(loginScope({ deviceId: 'AAbbCCdd01', extra: ['openid'] }), {
    scope: LOGIN,
    deviceId: 'AAbbCCdd01',
  });
  const derived = loginScope({ entropy: new Uint8Array(16), form: 'both' });
  assert.equal(derived.deviceId, 'AAAAAAAAAA');
  assert.equal(derived.scope.split(' ').length, 4);
  assert.equal(loginScope({ deviceId: 'X', entropy: new Uint8Array(0) }).deviceId, 'X');
  throwsCode(() => loginScope({}), 'input.invalid');
  throwsCode(() => loginScope({ deviceId: 'X', extra: [''] }), 'scope.empty_token');
  throwsCode(() => loginScope({ deviceId: 'X', extra: ['urn:matrix:client:device:Y'] }), 'scope.multiple_devices');
  throwsCode(() => loginScope({ deviceId: 7 }), 'input.invalid');
  throwsCode(() => loginScope({ entropy: 'aa' }), 'input.invalid');
  throwsCode(() => loginScope({ deviceId: 'X', form: 'nope' }), 'input.invalid');
  throwsCode(() => loginScope({ deviceId: 'X', extra: 'openid' }), 'input.invalid');
  throwsCode(() => loginScope(null), 'input.invalid');
  throwsCode(() => loginScope({ entropy: new Uint8Array([0xff]) }), 'entropy.insufficient');
});

test('evaluate: plain objects in, plain objects out, coded errors', () => {
  const parsed = evaluate('scope.parse', { scope: LOGIN });
  assert.equal(parsed.api, 'full');
  assert.equal(parsed.device, 'AAbbCCdd01');
  assert.deepEqual(parsed.namespaces, ['stable']);
  assert.deepEqual(evaluate('device.validate', { device_id: 'abc' }), {});
  assert.deepEqual(evaluate('device.generate', { entropy: '00f8ff3d3ef7', length: 4 }), { device_id: 'A9A9' });
  throwsCode(() => evaluate('nope', {}), 'op.unknown');
  throwsCode(() => evaluate('scope.parse', {}), 'input.invalid');
  throwsCode(() => evaluate('scope.parse', undefined), 'input.invalid');
  throwsCode(() => evaluate('scope.parse', { scope: 1n }), 'input.invalid');
  throwsCode(() => evaluate('scope.parse', { scope: 'a', policy: 'nope' }), 'policy.unknown_preset');
  throwsCode(() => evaluate('device.validate', { device_id: 'abc', policy: 'mas' }), 'device_id.too_short');
  const cyclic = { scope: 'a' };
  cyclic.self = cyclic;
  throwsCode(() => evaluate('scope.parse', cyclic), 'input.invalid');
});

test('evaluate reaches every op core lists', () => {
  const listed = ops();
  assert.ok(listed.includes('scope.parse'));
  assert.ok(listed.includes('request.decide'));
  for (const op of listed) {
    // An empty input is never `op.unknown` for an op core dispatches.
    try {
      evaluate(op, {});
    } catch (e) {
      assert.ok(e instanceof Error);
      assert.notEqual(e.code, 'op.unknown', `${op} is listed but not dispatched`);
    }
  }
});

test('evaluateJson answers the JSON envelope and never throws', () => {
  assert.deepEqual(JSON.parse(evaluateJson('scope.parse', '{"scope": "openid"}')).ok.tokens, ['openid']);
  assert.equal(JSON.parse(evaluateJson('scope.parse', '[')).error.code, 'input.invalid');
  assert.equal(JSON.parse(evaluateJson('nope', '{}')).error.code, 'op.unknown');
});

test('CommonJS require gives the same module instance and classes', () => {
  const require = createRequire(import.meta.url);
  const cjs = require('matrix-authz');
  assert.equal(cjs.Scope, Scope);
  assert.equal(cjs.evaluate, evaluate);
  assert.equal(cjs.Scope.parse('openid').canonical, 'openid');
});

test('decide / policy.decide agree with evaluate(request.decide)', () => {
  const login = 'urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ';
  const requests = [
    { method: 'GET', path: '/_matrix/client/v3/sync', token: { scope: login } },
    { method: 'GET', path: '/_matrix/client/v3/sync' },
    { method: 'GET', path: '/_matrix/client/v3/sync', token: { scope: 'openid' } },
    { method: 'POST', path: '/_matrix/client/v3/logout', token: { scope: login } },
    { method: 'DELETE', path: '/_matrix/client/v3/devices/ABC', token: { scope: login }, context: { account_management_uri: 'https://a.example/' } },
  ];
  const synapse = Policy.fromPreset('synapse');
  for (const request of requests) {
    assert.deepEqual(decide(request), evaluate('request.decide', request));
    assert.deepEqual(synapse.decide(request), evaluate('request.decide', { ...request, policy: 'synapse' }));
  }
  assert.equal(decide(requests[0]).decision, 'allow');
  assert.equal(decide(requests[1]).errcode, 'M_MISSING_TOKEN');
  throwsCode(() => decide({ method: 'GET' }), 'input.invalid');
  throwsCode(() => decide({ method: 'GET', path: '/x', token: {} }), 'input.invalid');
  throwsCode(() => decide(null), 'input.invalid');
  synapse.free();
});

test('every request.decide vector: policy.decide (the request read in place) answers as evaluate', () => {
  const outcome = (fn) => {
    try {
      return { ok: fn() };
    } catch (e) {
      return { error: e.code };
    }
  };
  let cases = 0;
  for (const { doc } of readVectorFiles()) {
    for (const c of doc?.cases ?? []) {
      if (c.op !== 'request.decide') continue;
      cases += 1;
      const expected = outcome(() => evaluate('request.decide', c.input));
      const policy = outcome(() => (c.input?.policy === undefined ? new Policy() : Policy.fromDocument(c.input.policy)));
      // The policy is the handle's; the request itself may not name one.
      const plain = c.input !== null && typeof c.input === 'object' && !Array.isArray(c.input);
      const { policy: _, ...request } = plain ? c.input : {};
      const got = policy.error ? policy : outcome(() => policy.ok.decide(plain ? request : c.input));
      assert.deepEqual(got, expected, c.id);
      policy.ok?.free();
    }
  }
  assert.ok(cases > 100, `${cases} request.decide vectors`);
  // Values JSON text cannot carry read as absent; wrong types are refused as in JSON.
  const request = { method: 'GET', path: '/_matrix/client/v3/sync', token: { scope: LOGIN } };
  assert.deepEqual(decide({ ...request, now: undefined, extra: () => 1 }), decide(request));
  assert.deepEqual(decide({ ...request, now: NaN }), evaluate('request.decide', { ...request, now: NaN }));
  for (const bad of [{ now: 1.5 }, { now: '1' }, { now: 10n }, { token: [] }, { context: 'x' }, { path: 1 }]) {
    throwsCode(() => decide({ ...request, ...bad }), 'input.invalid');
  }
  throwsCode(() => decide([request]), 'input.invalid');
});

test('decideGrant agrees with evaluate(grant.decide)', () => {
  const cases = [
    ['urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ', 'authorization_code', {}],
    ['urn:matrix:client:api:*', 'authorization_code', { entropy: new Uint8Array(16) }, '00000000000000000000000000000000'],
    ['urn:matrix:client:api:*', 'client_credentials', {}],
    ['urn:synapse:admin:* urn:matrix:client:api:*', 'authorization_code', { userAdmin: true, entropy: new Uint8Array(16) }, '00000000000000000000000000000000'],
    ['', 'authorization_code', undefined],
  ];
  for (const [scope, grantType, options, hex] of cases) {
    const input = { scope, grant_type: grantType };
    if (options?.userAdmin) input.user = { admin: true };
    if (hex) input.entropy = hex;
    assert.deepEqual(decideGrant(scope, grantType, options), evaluate('grant.decide', input), scope);
    const mas = Policy.fromPreset('mas');
    assert.deepEqual(mas.decideGrant(scope, grantType, options), evaluate('grant.decide', { ...input, policy: 'mas' }), scope);
    mas.free();
  }
  throwsCode(() => decideGrant('openid', 'password'), 'input.invalid');
  throwsCode(() => decideGrant('a  b', 'authorization_code'), 'scope.empty_token');
  throwsCode(() => decideGrant('openid', 'authorization_code', { userAdmin: 'yes' }), 'input.invalid');
  throwsCode(() => decideGrant('openid', 'authorization_code', { entropy: 'aa' }), 'input.invalid');
  throwsCode(() => decideGrant('urn:matrix:client:api:*', 'authorization_code', { entropy: new Uint8Array(1) }), 'entropy.insufficient');
});

test('accountUrl', () => {
  const base = 'https://account.example.org/account/';
  assert.equal(accountUrl(base, 'org.matrix.profile'), 'https://account.example.org/account/?action=org.matrix.profile');
  assert.equal(
    accountUrl(base, 'org.matrix.device_view', 'AB CD'),
    evaluate('account.url', { account_management_uri: base, action: 'org.matrix.device_view', device_id: 'AB CD' }).url,
  );
  assert.equal(
    accountUrl(base, 'org.matrix.devices_list', undefined, ['org.matrix.sessions_list']),
    'https://account.example.org/account/?action=org.matrix.sessions_list',
  );
  throwsCode(() => accountUrl(base, 'org.matrix.devices_list', undefined, ['org.matrix.profile']), 'account.action_unsupported');
  throwsCode(() => accountUrl(base, ''), 'input.invalid');
  throwsCode(() => accountUrl(base, 'org.matrix.device_view', ''), 'input.invalid');
});

test('registration checks agree with their ops', () => {
  const uris = [
    ['https://app.example.org/cb', 'https://app.example.org/', 'web'],
    ['http://app.example.org/cb', 'https://app.example.org/', 'web'],
    ['http://127.0.0.1/cb', 'https://app.example.org/', 'native'],
    ['http://127.0.0.1:8080/cb', 'https://app.example.org/', 'native', 'authorization', ['http://127.0.0.1/cb']],
    ['https://app.example.org/cb#x', 'https://app.example.org/', 'web'],
  ];
  for (const [redirect_uri, client_uri, application_type, stage, registered] of uris) {
    const input = { redirect_uri, client_uri, application_type };
    if (stage) input.stage = stage;
    if (registered) input.registered = registered;
    assert.deepEqual(checkRedirectUri(redirect_uri, client_uri, application_type, stage, registered), evaluate('redirect_uri.check', input));
  }
  throwsCode(() => checkRedirectUri('https://a.example/cb', 'not a uri', 'web'), 'input.invalid');
  throwsCode(() => checkRedirectUri('https://a.example/cb', 'https://a.example/', 'desktop'), 'input.invalid');
  throwsCode(() => checkRedirectUri('https://a.example/cb', 'https://a.example/', 'web', 'later'), 'input.invalid');
  for (const metadata of [{}, null, 7, { client_uri: 'https://a.example/', redirect_uris: ['https://a.example/cb'] }]) {
    assert.deepEqual(validateClientMetadata(metadata), evaluate('client_metadata.validate', { metadata }));
    assert.deepEqual(validateServerMetadata(metadata), evaluate('server_metadata.validate', { metadata }));
  }
  assert.equal(validateClientMetadata({}).valid, false);
});

test('interpret agrees with evaluate(client.interpret) and the client-interpret vectors', () => {
  const file = readVectorFiles().find((f) => f.name.endsWith('client-interpret.json'));
  assert.ok(file?.doc, 'client-interpret.json');
  let typed = 0;
  for (const { id, input, expect } of file.doc.cases) {
    const { status, headers, body } = input;
    // Vectors whose status is not a number exercise the op's input checks: evaluate covers them.
    if (typeof status !== 'number') continue;
    typed += 1;
    if (expect.error) {
      throwsCode(() => interpret(status, headers, body), expect.error);
    } else {
      const result = interpret(status, headers, body);
      assert.deepEqual(result, expect.ok, id);
      assert.deepEqual(result, evaluate('client.interpret', input), id);
    }
  }
  assert.ok(typed >= 50, `${typed} vectors through interpret`);
});

test('interpret: each action, optional arguments, coded errors', () => {
  assert.deepEqual(interpret(401, undefined, { errcode: 'M_UNKNOWN_TOKEN', soft_logout: true }), { action: 'refresh' });
  assert.deepEqual(interpret(401, null, { errcode: 'M_UNKNOWN_TOKEN' }), { action: 'logout' });
  assert.deepEqual(interpret(401), { action: 'fail' });
  assert.deepEqual(interpret(429, { 'retry-after': '2' }), { action: 'retry', retry_after_ms: 2000 });
  assert.deepEqual(interpret(503, {}, { retry_after_ms: 1500 }), { action: 'retry', retry_after_ms: 1500 });
  const reauth = interpret(401, undefined, {
    errcode: 'M_INSUFFICIENT_USER_AUTHENTICATION',
    acr_values: 'urn:example:mfa',
    max_age: 60,
  });
  assert.deepEqual(reauth, { action: 'reauthenticate', acr_values: 'urn:example:mfa', max_age: 60, scope: null });
  const uia = interpret(401, undefined, {
    session: 'S1',
    flows: [{ stages: ['m.oauth'] }],
    params: { 'm.oauth': { url: 'https://account.example.org/reset' } },
  });
  assert.deepEqual(uia, { action: 'open_url', url: 'https://account.example.org/reset', session: 'S1' });
  // A repeated header as an array, names in any case.
  const repeated = interpret(401, { 'WWW-Authenticate': ['Basic realm="x"', 'Bearer error="insufficient_user_authentication", max_age="5"'] });
  assert.deepEqual(repeated, evaluate('client.interpret', { status: 401, headers: { 'www-authenticate': ['Basic realm="x"', 'Bearer error="insufficient_user_authentication", max_age="5"'] } }));
  throwsCode(() => interpret(200), 'input.invalid');
  throwsCode(() => interpret(401.5), 'input.invalid');
  throwsCode(() => interpret(-1), 'input.invalid');
  throwsCode(() => interpret(70000), 'input.invalid');
  throwsCode(() => interpret('401'), 'input.invalid');
  throwsCode(() => interpret(401, 'x'), 'input.invalid');
  throwsCode(() => interpret(401, { a: 1 }), 'input.invalid');
  throwsCode(() => interpret(401, undefined, 'body'), 'input.invalid');
  throwsCode(() => interpret(401, undefined, [1]), 'input.invalid');
});
