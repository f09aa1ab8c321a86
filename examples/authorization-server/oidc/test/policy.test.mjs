// lib/policy.mjs on its own: the decisions the server's hooks ask for, including the token-request
// decision, which the end-to-end tests cannot provoke (a code only ever holds a scope that was
// already granted at the authorization request).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { errors } from 'oidc-provider';

import { AUTHORIZATION_CODE, DEVICE_CODE, createMatrixPolicy, originalGrantType } from '../lib/policy.mjs';
import { ENGINE } from './support.mjs';

const engine = await import(ENGINE);
const policy = createMatrixPolicy({ engine, errors });
const device = (id = engine.randomDeviceId()) => `urn:matrix:client:device:${id}`;
const login = (id) => `openid urn:matrix:client:api:* ${device(id)}`;

function refusal(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  assert.fail('expected a refusal');
}

test('the token request: refused scopes are invalid_scope with the engine\'s codes, granted ones pass', () => {
  const id = engine.randomDeviceId();
  const granted = policy.checkIssuance({ grantType: AUTHORIZATION_CODE, scope: login(id), source: {}, accountId: 'alice' });
  assert.deepEqual(granted, { granted: ['openid', 'urn:matrix:client:api:*', device(id)], device: id });

  const two = refusal(() => policy.checkIssuance({ grantType: DEVICE_CODE, scope: `${login()} ${device()}`, source: {}, accountId: 'alice' }));
  assert.ok(two instanceof errors.InvalidScope);
  assert.match(two.error_description, /grant\.multiple_devices/);

  const admin = `${login()} urn:synapse:admin:*`;
  assert.match(refusal(() => policy.checkIssuance({ grantType: AUTHORIZATION_CODE, scope: admin, source: {}, accountId: 'alice' })).error_description, /grant\.admin_not_allowed/);
  assert.equal(policy.checkIssuance({ grantType: AUTHORIZATION_CODE, scope: admin, source: {}, accountId: 'admin' }).granted.length, 4);

  // Grant types without a Matrix rule here are refused, not waved through.
  assert.ok(refusal(() => policy.checkIssuance({ grantType: 'client_credentials', scope: 'openid', source: {}, accountId: 'alice' })) instanceof errors.InvalidGrant);
});

test('refresh: covered and grantable, or refused', () => {
  const id = engine.randomDeviceId();
  const source = { scope: login(id), gty: 'authorization_code refresh_token' };
  assert.equal(policy.checkRefresh({ requested: undefined, source, accountId: 'alice' }).device, id);
  assert.deepEqual(policy.checkRefresh({ requested: `urn:matrix:client:api:* ${device(id)}`, source, accountId: 'alice' }).granted, ['urn:matrix:client:api:*', device(id)]);
  assert.match(refusal(() => policy.checkRefresh({ requested: `${login(id)} urn:synapse:admin:*`, source, accountId: 'admin' })).error_description, /not_covered/);
  assert.match(refusal(() => policy.checkRefresh({ requested: device(id), source, accountId: 'alice' })).error_description, /grant\.device_without_api/);
  assert.ok(refusal(() => policy.checkRefresh({ requested: undefined, source: { scope: login(id), gty: 'implicit' }, accountId: 'alice' })) instanceof errors.InvalidGrant);
  assert.equal(originalGrantType('device_code refresh_token'), DEVICE_CODE);
});

test('authorization: user-independent before the sign-in, the user\'s own after', () => {
  const admin = `${login()} urn:synapse:admin:*`;
  assert.equal(policy.decideAuthorization({ route: 'authorization', scope: admin, accountId: undefined }).granted.length, 4);
  assert.match(refusal(() => policy.decideAuthorization({ route: 'resume', scope: admin, accountId: 'bob' })).error_description, /grant\.admin_not_allowed/);
  assert.match(refusal(() => policy.decideAuthorization({ route: 'authorization', scope: 'openid  urn:matrix:client:api:*', accountId: undefined })).error_description, /scope\.empty_token/);
});

test('registration and redirect URIs', () => {
  const good = { client_uri: 'https://app.example.test/', redirect_uris: ['https://app.example.test/cb'], grant_types: ['authorization_code', 'refresh_token'] };
  assert.equal(policy.checkRegistration(good), undefined);
  const bad = refusal(() => policy.checkRegistration({ ...good, redirect_uris: ['https://elsewhere.test/cb'] }));
  assert.equal(bad.message, 'invalid_redirect_uri');
  assert.match(bad.error_description, /redirect_uris\.host/);
  assert.equal(refusal(() => policy.checkRegistration({ redirect_uris: ['https://elsewhere.test/cb'] })).message, 'invalid_client_metadata');
  assert.equal(refusal(() => policy.checkRegistration('not an object')).message, 'invalid_client_metadata');

  const client = { clientUri: 'https://app.example.test/', applicationType: 'web', redirectUris: ['https://app.example.test/cb'] };
  assert.equal(policy.checkRedirect('https://app.example.test/cb', client), undefined);
  const refused = refusal(() => policy.checkRedirect('https://elsewhere.test/cb', client));
  assert.equal(refused.message, 'invalid_redirect_uri');
  assert.equal(refused.allow_redirect, false);
});

test('introspection claims', () => {
  const id = engine.randomDeviceId();
  assert.deepEqual(policy.tokenClaims({ scope: login(id), accountId: 'alice', authTime: 1700000000, acr: undefined }), {
    username: 'alice', device_id: id, auth_time: 1700000000, acr: 'urn:example:acr:pwd',
  });
  assert.equal(policy.tokenClaims({ scope: 'openid', accountId: 'guest7' }).matrix_example_guest, true);
  assert.equal(policy.tokenClaims({ scope: 'openid', accountId: 'guest7' }).device_id, undefined);
});
