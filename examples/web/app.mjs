// The web client: a login scope with a fresh device id, account-management links from the
// server's metadata, and what to do about the server's 401 answers. Every step checks its
// result; the page shows them and leaves a summary in `window.__example` for the test.
import { accountUrl, evaluate, initAsync, loginScope, randomDeviceId } from 'matrix-authz';

const checks = [];
function check(name, ok, detail) {
  checks.push({ name, ok, detail });
}

function show(listId, html) {
  const item = document.createElement(listId === 'login' ? 'div' : 'li');
  item.innerHTML = html;
  document.getElementById(listId).append(item);
}

const escape = (text) => String(text).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

async function login() {
  // A fresh device id from the browser's crypto.getRandomValues, in the login scope (MSC2967).
  const deviceId = randomDeviceId();
  const { scope } = loginScope({ deviceId, extra: ['openid'] });
  const authorize = new URL('https://auth.example.org/authorize');
  authorize.search = new URLSearchParams({ response_type: 'code', client_id: 'web-example', scope }).toString();
  show('login', `<dt>Device id</dt><dd id="device-id">${escape(deviceId)}</dd>`);
  show('login', `<dt>Scope</dt><dd><code id="scope">${escape(scope)}</code></dd>`);
  show('login', `<dt>Authorization request</dt><dd><a id="authorize" href="${escape(authorize)}">${escape(authorize)}</a></dd>`);
  check('the device id has 10 characters', /^[A-Za-z0-9]{10}$/.test(deviceId), deviceId);
  check('the scope names the device', scope.split(' ').includes(`urn:matrix:client:device:${deviceId}`), scope);
  check('the scope asks for the client-server API', scope.split(' ').includes('urn:matrix:client:api:*'), scope);
  return deviceId;
}

async function accountLinks(deviceId) {
  const metadata = await (await fetch('/_matrix/client/v1/auth_metadata')).json();
  const base = metadata.account_management_uri;
  const supported = metadata.account_management_actions_supported;
  const links = {
    profile: accountUrl(base, 'org.matrix.profile', null, supported),
    devices: accountUrl(base, 'org.matrix.devices_list', null, supported),
    'this device': accountUrl(base, 'org.matrix.device_view', deviceId, supported),
    // The server lists only the unstable name of this action: the link uses it.
    'sign this device out': accountUrl(base, 'org.matrix.device_delete', deviceId, supported),
  };
  for (const [label, url] of Object.entries(links)) {
    show('account', `<a class="account-link" href="${escape(url)}">${escape(label)}</a>: <code>${escape(url)}</code>`);
  }
  check('device links carry the device id', links['this device'].endsWith(`&device_id=${deviceId}`), links['this device']);
  check('an unsupported stable action falls back to its unstable name', links['sign this device out'].includes('action=org.matrix.session_end'), links['sign this device out']);
}

/** Sends a request and asks the engine what the client does about the error answer. */
async function interpret(method, path, token) {
  const response = await fetch(path, { method, headers: { authorization: `Bearer ${token}` } });
  const body = await response.json();
  const action = evaluate('client.interpret', { status: response.status, headers: Object.fromEntries(response.headers), body });
  const details = Object.entries(action).filter(([k, v]) => k !== 'action' && v !== null).map(([k, v]) => `${k}: ${v}`);
  show('answers', `<code>${method} ${escape(path)}</code> → ${response.status} → <strong class="action">${action.action}</strong> ${escape(details.join(', '))}`);
  return action;
}

async function answers() {
  const uia = await interpret('POST', '/_matrix/client/v3/keys/device_signing/upload', 'web-demo-token');
  check('a cross-signing reset opens the account page', uia.action === 'open_url' && uia.url === 'https://auth.example.org/account/?action=org.matrix.cross_signing_reset', JSON.stringify(uia));
  check('and retries with the UIA session', uia.session === 'session-1', JSON.stringify(uia));
  const stepUp = await interpret('DELETE', '/_matrix/client/v3/room_keys/version/1', 'web-demo-token');
  check('a stale login re-authenticates within max_age', stepUp.action === 'reauthenticate' && stepUp.max_age === 300, JSON.stringify(stepUp));
  const revoked = await interpret('GET', '/_matrix/client/v3/account/whoami', 'revoked-token');
  check('a revoked token signs the client out', revoked.action === 'logout', JSON.stringify(revoked));
}

async function main() {
  try {
    await initAsync();
    const deviceId = await login();
    await accountLinks(deviceId);
    await answers();
  } catch (error) {
    check('the example runs', false, `${error.code ?? error.name}: ${error.message}`);
  }
  const failed = checks.filter((c) => !c.ok);
  const status = document.getElementById('status');
  status.textContent = `${checks.length - failed.length} of ${checks.length} checks passed`;
  for (const c of failed) {
    const line = document.createElement('p');
    line.className = 'fail';
    line.textContent = `FAILED: ${c.name} (${c.detail})`;
    status.after(line);
  }
  window.__example = { checks, failed: failed.length };
}

main();
