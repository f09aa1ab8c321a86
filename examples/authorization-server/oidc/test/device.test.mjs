// The device authorization grant (RFC 8628, MSC4341) end to end with plain https requests: a
// command-line client asks for a user code, a person enters it on the provider's pages in a
// browser, signs in and approves, and the client's polling gets a token whose device scope the
// engine decided.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';

import { Browser, ENGINE, INTROSPECTION_SECRET, formsOf, makeCerts, startServer } from './support.mjs';

const engine = await import(ENGINE);
const mas = engine.Policy.fromPreset('mas');

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const CLI_CLIENT = {
  client_name: 'Test device client',
  client_uri: 'https://cli.example.test/',
  grant_types: [DEVICE_GRANT, 'refresh_token'],
  response_types: [],
  token_endpoint_auth_method: 'none',
  application_type: 'native',
};

let certs;
let server;
let ca;
let discovery;
let clientId;

before(async () => {
  certs = makeCerts();
  ca = fs.readFileSync(`${certs}/ca.pem`);
  server = await startServer({ certs });
  discovery = JSON.parse((await api().request(server.url('.well-known/openid-configuration'))).text);
  const registered = await api().request(discovery.registration_endpoint, { method: 'POST', json: CLI_CLIENT });
  assert.equal(registered.status, 201, registered.text);
  clientId = JSON.parse(registered.text).client_id;
});

after(async () => {
  await server?.stop();
  if (certs) fs.rmSync(certs, { recursive: true, force: true });
});

const api = () => new Browser({ ca });

async function post(url, form, basic) {
  const response = await api().request(url, { method: 'POST', form, basic });
  return { status: response.status, body: JSON.parse(response.text) };
}

const poll = (deviceCode) => post(discovery.token_endpoint, { grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: clientId });

/**
 * What the person does in a browser: open the verification URI, type the user code, confirm, sign
 * in as `login`, approve. Returns the titles of the pages seen and the last page's HTML.
 */
async function approveInBrowser(verificationUri, userCode, login) {
  const browser = api();
  const seen = [];
  let response = await browser.request(verificationUri);
  assert.equal(response.status, 200);
  const input = formsOf(response.text, response.url).find((f) => f.id === 'op.deviceInputForm');
  assert.ok(input, 'the user code form');
  seen.push('code');
  response = await browser.request(input.action, { method: 'POST', form: { ...input.fields, user_code: userCode } });
  assert.equal(response.status, 200, response.text);
  const confirm = formsOf(response.text, response.url).find((f) => f.id === 'op.deviceConfirmForm');
  assert.ok(confirm, `the confirmation form: ${response.text}`);
  seen.push('confirm');
  response = await browser.request(confirm.action, { method: 'POST', form: confirm.fields });
  for (let step = 0; step < 12; step += 1) {
    if (response.status >= 300 && response.status < 400) {
      response = await browser.request(new URL(response.headers.location, response.url).href);
      continue;
    }
    const forms = formsOf(response.text, response.url);
    const loginForm = forms.find((f) => f.fields.prompt === 'login');
    const consentForm = forms.find((f) => f.fields.prompt === 'consent');
    if (loginForm) {
      seen.push('login');
      response = await browser.request(loginForm.action, { method: 'POST', form: { ...loginForm.fields, login, password: 'any password' } });
    } else if (consentForm) {
      seen.push('consent');
      response = await browser.request(consentForm.action, { method: 'POST', form: consentForm.fields });
    } else {
      return { seen, page: response.text, status: response.status };
    }
  }
  throw new Error('the device sign-in did not finish');
}

test('the device flow: code, browser approval, polling, a token bound to the requested device', async () => {
  const { scope, deviceId } = mas.loginScope({ deviceId: engine.randomDeviceId(), extra: ['openid'] });
  const authorization = await post(discovery.device_authorization_endpoint, { client_id: clientId, scope });
  assert.equal(authorization.status, 200, JSON.stringify(authorization.body));
  const { device_code: deviceCode, user_code: userCode, verification_uri: verificationUri, interval } = authorization.body;
  assert.ok(deviceCode && userCode);
  assert.ok(interval === undefined || interval >= 1, "RFC 8628: interval defaults to 5 s");
  assert.equal(verificationUri, server.url('device'));

  const pending = await poll(deviceCode);
  assert.equal(pending.status, 400);
  assert.equal(pending.body.error, 'authorization_pending');

  const { seen, page } = await approveInBrowser(verificationUri, userCode, 'alice');
  assert.deepEqual(seen, ['code', 'confirm', 'login', 'consent']);
  assert.match(page, /id="device-done"/);

  const tokens = await poll(deviceCode);
  assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  assert.deepEqual(tokens.body.scope.split(' ').sort(), scope.split(' ').sort());
  assert.ok(tokens.body.refresh_token);

  const introspection = await post(discovery.introspection_endpoint, { token: tokens.body.access_token }, ['homeserver', INTROSPECTION_SECRET]);
  assert.equal(introspection.body.active, true);
  assert.equal(introspection.body.username, 'alice');
  assert.equal(introspection.body.device_id, deviceId);
  assert.equal(introspection.body.acr, 'urn:example:acr:pwd');
  assert.ok(Number.isInteger(introspection.body.auth_time));

  // A refresh keeps the device-code grant's rules.
  const refreshed = await post(discovery.token_endpoint, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token, client_id: clientId });
  assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
  assert.deepEqual(refreshed.body.scope.split(' ').sort(), scope.split(' ').sort());

  // The device code is spent; redeeming it again revokes the whole sign-in (RFC 6749 section
  // 4.1.2's advice for codes, which oidc-provider applies to device codes too).
  const again = await poll(deviceCode);
  assert.equal(again.status, 400);
  assert.equal(again.body.error, 'invalid_grant');
  const after_ = await post(discovery.introspection_endpoint, { token: refreshed.body.access_token }, ['homeserver', INTROSPECTION_SECRET]);
  assert.deepEqual(after_.body, { active: false });
});

test('two device scopes: the device authorization request itself is refused with the engine\'s code', async () => {
  const scope = `${mas.loginScope({ deviceId: engine.randomDeviceId() }).scope} urn:matrix:client:device:${engine.randomDeviceId()}`;
  const expected = mas.decideGrant(scope, DEVICE_GRANT, { userAdmin: true });
  assert.ok(expected.violations.includes('grant.multiple_devices'));
  const { status, body } = await post(discovery.device_authorization_endpoint, { client_id: clientId, scope });
  assert.equal(status, 400);
  assert.equal(body.error, 'invalid_scope');
  assert.match(body.error_description, /grant\.multiple_devices/);
});

test('an admin scope for a non-admin: refused once the user signs in, and the client is told', async () => {
  const scope = `${mas.loginScope({ deviceId: engine.randomDeviceId() }).scope} urn:synapse:admin:*`;
  const authorization = await post(discovery.device_authorization_endpoint, { client_id: clientId, scope });
  assert.equal(authorization.status, 200, 'an admin could be granted it: decided after the sign-in');
  const { seen, page } = await approveInBrowser(authorization.body.verification_uri, authorization.body.user_code, 'bob');
  assert.deepEqual(seen, ['code', 'confirm', 'login']);
  assert.match(page, /grant\.admin_not_allowed/);
  const answer = await poll(authorization.body.device_code);
  assert.equal(answer.status, 400);
  assert.equal(answer.body.error, 'invalid_scope');
  assert.match(answer.body.error_description, /grant\.admin_not_allowed/);
});
