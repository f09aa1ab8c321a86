// node --test: the typed API, imported by the package's name (ESM and CommonJS).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

import * as authz from 'matrix-authz';

const {
  Policy,
  Scope,
  evaluate,
  evaluateJson,
  generateDeviceId,
  initAsync,
  loginScope,
  normalize,
  ops,
  randomDeviceId,
  satisfies,
  tokenKind,
  validateDeviceId,
} = authz;

const LOGIN = 'openid urn:matrix:client:api:* urn:matrix:client:device:AAbbCCdd01';

/** Asserts that `fn` throws a real Error whose `code` is `code` (never a string). */
function throwsCode(fn, code) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, `expected ${code}, nothing was thrown`);
  assert.ok(caught instanceof Error, `expected an Error, got ${typeof caught}: ${caught}`);
  assert.equal(caught.name, 'MatrixAuthzError');
  assert.equal(caught.code, code, caught.message);
  assert.equal(typeof caught.message, 'string');
  assert.ok(caught.message.length > 0);
  return caught;
}

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
