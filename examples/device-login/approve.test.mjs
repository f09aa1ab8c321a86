// node --test: how the approver reads the provider's pages and keeps cookies. The page shapes are
// those oidc-provider 9.13 renders (lib/helpers/user_code_form.js, lib/response_modes/form_post.js,
// lib/views/login.js and interaction.js, lib/helpers/defaults.js's device-flow sources); the
// end-to-end run drives the real pages.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { forms, nextStep } from './approve.mjs';
import { CookieJar } from './https.mjs';

const who = { userCode: 'WDJB-MJHT', login: 'alice', password: 'pw' };
const page = (title, body) => `<!DOCTYPE html><html><head><title>${title}</title><style>input[type=text]{}</style></head><body>${body}</body></html>`;

const INPUT = page('Sign-in', `<h1>Sign-in</h1><p>Enter the code displayed on your device</p>
  <form id="op.deviceInputForm" novalidate method="post" action="https://auth.example.test:8443/device">
  <input type="hidden" name="xsrf" value="x&amp;1"/>
  <input
    type="text" name="user_code" placeholder="Enter code" onfocus="this.select(); this.onfocus = undefined;" autofocus autocomplete="off"></input>
  </form>
  <button type="submit" form="op.deviceInputForm">Continue</button>`);
const CONFIRM = page('Device Login Confirmation', `<h1>Confirm Device</h1><p><code>WDJB-MJHT</code></p>
  <form id="op.deviceConfirmForm" method="post" action="https://auth.example.test:8443/device">
<input type="hidden" name="xsrf" value="x1"/>
<input type="hidden" name="user_code" value="WDJB-MJHT"/>
<input type="hidden" name="confirm" value="yes"/>
</form>
  <button autofocus type="submit" form="op.deviceConfirmForm">Continue</button>
  <div class="help"><button type="submit" form="op.deviceConfirmForm" value="yes" name="abort">[ Abort ]</button></div>`);
const LOGIN = page('Sign-in', `<div class="login-card"><h1>Sign-in</h1><form autocomplete="off" action="/interaction/U1" method="post">
  <input type="hidden" name="prompt" value="login"/>
  <input required type="text" name="login" placeholder="Enter any login" autofocus="on">
  <input required type="password" name="password" placeholder="and password" >
  <button type="submit" class="login login-submit">Sign-in</button>
</form></div>`);
const CONSENT = page('Sign-in', `<ul><li>scopes:</li><ul><li>urn:matrix:client:api:*</li></ul></ul>
<form autocomplete="off" action="/interaction/U2" method="post">
  <input type="hidden" name="prompt" value="consent"/>
  <button autofocus type="submit" class="login login-submit">Continue</button>
</form>`);
const FORM_POST = `<!DOCTYPE html><html><head><title>Submitting Callback</title><script>document.forms[0].submit()</script></head>
<body><form method="post" action="https://auth.example.test:8443/device">
    <input type="hidden" name="xsrf" value="x1"/>
<input type="hidden" name="user_code" value="WDJB-MJHT"/>
    <noscript><button autofocus type="submit">Continue</button></noscript></form></body></html>`;

test('each provider page gives the form a person would send', () => {
  const input = nextStep(INPUT, who);
  assert.equal(input.form.action, 'https://auth.example.test:8443/device');
  assert.deepEqual(input.fields, { xsrf: 'x&1', user_code: 'WDJB-MJHT' });
  assert.deepEqual(nextStep(CONFIRM, who).fields, { xsrf: 'x1', user_code: 'WDJB-MJHT', confirm: 'yes' });
  const login = nextStep(LOGIN, who);
  assert.equal(login.form.action, '/interaction/U1');
  assert.deepEqual(login.fields, { prompt: 'login', login: 'alice', password: 'pw' });
  assert.deepEqual(nextStep(CONSENT, who).fields, { prompt: 'consent' });
  assert.deepEqual(nextStep(FORM_POST, who).fields, { xsrf: 'x1', user_code: 'WDJB-MJHT' });
  assert.deepEqual(nextStep(page('Sign-in Success', '<h1>Sign-in Success</h1>'), who), { done: true });
});

test('the example provider\'s own device pages (examples/authorization-server/oidc) read the same way', () => {
  const own = (title, body) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>.error { color: #b00020; }</style></head><body><h1>${title}</h1>${body}</body></html>`;
  const input = own('Sign in a device', `<p>Enter the code shown on your device.</p>${INPUT.slice(INPUT.indexOf('<form'), INPUT.indexOf('</form>') + 7)}<button type="submit" form="op.deviceInputForm">Continue</button>`);
  assert.deepEqual(nextStep(input, who).fields, { xsrf: 'x&1', user_code: 'WDJB-MJHT' });
  const wrong = own('Sign in a device', '<p class="error">That code is not valid. Try again.</p>');
  assert.deepEqual(nextStep(wrong, who), { error: 'That code is not valid. Try again.' });
  const failed = own('Something went wrong', '<dl id="error"><dt>error</dt><dd>invalid_scope</dd>\n<dt>error_description</dt><dd>grant.admin_not_allowed</dd></dl>');
  assert.deepEqual(nextStep(failed, who), { error: 'error invalid_scope error_description grant.admin_not_allowed' });
  assert.deepEqual(nextStep(own('Device signed in', '<p class="done" id="device-done">x is signed in.</p>'), who), { done: true });
});

test('error pages and unknown pages stop the approval', () => {
  const wrong = INPUT.replace('<p>Enter the code displayed on your device</p>', '<p class="red">The code you entered is incorrect. Try again</p>');
  assert.deepEqual(nextStep(wrong, who), { error: 'The code you entered is incorrect. Try again' });
  assert.match(nextStep(page('oops', '<h1>oops</h1><pre>invalid_request</pre>'), who).error, /^an unrecognised page: .*invalid_request/);
  assert.match(nextStep(page('x', '<form method="post" action="/x"><input type="hidden" name="a" value="b"/></form>'), who).error, /unrecognised/);
});

test('forms: attributes, hidden fields and entities', () => {
  const [form] = forms('<form id="f" action="/a?x=1&amp;y=2" method="POST"><input type="hidden" name="n" value="&#34;q&#x27;"/><input name="t"></form>');
  assert.deepEqual({ id: form.id, action: form.action, method: form.method, fields: form.fields }, { id: 'f', action: '/a?x=1&y=2', method: 'POST', fields: { n: '"q\'' } });
  assert.deepEqual(form.inputs.map((i) => i.name), ['n', 't']);
});

test('cookies: per host, by path, replaced, and dropped when cleared or expired', () => {
  const jar = new CookieJar();
  const base = 'https://auth.example.test:8443';
  jar.store(`${base}/device`, { 'set-cookie': ['_session=s1; path=/; httponly', '_session.sig=g1; path=/'] });
  jar.store(`${base}/interaction/U1`, { 'set-cookie': ['_interaction=i1; path=/interaction/U1', '_interaction_resume=r1; path=/device/U1; max-age=600'] });
  assert.equal(jar.header(`${base}/interaction/U1`), '_interaction=i1; _session=s1; _session.sig=g1');
  assert.equal(jar.header(`${base}/interaction/U10`), '_session=s1; _session.sig=g1');
  assert.equal(jar.header(`${base}/device/U1`), '_interaction_resume=r1; _session=s1; _session.sig=g1');
  assert.equal(jar.header('https://matrix.example.test:8448/device/U1'), '');
  jar.store(`${base}/interaction/U1`, { 'set-cookie': '_interaction=; path=/interaction/U1; expires=Thu, 01 Jan 1970 00:00:01 GMT' });
  jar.store(`${base}/x`, { 'set-cookie': ['_session=s2; path=/', '_interaction_resume=; path=/device/U1; max-age=0'] });
  assert.equal(jar.header(`${base}/interaction/U1`), '_session=s2; _session.sig=g1');
  assert.equal(jar.header(`${base}/device/U1`), '_session=s2; _session.sig=g1');
});
