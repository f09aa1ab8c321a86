// node --test: why an answer (README "Why this answer", FORMAT.md v4 Explanations): step, reason
// and setting on every decision, never in the HTTP answer; compare; errors' path. Expected
// values come from DECISIONS.md's step table and the README's reason table.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Policy, compare, decide, evaluate } from 'matrix-authz';

import { throwsCode } from './errors.mjs';

const FULL = 'urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ';
const SYNC = '/_matrix/client/v3/sync';
const CREATE = '/_matrix/client/v3/createRoom';
const ACCOUNT = 'https://account.example.org/account/';
const STEP_UP = { step_up: [{ endpoints: ['createRoom'], max_age: 300 }] };

test('decisions explain themselves, in the typed API as in evaluate', () => {
  const cases = [
    ['default', { method: 'OPTIONS', path: SYNC }, 0, 'request.preflight', null],
    ['default', { method: 'GET', path: SYNC }, 4, 'token.missing', null],
    ['default', { method: 'GET', path: SYNC, token: { scope: FULL, active: false } }, 6, 'token.inactive', null],
    ['synapse', { method: 'GET', path: SYNC, token: { scope: 'openid' } }, 10, 'scope.api_missing', null],
    ['default', { method: 'POST', path: CREATE, token: { scope: FULL, guest: true } }, 12, 'guest.endpoint_not_allowed', null],
    [{ guest_endpoints: ['createRoom'] }, { method: 'POST', path: CREATE, token: { scope: FULL, guest: true } }, 18, 'request.allowed', 'guest_endpoints'],
    [{ unknown_endpoints: 'deny' }, { method: 'GET', path: '/_matrix/client/v3/nope', token: { scope: FULL } }, 16, 'endpoint.unknown', 'unknown_endpoints'],
    [STEP_UP, { method: 'POST', path: CREATE, token: { scope: FULL, auth_time: 1 }, now: 1000 }, 17, 'step_up.max_age_exceeded', 'step_up[0]'],
    ['default', { method: 'GET', path: SYNC, token: { scope: FULL } }, 18, 'request.allowed', null],
  ];
  for (const [policy, request, step, reason, setting] of cases) {
    const typed = Policy.fromDocument(policy).decide(request);
    assert.deepEqual([typed.step, typed.reason, typed.setting], [step, reason, setting], JSON.stringify(request));
    assert.deepEqual(typed, evaluate('request.decide', { ...request, policy }));
  }
  assert.equal(decide({ method: 'GET', path: SYNC, token: { scope: FULL } }).reason, 'request.allowed');
});

test('the explanation is never part of the HTTP answer', () => {
  const answers = [
    [{ method: 'GET', path: SYNC, token: { scope: 'openid' } }, 'default', ['errcode', 'error']],
    [{ method: 'POST', path: CREATE, token: { scope: FULL }, now: 1 }, STEP_UP, ['errcode', 'error', 'max_age']],
    [
      {
        method: 'POST',
        path: '/_matrix/client/v3/keys/device_signing/upload',
        token: { scope: FULL },
        context: { account_management_uri: ACCOUNT, uia_session: 's' },
      },
      'default',
      ['flows', 'params', 'session'],
    ],
  ];
  for (const [request, policy, bodyKeys] of answers) {
    const result = Policy.fromDocument(policy).decide(request);
    assert.deepEqual(Object.keys(result.body).sort(), bodyKeys);
    assert.ok(Object.keys(result.headers).every((name) => name === 'www-authenticate'));
    assert.ok(['step', 'reason', 'setting'].every((k) => Object.hasOwn(result, k)));
  }
});

test('compare: each policy side by side, and the fields that differ', () => {
  const request = { method: 'GET', path: SYNC, token: { scope: 'openid' } };
  // DECISIONS.md step 10: 403 with a challenge under default and mas, 401 without under synapse.
  const all = compare(request, ['default', 'mas', 'synapse']);
  assert.deepEqual(all.results.map((r) => [r.status, r.errcode, r.step]), [
    [403, 'M_FORBIDDEN', 10],
    [403, 'M_FORBIDDEN', 10],
    [401, 'M_UNKNOWN_TOKEN', 10],
  ]);
  assert.deepEqual(all.differences, ['status', 'errcode', 'headers', 'body']);
  assert.deepEqual(compare(request, ['default', 'mas']).differences, []);
  const withDocument = compare({ method: 'POST', path: CREATE, token: { scope: FULL }, now: 1 }, ['default', STEP_UP]);
  assert.ok(withDocument.differences.includes('reason') && withDocument.differences.includes('setting'));
  for (const wrong of [['default'], 'default', [], Array(17).fill('default')]) {
    throwsCode(() => compare(request, wrong), 'input.invalid');
  }
  throwsCode(() => compare(request, ['default', 'nope']), 'policy.unknown_preset', /^policies\[1\]: /);
});

test('errors point at the offending place', () => {
  const input = throwsCode(() => decide({ method: 'GET', path: SYNC, token: { scope: 5 } }), 'input.invalid');
  assert.equal(input.path, '/token/scope');
  const document = { step_up: [{ endpoints: ['sync'], max_age: 'x' }] };
  assert.equal(throwsCode(() => Policy.fromDocument(document), 'policy.invalid').path, '/step_up/0/max_age');
  assert.equal(throwsCode(() => evaluate('scope.parse', { scope: 'a  b' }), 'scope.empty_token').path, undefined);
});

test('grant refusals name the tokens each violation concerns', () => {
  const DEVICE = 'urn:matrix:client:device:ABCDEFGHIJ';
  const refused = Policy.fromPreset('mas').decideGrant(`${DEVICE} urn:matrix:client:api:*`, 'client_credentials');
  assert.deepEqual(refused.violations, ['grant.api_not_interactive']);
  assert.deepEqual(refused.violation_tokens, { 'grant.api_not_interactive': ['urn:matrix:client:api:*', DEVICE] });
  const input = { policy: 'mas', scope: `${DEVICE} urn:matrix:client:api:*`, grant_type: 'client_credentials' };
  assert.deepEqual(refused, evaluate('grant.decide', input));
  assert.deepEqual(Policy.fromPreset('mas').decideGrant(`urn:matrix:client:api:* ${DEVICE}`, 'authorization_code').violation_tokens, {});
});
