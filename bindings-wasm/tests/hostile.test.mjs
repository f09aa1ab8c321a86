// node --test: hostile arguments. Every export, every argument position (and `this` for the
// methods and getters of the handle classes) gets JavaScript values of every kind; the only
// acceptable outcomes are a result or a `MatrixAuthzError` with a documented code, and the
// module must answer a known-good call correctly afterwards. Then one test per reproduction of
// issue 17, finding 1.
//
// Random probes come from a seeded generator (HOSTILE_SEED, HOSTILE_PROBES), so a failure
// prints what reproduces it.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as authz from 'matrix-authz';

import { throwsCode } from './errors.mjs';

const { Policy, Scope, accountUrl, decide, evaluate, evaluateJson, loginScope, tokenKind, validateDeviceId } = authz;

/** The documented codes (README "Error codes", `ErrorCode` in index.d.ts). */
const CODES = new Set([
  'scope.empty',
  'scope.too_long',
  'scope.too_many_tokens',
  'scope.invalid_char',
  'scope.empty_token',
  'scope.multiple_devices',
  'device_id.empty',
  'device_id.too_short',
  'device_id.too_long',
  'device_id.invalid_char',
  'entropy.insufficient',
  'account.action_unsupported',
  'metadata.too_large',
  'policy.invalid',
  'policy.unknown_preset',
  'input.invalid',
  'op.unknown',
]);

// The caps of README "JavaScript and TypeScript (npm)", in UTF-16 code units.
const SCOPE_UNITS = 2 ** 20;
const DEVICE_ID_UNITS = 4096;
const URI_UNITS = 65536;
const TEXT_UNITS = 16 * 2 ** 20;

const LOGIN = 'openid urn:matrix:client:api:* urn:matrix:client:device:AAbbCCdd01';
const SYNC = { method: 'GET', path: '/_matrix/client/v3/sync', token: { scope: LOGIN } };

/** Throws unless the module still gives its known answers. */
function stillAnswers() {
  const scope = Scope.parse(LOGIN);
  assert.equal(scope.canonical, LOGIN);
  scope.free();
  assert.equal(decide(SYNC).decision, 'allow');
  assert.equal(tokenKind('openid'), 'openid');
  assert.deepEqual(JSON.parse(evaluateJson('scope.parse', '{"scope": "openid"}')).ok.tokens, ['openid']);
}

/** `undefined` when `error` is a MatrixAuthzError with a documented code, else what is wrong. */
function wrongError(error) {
  if (!(error instanceof Error)) return `threw a non-Error: ${typeof error}`;
  if (error.name !== 'MatrixAuthzError') return `threw ${error.name}: ${error.message}`;
  if (!CODES.has(error.code)) return `threw code ${String(error.code)}: ${error.message}`;
  if (typeof error.message !== 'string' || error.message.length === 0) return 'threw without a message';
  return undefined;
}

/** `undefined` when `text` is an evaluateJson answer: `{ok}` or `{error: {code, message}}`. */
function wrongAnswer(text) {
  if (typeof text !== 'string') return `answered a ${typeof text}`;
  const answer = JSON.parse(text);
  if (Object.hasOwn(answer, 'ok')) return undefined;
  if (CODES.has(answer.error?.code) && typeof answer.error.message === 'string') return undefined;
  return `answered ${text.slice(0, 200)}`;
}

function throwing(what) {
  return new Proxy(what, {
    get() {
      throw new Error('get trap');
    },
    has() {
      throw new Error('has trap');
    },
    ownKeys() {
      throw new Error('ownKeys trap');
    },
    getPrototypeOf() {
      throw new Error('getPrototypeOf trap');
    },
    getOwnPropertyDescriptor() {
      throw new Error('getOwnPropertyDescriptor trap');
    },
  });
}

function revoked() {
  const { proxy, revoke } = Proxy.revocable([], {});
  revoke();
  return proxy;
}

function freedScope() {
  const s = Scope.parse('openid');
  s.free();
  return s;
}

const HUGE_TEXT = 'a'.repeat(TEXT_UNITS + 1);

/** Every kind of value, each made fresh (so none is shared state between probes). */
const HOSTILE = [
  () => undefined,
  () => null,
  () => true,
  () => false,
  () => 0,
  () => -0,
  () => NaN,
  () => Infinity,
  () => -Infinity,
  () => 2 ** 64,
  () => -1,
  () => 2.5,
  () => 401,
  () => 10n,
  () => 2n ** 70n,
  () => Symbol('s'),
  () => function named() {},
  () => () => 'openid',
  () => class {},
  () => [],
  () => ['openid', 5],
  () => ['org.matrix.profile'],
  () => new Array(3),
  () => [[['deep']]],
  () => ({}),
  () => ({ length: 2 ** 28 }),
  () => ({ length: 2 ** 32 + 1 }),
  () => ({ length: -1 }),
  () => ({ toString: () => 'openid', valueOf: () => 5 }),
  () => ({
    toString() {
      throw new Error('toString');
    },
    toJSON() {
      throw new Error('toJSON');
    },
  }),
  () => ({
    [Symbol.toPrimitive]() {
      throw new Error('toPrimitive');
    },
  }),
  () => ({
    get method() {
      throw new Error('getter');
    },
    path: '/',
  }),
  () => ({ ...SYNC, policy: 'mas' }),
  () => ({ method: 'GET', path: HUGE_TEXT }),
  () => ({ method: 'GET', path: '/', token: { scope: 5, device_id: [] }, context: throwing({}) }),
  () => ({ deviceId: 'ABCDEFGHIJ', extra: throwing([]) }),
  () => ({ deviceId: 'x'.repeat(DEVICE_ID_UNITS + 1) }),
  () => ({ entropy: new Uint8Array(70000) }),
  () => ({ entropy: throwing(new Uint8Array(4)), userAdmin: 'yes' }),
  () => ({ preset: 'mas', scope_limits: { max_bytes: 2 ** 64 } }),
  () => throwing({}),
  () => throwing([]),
  () => throwing(function target() {}),
  () => revoked(),
  () => new Proxy(new Uint8Array(16), {}),
  () => new Proxy(['openid'], {}),
  () => '',
  () => ' ',
  () => 'openid',
  () => LOGIN,
  () => 'both',
  () => 'authorization_code',
  () => '\uD800',
  () => 'openid \uDC00',
  () => 'a\u0000b',
  () => 'x'.repeat(DEVICE_ID_UNITS + 1),
  () => 'u'.repeat(URI_UNITS + 1),
  () => 'a'.repeat(SCOPE_UNITS + 1),
  () => '\u00e9'.repeat(SCOPE_UNITS),
  () => HUGE_TEXT,
  () => '{"scope": "openid"}',
  () => new Uint8Array(0),
  () => new Uint8Array(32),
  () => new Uint8Array(70000),
  () => new Int8Array(8),
  () => new DataView(new ArrayBuffer(8)),
  () => new ArrayBuffer(8),
  () => Object.setPrototypeOf(new DataView(new ArrayBuffer(8)), Uint8Array.prototype),
  () => new Date(0),
  () => /openid/,
  () => new Map([['scope', 'openid']]),
  () => Promise.resolve('openid'),
  () => Scope.parse('openid'),
  () => freedScope(),
  () => new Policy(),
  () => Object.create(Scope.prototype),
];

/** Arguments that are right for each export, so that a probe reaches every position. */
const GOOD = {
  tokenKind: () => ['openid'],
  satisfies: () => [LOGIN, 'openid'],
  normalize: () => [LOGIN, 'both'],
  loginScope: () => [{ deviceId: 'ABCDEFGHIJ', extra: ['openid'] }],
  interpret: () => [401, {}, { errcode: 'M_UNKNOWN_TOKEN', soft_logout: true }],
  decide: () => [SYNC],
  compare: () => [SYNC, ['default', 'mas']],
  decideGrant: () => [LOGIN, 'authorization_code', { userAdmin: false }],
  accountUrl: () => ['https://account.example.org/', 'org.matrix.profile', 'ABCDEFGHIJ', ['org.matrix.profile']],
  validateDeviceId: () => ['ABCDEFGHIJ'],
  generateDeviceId: () => [new Uint8Array(32), 10],
  randomDeviceId: () => [12],
  evaluate: () => ['scope.parse', { scope: 'openid' }],
  evaluateJson: () => ['scope.parse', '{"scope": "openid"}'],
  ops: () => [],
  initAsync: () => [],
  validateClientMetadata: () => [{ redirect_uris: ['https://a.example/cb'] }],
  validateServerMetadata: () => [{ issuer: 'https://a.example/' }],
  checkRedirectUri: () => ['https://a.example/cb', 'https://a.example/', 'web', 'registration', []],
  'Scope.parse': () => [LOGIN],
  'new Policy': () => [],
  'Policy.fromPreset': () => ['mas'],
  'Policy.fromDocument': () => [{ preset: 'mas' }],
  'Scope#contains': () => ['openid'],
  'Scope#covers': () => ['urn:matrix:org.matrix.msc2967.client:api:*'],
  'Scope#normalize': () => ['both'],
  'Scope#toString': () => [],
  'Scope#free': () => [],
  'Policy#parseScope': () => [LOGIN],
  'Policy#satisfies': () => [LOGIN, 'openid'],
  'Policy#normalize': () => [LOGIN, 'unstable'],
  'Policy#loginScope': () => [{ entropy: new Uint8Array(32) }],
  'Policy#decide': () => [SYNC],
  'Policy#decideGrant': () => [LOGIN, 'authorization_code'],
  'Policy#validateDeviceId': () => ['ABCDEFGHIJ'],
  'Policy#free': () => [],
};

const HANDLES = { Scope: () => Scope.parse(LOGIN), Policy: () => new Policy() };

/**
 * Every callable of the package, found by reflection (so a new export without an entry in
 * GOOD fails below): `{name, call(self, args), good, handle}`; getters take no arguments.
 */
function callables() {
  const found = [];
  for (const [name, value] of Object.entries(authz)) {
    if (typeof value !== 'function') continue;
    if (Object.hasOwn(HANDLES, name)) {
      if (name === 'Policy') found.push({ name: 'new Policy', call: (_, args) => new Policy(...args) });
      for (const key of Object.getOwnPropertyNames(value)) {
        if (['length', 'name', 'prototype'].includes(key) || key.startsWith('__')) continue;
        found.push({ name: `${name}.${key}`, call: (_, args) => value[key](...args) });
      }
      for (const key of Reflect.ownKeys(value.prototype)) {
        if (key === 'constructor' || (typeof key === 'string' && key.startsWith('__'))) continue;
        const desc = Object.getOwnPropertyDescriptor(value.prototype, key);
        if (typeof desc.get !== 'function' && typeof desc.value !== 'function') continue;
        const label = `${name}#${String(key)}`;
        const call = desc.get
          ? (self) => desc.get.call(self)
          : (self, args) => desc.value.apply(self, args);
        const free = desc.value === value.prototype.free;
        found.push({ name: free ? `${name}#free` : label, call, handle: HANDLES[name], getter: Boolean(desc.get) });
      }
    } else {
      found.push({ name, call: (_, args) => value(...args) });
    }
  }
  for (const c of found) {
    c.good = c.getter ? () => [] : GOOD[c.name];
  }
  return found;
}

/** One probe: `undefined` when the outcome is acceptable, else what went wrong. */
function probe(c, self, args) {
  let result;
  try {
    result = c.call(self, args);
  } catch (error) {
    if (c.name === 'evaluateJson') return `threw: ${error}`;
    return wrongError(error);
  }
  if (c.name === 'evaluateJson') return wrongAnswer(result);
  return undefined;
}

function describe(value) {
  if (typeof value === 'string') return value.length > 40 ? `string(${value.length})` : JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol' || typeof value === 'function') return typeof value;
  try {
    return Object.prototype.toString.call(value);
  } catch {
    return 'Proxy';
  }
}

/** A small seeded generator (mulberry32), so a failing run can be repeated. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('every export, every argument position, every kind of value', () => {
  const all = callables();
  const missing = all.filter((c) => c.good === undefined).map((c) => c.name);
  assert.deepEqual(missing, [], 'exports without known-good arguments in this test');
  let probes = 0;
  let failed = 0;
  const failures = [];
  const run = (c, self, args, what) => {
    probes += 1;
    const wrong = probe(c, self, args);
    if (wrong !== undefined) {
      failed += 1;
      if (failures.length < 20) failures.push(`${c.name} ${what}: ${wrong}`);
    }
  };
  // A handle made for one probe is freed after it (a second free does nothing).
  const withHandle = (c, fn) => {
    const self = c.handle?.();
    fn(self);
    self?.free();
  };
  // Each position in turn (one past the last too) takes each value, the others being right.
  for (const c of all) {
    const arity = c.getter ? 0 : c.good().length + 1;
    for (let position = 0; position < arity; position++) {
      for (const make of HOSTILE) {
        const args = c.good();
        const value = make();
        args[position] = value;
        withHandle(c, (self) => run(c, self, args, `argument ${position} = ${describe(value)}`));
      }
    }
    if (c.handle) {
      for (const make of HOSTILE) {
        const value = make();
        run(c, value, c.good(), `this = ${describe(value)}`);
      }
    }
  }
  stillAnswers();
  // Then random mixes: each position right or hostile by a coin, `this` hostile at times.
  const seed = Number(process.env.HOSTILE_SEED ?? 17);
  const count = Number(process.env.HOSTILE_PROBES ?? 5000);
  const random = generator(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  for (let i = 0; i < count; i++) {
    const c = pick(all);
    const args = c.good();
    const width = c.getter ? 0 : args.length + 1;
    const shown = [];
    for (let position = 0; position < width; position++) {
      if (random() < 0.5) {
        args[position] = pick(HOSTILE)();
        shown.push(`${position}=${describe(args[position])}`);
      }
    }
    const what = `(seed ${seed}, probe ${i}) ${shown.join(' ')}`;
    if (c.handle && random() < 0.2) {
      const self = pick(HOSTILE)();
      run(c, self, args, `${what} this=${describe(self)}`);
    } else {
      withHandle(c, (self) => run(c, self, args, what));
    }
    if (i % 500 === 0) stillAnswers();
  }
  stillAnswers();
  process.stdout.write(`# hostile: ${probes} probes over ${all.length} callables (seed ${seed}), ${failed} failed\n`);
  assert.deepEqual(failures, []);
});

test('the reproductions: wrong types are input.invalid naming the argument', () => {
  throwsCode(() => Scope.parse(5), 'input.invalid', /`text` must be a string/);
  throwsCode(() => tokenKind(true), 'input.invalid', /`token` must be a string/);
  throwsCode(() => accountUrl(1, 2), 'input.invalid', /`base` must be a string/);
  for (const value of [null, undefined, ['openid'], () => 'openid', function named() {}]) {
    throwsCode(() => Scope.parse(value), 'input.invalid', /`text` must be a string/);
  }
  // A non-array `supported` is no longer read as an empty list.
  throwsCode(
    () => accountUrl('https://a.example/', 'org.matrix.profile', undefined, 'org.matrix.profile'),
    'input.invalid',
    /`supported` must be an array of strings/,
  );
  throwsCode(() => accountUrl('https://a.example/', 'org.matrix.profile', undefined, [5]), 'input.invalid');
  throwsCode(() => authz.generateDeviceId([1, 2, 3]), 'input.invalid', /`entropy` must be a Uint8Array/);
  const answer = JSON.parse(evaluateJson(5, '{}'));
  assert.equal(answer.error.code, 'input.invalid');
  assert.match(answer.error.message, /`op` must be a string/);
  assert.equal(JSON.parse(evaluateJson('scope.parse', { scope: 'openid' })).error.code, 'input.invalid');
  stillAnswers();
});

test('the reproductions: an object claiming 2**28 units, 100 times, leaves the module working', () => {
  for (let i = 0; i < 100; i++) {
    throwsCode(() => Scope.parse({ length: 2 ** 28 }), 'input.invalid');
    throwsCode(() => authz.generateDeviceId({ length: 2 ** 28 }), 'input.invalid');
    throwsCode(() => accountUrl('https://a.example/', 'org.matrix.profile', undefined, { length: 2 ** 28 }), 'input.invalid');
  }
  stillAnswers();
});

test('the reproductions: a freed handle is input.invalid, a second free does nothing', () => {
  const scope = Scope.parse(LOGIN);
  scope.free();
  throwsCode(() => scope.canonical, 'input.invalid', /this Scope was freed/);
  throwsCode(() => scope.contains('openid'), 'input.invalid', /this Scope was freed/);
  assert.equal(scope.free(), undefined);
  const policy = Policy.fromPreset('mas');
  policy.free();
  throwsCode(() => policy.decide(SYNC), 'input.invalid', /this Policy was freed/);
  throwsCode(() => policy.preset, 'input.invalid', /this Policy was freed/);
  throwsCode(() => Scope.prototype.contains.call({}, 'openid'), 'input.invalid', /`this` is not a Scope/);
  throwsCode(() => Object.create(Policy.prototype).preset, 'input.invalid', /`this` is not a Policy/);
  stillAnswers();
});

test('decide refuses a request that names a policy; evaluate reads it', () => {
  const request = { method: 'GET', path: '/_matrix/client/v3/not_in_the_catalogue', token: { scope: 'urn:matrix:client:api:*' } };
  const deny = { unknown_endpoints: 'deny' };
  // `default` lets an unknown endpoint through; the document denies it. The typed calls are
  // bound to their policy, so a `policy` field is refused rather than ignored (as in Python).
  assert.equal(decide(request).decision, 'allow');
  for (const policy of ['mas', deny, null, 'default']) {
    throwsCode(() => decide({ ...request, policy }), 'input.invalid', /`request\.policy`/);
    throwsCode(() => new Policy().decide({ ...request, policy }), 'input.invalid', /`request\.policy`/);
  }
  assert.equal(decide({ ...request, policy: undefined }).decision, 'allow');
  assert.equal(evaluate('request.decide', { ...request, policy: deny }).decision, 'deny');
  assert.equal(Policy.fromDocument(deny).decide(request).decision, 'deny');
});

test('strings past their caps are refused before they are copied; at the cap the engine answers', () => {
  throwsCode(() => Scope.parse('a'.repeat(SCOPE_UNITS + 1)), 'input.invalid', /`text` is longer than 1048576/);
  const wide = Policy.fromDocument({ scope_limits: { max_bytes: SCOPE_UNITS } });
  assert.equal(wide.parseScope('a'.repeat(SCOPE_UNITS)).size, 1);
  // Within the cap in UTF-16 but past it in UTF-8: the engine's own limit.
  throwsCode(() => wide.parseScope('\u00e9'.repeat(SCOPE_UNITS)), 'scope.too_long');
  throwsCode(() => validateDeviceId('a'.repeat(DEVICE_ID_UNITS + 1)), 'input.invalid', /`id` is longer/);
  throwsCode(() => validateDeviceId('a'.repeat(DEVICE_ID_UNITS)), 'device_id.too_long');
  throwsCode(() => loginScope({ deviceId: 'a'.repeat(DEVICE_ID_UNITS + 1) }), 'input.invalid', /`deviceId`/);
  throwsCode(() => authz.checkRedirectUri('u'.repeat(URI_UNITS + 1), 'https://a.example/', 'web'), 'input.invalid', /`redirectUri`/);
  throwsCode(() => authz.generateDeviceId(new Uint8Array(65537)), 'input.invalid', /65536 bytes/);
  assert.equal(authz.generateDeviceId(new Uint8Array(65536)).length, 10);
  throwsCode(() => evaluate('scope.parse', { scope: 'a'.repeat(TEXT_UNITS) }), 'input.invalid', /as JSON text/);
  throwsCode(() => decide({ method: 'GET', path: 'a'.repeat(TEXT_UNITS + 1) }), 'input.invalid', /together/);
  const tooLong = JSON.parse(evaluateJson('scope.parse', 'a'.repeat(TEXT_UNITS + 1)));
  assert.equal(tooLong.error.code, 'input.invalid');
  assert.match(tooLong.error.message, /`input` is longer than 16777216/);
  stillAnswers();
});

test('lone surrogates become U+FFFD on the way in; NUL is a character like any other', () => {
  // The typed calls encode as TextEncoder does: a lone surrogate is U+FFFD, which the engine
  // then judges (not a scope character; percent-encoded in a URL).
  throwsCode(() => Scope.parse('openid \uD800'), 'scope.invalid_char');
  assert.equal(tokenKind('\uDC00'), 'unknown');
  assert.equal(
    accountUrl('https://a.example/\uD800', 'org.matrix.profile'),
    'https://a.example/\uFFFD?action=org.matrix.profile',
  );
  // `evaluate` goes through JSON text, where JSON.stringify writes `\ud800`, which the engine's
  // JSON reader refuses.
  throwsCode(() => evaluate('scope.parse', { scope: 'openid \uD800' }), 'input.invalid');
  throwsCode(() => Scope.parse('openid\u0000'), 'scope.invalid_char');
  throwsCode(() => validateDeviceId('AB\u0000CD'), 'device_id.invalid_char');
});

test('throwing getters and Proxies are input.invalid, and the module keeps answering', () => {
  const trap = new Proxy({}, {
    get() {
      throw new Error('trap');
    },
  });
  throwsCode(() => decide(trap), 'input.invalid', /reading `request\.policy` threw/);
  throwsCode(() => decide({ method: 'GET', path: '/', token: trap }), 'input.invalid', /reading `token\./);
  throwsCode(() => loginScope(trap), 'input.invalid', /reading `deviceId` threw/);
  throwsCode(() => loginScope({ deviceId: 'ABCDEFGHIJ', extra: new Proxy(['a'], { get: () => { throw new Error('x'); } }) }), 'input.invalid');
  throwsCode(() => evaluate('scope.parse', trap), 'input.invalid');
  assert.equal(JSON.parse(evaluateJson(trap, trap)).error.code, 'input.invalid');
  stillAnswers();
});
