// The account-management page (MSC4191) as a person uses it in a browser: sign in through the
// provider, approve a cross-signing reset (the homeserver's internal endpoint is called with the
// internal secret; a small https server stands in for the homeserver here and records the call),
// list devices and sign one out.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import { after, before, test } from 'node:test';

import {
  Browser, ENGINE, INTERNAL_SECRET, INTROSPECTION_SECRET, authorize, autoSubmits, formsOf, makeCerts, pkce, startServer,
} from './support.mjs';

const engine = await import(ENGINE);
const mas = engine.Policy.fromPreset('mas');
const REDIRECT_URI = 'https://app.example.test:8444/callback';

let certs;
let ca;
let server;
let homeserver;
/** What the stand-in homeserver received, and what it answers next. */
const calls = [];
let nextStatus = 200;

before(async () => {
  certs = makeCerts();
  ca = fs.readFileSync(`${certs}/ca.pem`);
  homeserver = https.createServer({
    cert: fs.readFileSync(`${certs}/matrix.example.test.pem`),
    key: fs.readFileSync(`${certs}/matrix.example.test.key`),
  }, (req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      calls.push({ method: req.method, url: req.url, authorization: req.headers.authorization, type: req.headers['content-type'], body });
      res.writeHead(nextStatus, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise((resolve) => homeserver.listen(0, '127.0.0.1', resolve));
  server = await startServer({ certs, homeserver: `https://matrix.example.test:${homeserver.address().port}` });
});

after(async () => {
  await server?.stop();
  await new Promise((resolve) => (homeserver ? homeserver.close(resolve) : resolve()));
  if (certs) fs.rmSync(certs, { recursive: true, force: true });
});

/** Follows redirects; signs in as `login` when the provider asks. Returns the final response. */
async function open(browser, url, login) {
  let response = await browser.request(url);
  for (let step = 0; step < 10; step += 1) {
    if (response.status >= 300 && response.status < 400) {
      response = await browser.request(new URL(response.headers.location, response.url).href);
      continue;
    }
    const forms = formsOf(response.text, response.url);
    if (autoSubmits(response.text)) {
      // The provider's self-submitting form (a browser's script posts it): here, signing the
      // previous user out before another signs in.
      response = await browser.request(forms[0].action, { method: 'POST', form: forms[0].fields });
      continue;
    }
    const loginForm = forms.find((f) => f.fields.prompt === 'login');
    if (!loginForm) return response;
    response = await browser.request(loginForm.action, { method: 'POST', form: { ...loginForm.fields, login, password: 'any password' } });
  }
  throw new Error('too many steps');
}

const accountUrl = (action, deviceId) => engine.accountUrl(server.url('account'), action, deviceId);

test('cross-signing reset: sign-in, Approve, the homeserver told with the internal secret', async () => {
  const browser = new Browser({ ca });
  const page = await open(browser, accountUrl('org.matrix.cross_signing_reset'), 'alice');
  assert.equal(page.status, 200, page.text);
  assert.equal(page.url, accountUrl('org.matrix.cross_signing_reset'), 'back on the page after the sign-in');
  assert.match(page.text, /@alice:matrix\.example\.test/);
  const form = formsOf(page.text, page.url).find((f) => f.action.endsWith('/account/cross_signing_reset'));
  assert.ok(form, 'the Approve form');
  assert.equal(form.fields.user, 'alice');

  calls.length = 0;
  const approved = await browser.request(form.action, { method: 'POST', form: form.fields });
  assert.equal(approved.status, 200, approved.text);
  assert.match(approved.text, /Approved/);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].method, 'POST');
  assert.equal(calls[0].url, '/_example/internal/approve_cross_signing_reset');
  assert.equal(calls[0].authorization, `Bearer ${INTERNAL_SECRET}`);
  assert.match(calls[0].type, /^application\/json/);
  assert.deepEqual(JSON.parse(calls[0].body), { user_id: '@alice:matrix.example.test' });

  // The homeserver refusing is not an approval.
  nextStatus = 500;
  try {
    const refused = await browser.request(form.action, { method: 'POST', form: form.fields });
    assert.equal(refused.status, 502);
    assert.doesNotMatch(refused.text, /Approved/);
  } finally {
    nextStatus = 200;
  }
});

test('the approval needs the session and the page\'s form token', async () => {
  const browser = new Browser({ ca });
  const page = await open(browser, accountUrl('org.matrix.cross_signing_reset'), 'bob');
  const form = formsOf(page.text, page.url).find((f) => f.action.endsWith('/account/cross_signing_reset'));
  calls.length = 0;
  const forged = await browser.request(form.action, { method: 'POST', form: { ...form.fields, form_token: 'forged' } });
  assert.equal(forged.status, 403);
  const stranger = await new Browser({ ca }).request(form.action, { method: 'POST', form: form.fields });
  assert.equal(stranger.status, 403);
  const otherUser = await browser.request(form.action, { method: 'POST', form: { ...form.fields, user: 'alice' } });
  assert.equal(otherUser.status, 403);
  assert.equal(calls.length, 0, 'the homeserver was never called');
});

test('devices: listed from the user\'s tokens; signing one out makes its token inactive', async () => {
  const browser = new Browser({ ca });
  // A client signs in as carol in this browser, with its own device.
  const registered = JSON.parse((await browser.request(server.url('reg'), {
    method: 'POST',
    json: {
      client_name: 'Device test client',
      client_uri: 'https://app.example.test:8444/',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
    },
  })).text);
  const { scope, deviceId } = mas.loginScope({ deviceId: engine.randomDeviceId(), extra: ['openid'] });
  const { verifier, challenge } = pkce();
  const url = new URL(server.url('auth'));
  url.search = new URLSearchParams({
    client_id: registered.client_id, response_type: 'code', redirect_uri: REDIRECT_URI, scope,
    state: crypto.randomBytes(8).toString('hex'), code_challenge: challenge, code_challenge_method: 'S256',
  }).toString();
  const { params } = await authorize(browser, url.href, { login: 'carol', redirectUri: REDIRECT_URI });
  const tokens = JSON.parse((await browser.request(server.url('token'), {
    method: 'POST',
    form: { grant_type: 'authorization_code', code: params.get('code'), redirect_uri: REDIRECT_URI, client_id: registered.client_id, code_verifier: verifier },
  })).text);
  assert.ok(tokens.access_token);

  const list = await open(browser, accountUrl('org.matrix.devices_list'), 'carol');
  assert.equal(list.status, 200);
  assert.match(list.text, new RegExp(deviceId));
  assert.match(list.text, /Device test client/);
  const view = await open(browser, accountUrl('org.matrix.session_view', deviceId), 'carol');
  assert.equal(view.status, 200);
  assert.match(view.text, /access token/);

  const confirm = await open(browser, accountUrl('org.matrix.session_end', deviceId), 'carol');
  const form = formsOf(confirm.text, confirm.url).find((f) => f.action.endsWith('/account/session_end'));
  assert.ok(form, confirm.text);
  const done = await browser.request(form.action, { method: 'POST', form: form.fields });
  assert.equal(done.status, 200, done.text);
  assert.match(done.text, /signed out/);

  const introspection = JSON.parse((await browser.request(server.url('token/introspection'), {
    method: 'POST', form: { token: tokens.access_token }, basic: ['homeserver', INTROSPECTION_SECRET],
  })).text);
  assert.deepEqual(introspection, { active: false });
  const refresh = await browser.request(server.url('token'), {
    method: 'POST', form: { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: registered.client_id },
  });
  assert.equal(refresh.status, 400);

  // Another user's device is not carol's to see.
  const dave = new Browser({ ca });
  const missing = await open(dave, accountUrl('org.matrix.session_view', deviceId), 'dave');
  assert.equal(missing.status, 404);
});

test('an action the server does not offer is answered 400', async () => {
  const response = await open(new Browser({ ca }), server.url('account?action=org.matrix.account_deactivate'), 'erin');
  assert.equal(response.status, 400);
  assert.match(response.text, /org\.matrix\.cross_signing_reset/);
});

test('a session whose login name is not a Matrix localpart is not an account: the page asks to sign in', async () => {
  const browser = new Browser({ ca });
  // Sign in as an invalid name: the provider keeps asking for a login...
  const first = await browser.request(accountUrl('org.matrix.cross_signing_reset'));
  assert.equal(first.status, 302);
  let response = await browser.request(new URL(first.headers.location, first.url).href);
  response = await browser.request(new URL(response.headers.location, response.url).href);
  const loginForm = formsOf(response.text, response.url).find((f) => f.fields.prompt === 'login');
  response = await browser.request(loginForm.action, { method: 'POST', form: { ...loginForm.fields, login: 'Not Valid', password: 'x' } });
  response = await browser.request(new URL(response.headers.location, response.url).href);
  response = await browser.request(new URL(response.headers.location, response.url).href);
  assert.ok(formsOf(response.text, response.url).some((f) => f.fields.prompt === 'login'), 'asked to sign in again');
  // ...and the account page does not take that session as a user.
  const page = await open(browser, accountUrl('org.matrix.cross_signing_reset'), 'grace');
  assert.equal(page.status, 200);
  assert.match(page.text, /@grace:matrix\.example\.test/);
  assert.doesNotMatch(page.text, /Not Valid/);
});
