// The web client page: signs in at the authorization server with the authorization code grant and
// PKCE (after registering itself), asks for the client-server API and a device scope built by the
// engine's `loginScope`, calls the homeserver with the token, and follows what the engine's
// `interpret` says about each error answer: the account page for a cross-signing reset (MSC4312),
// a fresh sign-in with `max_age` for a step-up challenge (RFC 9470), signing out for a dead token,
// trying later for a 503. The protocol steps live in oauth.mjs; this file is the page around them.
//
// State that must survive the trip to the provider and back (the pending request with its PKCE
// verifier, the session) is kept in sessionStorage: it belongs to this tab only.
import {
  accountUrl, checkRedirectUri, initAsync, interpret, loginScope, randomDeviceId, Scope, validateClientMetadata, validateServerMetadata,
} from 'matrix-authz';

import * as oauth from './oauth.mjs';

const engine = { interpret, Scope, validateClientMetadata, validateServerMetadata, checkRedirectUri };
/** fetch, with the browser's bare `TypeError` (no answer, a TLS failure or a CORS refusal: the page
 * cannot tell which) turned into an error that names the URL. */
async function fetcher(url, init) {
  try {
    return await globalThis.fetch(url, init);
  } catch (error) {
    const method = init?.method ?? 'GET';
    throw new oauth.ClientError('network', `${method} ${url}: no answer the page may read (server down, TLS or CORS): ${error.message}`);
  }
}
const $ = (id) => document.getElementById(id);

const store = {
  get: (key) => JSON.parse(sessionStorage.getItem(key) ?? 'null'),
  set: (key, value) => sessionStorage.setItem(key, JSON.stringify(value)),
  remove: (key) => sessionStorage.removeItem(key),
};

let config;
let metadata;

// -- what the page shows ---------------------------------------------------------------------

function setState(state) {
  document.body.dataset.state = state;
}

function showError(error) {
  const text = `${error.code ?? error.name}: ${error.message}`;
  $('error').hidden = false;
  $('error').textContent = $('error').textContent ? `${$('error').textContent}\n${text}` : text;
  document.body.dataset.error = error.code ?? error.name;
}

function notice(text) {
  $('notice').textContent = text;
}

/** One line of the exchange log; `fields` become `data-*` attributes the tests read. The log is
 * kept in sessionStorage too, so the lines from before a trip to the provider stay on the page. */
function logLine(text, fields) {
  const entry = { text, fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)])) };
  store.set('log', [...(store.get('log') ?? []), entry]);
  renderLogLine(entry);
}

function renderLogLine({ text, fields }) {
  const item = document.createElement('li');
  item.className = 'exchange';
  Object.assign(item.dataset, fields);
  item.textContent = text;
  $('log').append(item);
}

function showSession() {
  const session = store.get('session');
  const signedIn = session !== null;
  document.body.dataset.signedIn = String(signedIn);
  $('account-id').textContent = session?.sub ?? '';
  $('user-id').textContent = session?.userId ?? '';
  $('device-id').textContent = session?.deviceId ?? '';
  $('scope').textContent = session?.scope ?? '';
  $('auth-time').textContent = session?.authTime ? new Date(session.authTime * 1000).toISOString() : '';
  $('status').textContent = signedIn ? `signed in as ${session.sub}, device ${session.deviceId}` : 'signed out';
  $('sign-in').disabled = metadata === undefined;
  for (const id of ['sign-out', 'sync', 'whoami', 'create-room', 'upload-keys', 'delete-backup']) $(id).disabled = !signedIn;
  const uia = store.get('uia');
  $('uia').hidden = uia === null || !signedIn;
  if (uia) $('uia-open').href = uia.url;
  showAccountLinks(session);
}

/** MSC4191 links into the provider's account page, from its discovery document. */
function showAccountLinks(session) {
  const list = $('account-links');
  list.replaceChildren();
  const base = metadata?.account_management_uri;
  if (!base || !session) return;
  const supported = metadata.account_management_actions_supported;
  const links = [
    ['your devices', accountUrl(base, 'org.matrix.devices_list', null, supported)],
    ['this session', accountUrl(base, 'org.matrix.session_view', session.deviceId, supported)],
    ['end this session', accountUrl(base, 'org.matrix.session_end', session.deviceId, supported)],
  ];
  for (const [label, url] of links) {
    const item = document.createElement('li');
    const link = Object.assign(document.createElement('a'), { href: url, textContent: label, target: '_blank', rel: 'noopener', className: 'account-link' });
    item.append(link);
    list.append(item);
  }
}

// -- signing in ------------------------------------------------------------------------------

async function registeredClient() {
  const redirectUri = `${location.origin}/callback`;
  const known = store.get('client');
  if (known?.issuer === metadata.issuer && known.redirectUri === redirectUri) return known;
  try {
    const registered = await oauth.register(fetcher, engine, oauth.clientMetadata(location.origin), metadata.registration_endpoint);
    logLine(`POST registration → 201, client ${registered.client_id}`, { name: 'registration', status: 201 });
    const client = { issuer: metadata.issuer, redirectUri, clientId: registered.client_id };
    store.set('client', client);
    $('client-id').textContent = client.clientId;
    return client;
  } catch (error) {
    logLine(`POST registration → ${error.status ?? 'failed'} ${error.error ?? error.code}`, { name: 'registration', status: error.status ?? '', error: error.error ?? error.code });
    throw error;
  }
}

/**
 * Starts an authorization request and leaves the page for the provider. Without `scope` it is a
 * new login with a fresh device id; a step-up keeps the scope (and so the device) of the session
 * and carries `max_age` / `acr_values`, and `retry` is the request to send again afterwards.
 */
async function signIn({ scope, maxAge, acrValues, retry } = {}) {
  const client = await registeredClient();
  let requested = scope;
  let deviceId;
  if (requested === undefined) {
    ({ scope: requested, deviceId } = loginScope({ deviceId: randomDeviceId(), extra: ['openid'] }));
  } else {
    const parsed = Scope.parse(requested);
    deviceId = parsed.device;
    parsed.free();
  }
  const { url, pending } = await oauth.authorizationRequest(crypto, metadata, {
    clientId: client.clientId,
    redirectUri: client.redirectUri,
    scope: requested,
    deviceId,
    maxAge,
    acrValues,
  });
  store.set('pending', { ...pending, retry: retry ?? null });
  setState('redirecting');
  location.assign(url);
}

/** The provider sent the browser back to /callback: finish the grant, then any pending retry. */
async function finishSignIn() {
  const callbackUrl = location.href;
  const pending = store.get('pending');
  // One use: the code and the verifier leave the address bar and the storage before anything else.
  store.remove('pending');
  history.replaceState(null, '', '/');
  const code = oauth.readCallback(callbackUrl, pending, metadata);
  let tokens;
  try {
    tokens = await oauth.exchangeCode(fetcher, metadata, pending, code);
    logLine('POST token (authorization_code) → 200', { name: 'token', status: 200 });
  } catch (error) {
    logLine(`POST token (authorization_code) → ${error.status ?? 'failed'} ${error.error ?? error.code}`, { name: 'token', status: error.status ?? '', error: error.error ?? error.code });
    throw error;
  }
  const granted = oauth.grantedScope(engine, tokens, pending.scope, pending.deviceId);
  const claims = await oauth.verifyIdToken(fetcher, crypto, metadata, tokens.id_token, pending);
  const previous = store.get('session');
  store.set('session', {
    clientId: pending.clientId,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token ?? null,
    scope: granted.scope,
    deviceId: granted.deviceId,
    sub: claims.sub,
    authTime: claims.auth_time ?? null,
    // The same account keeps its Matrix user id (read by whoami) across a step-up.
    userId: previous?.sub === claims.sub ? previous.userId : null,
  });
  store.remove('uia');
  showSession();
  if (pending.retry) {
    notice(`signed in again; retrying ${pending.retry.request.method} ${pending.retry.request.path}`);
    await call(pending.retry.name, pending.retry.request, { afterStepUp: true });
  }
}

// -- the homeserver --------------------------------------------------------------------------

const REQUESTS = {
  sync: { method: 'GET', path: '/_matrix/client/v3/sync?timeout=0' },
  whoami: { method: 'GET', path: '/_matrix/client/v3/account/whoami' },
  'create-room': { method: 'POST', path: '/_matrix/client/v3/createRoom', body: {} },
  'delete-backup': { method: 'DELETE', path: '/_matrix/client/v3/room_keys/version/1' },
};
const KEYS_UPLOAD = '/_matrix/client/v3/keys/device_signing/upload';

/** Sends one request with the session's token and follows the engine's advice on an error. */
async function call(name, request, { afterStepUp = false, afterRefresh = false } = {}) {
  const session = store.get('session');
  const result = await oauth.callMatrix(fetcher, engine, config.matrix, session.accessToken, request);
  const action = result.action;
  const details = action ? Object.entries(action).filter(([k, v]) => k !== 'action' && v !== null).map(([k, v]) => `${k}: ${v}`).join(', ') : '';
  const summary = `${request.method} ${request.path} → ${result.status}${result.errcode ? ` ${result.errcode}` : ''}${action ? ` → ${action.action}${details ? ` (${details})` : ''}` : ''}`;
  logLine(summary, { name, status: result.status, errcode: result.errcode, action: action?.action, body: JSON.stringify(result.body).slice(0, 2000) });
  if (name === 'whoami' && result.status === 200 && typeof result.body.user_id === 'string') {
    store.set('session', { ...session, userId: result.body.user_id });
    showSession();
  }
  if (action) await follow(name, request, action, { afterStepUp, afterRefresh });
  else notice(`${request.method} ${request.path}: ${result.status}`);
  return result;
}

async function follow(name, request, action, { afterStepUp, afterRefresh }) {
  const session = store.get('session');
  switch (action.action) {
    case 'open_url': {
      // Only the provider's own account page is opened: a homeserver cannot send the user elsewhere.
      const page = new URL(action.url);
      if (page.protocol !== 'https:' || page.origin !== new URL(metadata.account_management_uri).origin) {
        throw new oauth.ClientError('uia.foreign_url', `the homeserver asks to open \`${action.url}\`, which is not the provider's account page`);
      }
      store.set('uia', { name, request, session: action.session, url: action.url });
      showSession();
      notice('approve the request in your account page, then retry');
      break;
    }
    case 'reauthenticate':
      if (afterStepUp) {
        notice('the homeserver still asks for a fresh authentication; not retrying again');
        break;
      }
      notice(`the homeserver asks for a fresh authentication (max_age ${action.max_age ?? '-'}); signing in again`);
      await signIn({ scope: action.scope ?? session.scope, maxAge: action.max_age ?? undefined, acrValues: action.acr_values ?? undefined, retry: { name, request } });
      break;
    case 'refresh':
      if (session.refreshToken && !afterRefresh) {
        const tokens = await oauth.refresh(fetcher, metadata, { clientId: session.clientId, refreshToken: session.refreshToken });
        const granted = oauth.grantedScope(engine, tokens, session.scope, session.deviceId);
        store.set('session', { ...session, accessToken: tokens.access_token, refreshToken: tokens.refresh_token ?? session.refreshToken, scope: granted.scope });
        logLine('POST token (refresh_token) → 200', { name: 'refresh', status: 200 });
        await call(name, request, { afterStepUp, afterRefresh: true });
      } else {
        signedOut('the session expired and cannot be refreshed');
      }
      break;
    case 'logout':
      signedOut('the homeserver no longer accepts the token');
      break;
    case 'retry':
      notice(`the homeserver cannot answer now; try again later${action.retry_after_ms ? ` (in ${action.retry_after_ms} ms)` : ''}`);
      break;
    default:
      notice(`${request.method} ${request.path} failed`);
  }
}

function signedOut(reason) {
  store.remove('session');
  store.remove('uia');
  showSession();
  notice(`signed out: ${reason}`);
}

async function userId() {
  const session = store.get('session');
  if (session.userId) return session.userId;
  const result = await call('whoami', REQUESTS.whoami);
  if (result.status !== 200) throw new oauth.ClientError('whoami.failed', `whoami answered ${result.status}`);
  return result.body.user_id;
}

async function uploadKeys() {
  const keys = oauth.crossSigningKeys(crypto, await userId());
  await call('upload-keys', { method: 'POST', path: KEYS_UPLOAD, body: keys });
}

/** MSC4312: the same upload again, with the UIA session, once the user approved. */
async function retryUia() {
  const uia = store.get('uia');
  store.remove('uia');
  showSession();
  await call(uia.name, { ...uia.request, body: { ...uia.request.body, auth: { session: uia.session } } });
}

async function signOut() {
  const session = store.get('session');
  await oauth.revoke(fetcher, metadata, { clientId: session.clientId, token: session.accessToken });
  logLine('POST revocation (access_token) → 200', { name: 'revocation', status: 200 });
  if (session.refreshToken) await oauth.revoke(fetcher, metadata, { clientId: session.clientId, token: session.refreshToken, hint: 'refresh_token' });
  signedOut('you signed out');
}

/** Runs a button's work with the page marked busy; errors are shown, never swallowed. */
function action(id, work) {
  $(id).addEventListener('click', async () => {
    setState('busy');
    try {
      await work();
    } catch (error) {
      showError(error);
    }
    if (document.body.dataset.state === 'busy') setState('idle');
  });
}

async function main() {
  await initAsync();
  config = await (await fetcher('/config.json')).json();
  $('issuer').textContent = config.auth;
  $('matrix').textContent = `homeserver: ${config.matrix}`;
  metadata = await oauth.discover(fetcher, engine, config.auth);
  $('discovery').textContent = 'valid (the engine\'s validateServerMetadata)';
  $('client-id').textContent = store.get('client')?.clientId ?? 'not registered yet';
  for (const entry of store.get('log') ?? []) renderLogLine(entry);
  action('sign-in', () => signIn());
  action('sign-out', signOut);
  for (const name of Object.keys(REQUESTS)) action(name, () => call(name, REQUESTS[name]));
  action('upload-keys', uploadKeys);
  action('uia-retry', retryUia);
  showSession();
  if (location.pathname === '/callback') await finishSignIn();
}

main()
  .catch(showError)
  .finally(() => {
    if (document.body.dataset.state !== 'redirecting') setState('idle');
  });
