// The account-management pages (MSC4191): `GET /account?action=...&device_id=...`, the URL this
// server advertises as `account_management_uri`. A Matrix client opens it in a browser, as it
// does with MAS.
//
// The user is the one signed in to this provider in that browser (its session cookie). Without a
// session the page first sends the browser through a sign-in (an authorization request of the
// first-party client `account`, whose only purpose is to create that session), then comes back.
// Forms carry a token bound to the session (HMAC), so another site cannot post them: the example's
// names share the site `example.test`, so SameSite=Lax cookies alone would not stop it.
//
// Actions:
// - org.matrix.cross_signing_reset: an "Approve" button; approving calls the homeserver's internal
//   endpoint (`POST /_example/internal/approve_cross_signing_reset`, Bearer internal secret, JSON
//   `{"user_id": ...}`), as MAS tells Synapse, and the page says "Approved".
// - org.matrix.devices_list (unstable: org.matrix.sessions_list): the user's devices, from the
//   device scopes of their live access and refresh tokens.
// - org.matrix.device_view (org.matrix.session_view): one device's tokens.
// - org.matrix.device_delete (org.matrix.session_end): "Sign out" revokes every token of that device.

import crypto from 'node:crypto';
import querystring from 'node:querystring';

import { escapeHtml, page } from './html.mjs';
import { postJson } from './net.mjs';
import { isLocalpart } from './policy.mjs';

export const ACTIONS = {
  crossSigningReset: ['org.matrix.cross_signing_reset'],
  devicesList: ['org.matrix.devices_list', 'org.matrix.sessions_list'],
  deviceView: ['org.matrix.device_view', 'org.matrix.session_view'],
  deviceDelete: ['org.matrix.device_delete', 'org.matrix.session_end'],
};
export const SUPPORTED_ACTIONS = Object.values(ACTIONS).flat();

/** The first-party client the account page signs in with (registered statically in server.mjs). */
export const ACCOUNT_CLIENT_ID = 'account';
export const ACCOUNT_CALLBACK = 'account/callback';

const BODY_LIMIT = 16 * 1024;
const SIGN_IN_TTL_MS = 10 * 60 * 1000;
const SIGN_IN_LIMIT = 1000;

/**
 * The account pages as koa middleware for the provider's app (`provider.use`): requests under
 * `/account` are answered here, everything else goes on to the provider.
 */
export function accountPages({ provider, store, policy, issuer, homeserver, serverName, internalSecret, ca }) {
  const base = new URL('account', issuer).pathname;
  const callbackPath = new URL(ACCOUNT_CALLBACK, issuer).pathname;
  const formKey = crypto.randomBytes(32);
  /** state → { returnTo, expires }: sign-ins under way. */
  const signIns = new Map();

  const userId = (accountId) => `@${accountId}:${serverName}`;

  function formToken(session, purpose) {
    return crypto.createHmac('sha256', formKey).update(`${session.uid}\n${purpose}`).digest('base64url');
  }

  function formTokenValid(session, purpose, token) {
    const expected = Buffer.from(formToken(session, purpose));
    const given = Buffer.from(String(token ?? ''));
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  }

  function send(ctx, status, title, body) {
    ctx.status = status;
    ctx.type = 'html';
    ctx.set('cache-control', 'no-store');
    ctx.body = page(title, body);
  }

  /** The provider session of this browser, when a user (a valid Matrix localpart) signed in. */
  async function signedInSession(ctx) {
    const session = await provider.Session.get(ctx);
    return isLocalpart(session?.accountId) ? session : null;
  }

  /** Starts the sign-in that creates the provider session, then returns to `returnTo`. */
  function startSignIn(ctx) {
    const now = Date.now();
    for (const [state, pending] of signIns) if (pending.expires <= now) signIns.delete(state);
    if (signIns.size >= SIGN_IN_LIMIT) {
      send(ctx, 503, 'Try again later', '<p>Too many sign-ins are under way.</p>');
      return;
    }
    const state = crypto.randomBytes(16).toString('base64url');
    signIns.set(state, { returnTo: ctx.originalUrl, expires: now + SIGN_IN_TTL_MS });
    const url = new URL('auth', issuer);
    url.search = new URLSearchParams({
      client_id: ACCOUNT_CLIENT_ID,
      response_type: 'code',
      redirect_uri: new URL(ACCOUNT_CALLBACK, issuer).href,
      scope: 'openid',
      state,
      // PKCE is required of every client; this code is never redeemed (the session is the point),
      // so no verifier is kept.
      code_challenge: crypto.randomBytes(32).toString('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    ctx.redirect(url.pathname + url.search);
  }

  async function readForm(ctx) {
    if (!ctx.is('application/x-www-form-urlencoded')) return null;
    const chunks = [];
    let size = 0;
    for await (const chunk of ctx.req) {
      size += chunk.length;
      if (size > BODY_LIMIT) return null;
      chunks.push(chunk);
    }
    return querystring.parse(Buffer.concat(chunks).toString('utf8'));
  }

  /** The user's devices: device id → { tokens: [{ model, id, payload }], clients, expires }. */
  function devicesOf(accountId) {
    const devices = new Map();
    for (const token of store.tokensOf(accountId)) {
      const device = policy.tokenClaims({ scope: token.payload.scope, accountId }).device_id;
      if (!device) continue;
      if (!devices.has(device)) devices.set(device, { tokens: [], clients: new Set(), expires: 0 });
      const entry = devices.get(device);
      entry.tokens.push(token);
      entry.clients.add(token.payload.clientId);
      entry.expires = Math.max(entry.expires, token.payload.exp ?? 0);
    }
    return devices;
  }

  async function clientName(clientId) {
    const client = await provider.Client.find(clientId).catch(() => undefined);
    return client?.clientName ? `${client.clientName} (${clientId})` : clientId;
  }

  const link = (action, deviceId) => {
    const query = new URLSearchParams({ action, ...(deviceId ? { device_id: deviceId } : {}) });
    return `${escapeHtml(base)}?${escapeHtml(query.toString())}`;
  };

  async function showAccount(ctx, session) {
    const user = session.accountId;
    const action = typeof ctx.query.action === 'string' ? ctx.query.action : undefined;
    const deviceId = typeof ctx.query.device_id === 'string' ? ctx.query.device_id : undefined;
    const who = `<p>Signed in as <strong id="user-id">${escapeHtml(userId(user))}</strong>.</p>`;

    if (action === undefined) {
      send(ctx, 200, 'Your account', `${who}
<ul>
  <li><a href="${link(ACTIONS.devicesList[0])}">Devices</a></li>
  <li><a href="${link(ACTIONS.crossSigningReset[0])}">Reset cross-signing keys</a></li>
</ul>`);
      return;
    }

    if (ACTIONS.crossSigningReset.includes(action)) {
      send(ctx, 200, 'Reset cross-signing keys', `${who}
<p>Your Matrix client asked to replace your cross-signing keys. Approve only if you started this
in your client: the homeserver then lets it upload new keys for a short while.</p>
<form method="post" action="${escapeHtml(base)}/cross_signing_reset">
  <input type="hidden" name="user" value="${escapeHtml(user)}">
  <input type="hidden" name="form_token" value="${escapeHtml(formToken(session, 'cross_signing_reset'))}">
  <button type="submit" id="approve">Approve</button>
</form>`);
      return;
    }

    if (ACTIONS.devicesList.includes(action)) {
      const devices = devicesOf(user);
      const rows = [];
      for (const [id, device] of devices) {
        const clients = await Promise.all([...device.clients].map(clientName));
        rows.push(`<tr><td><code>${escapeHtml(id)}</code></td><td>${clients.map(escapeHtml).join('<br>')}</td>
<td><a href="${link(ACTIONS.deviceView[0], id)}">View</a> · <a href="${link(ACTIONS.deviceDelete[0], id)}">Sign out</a></td></tr>`);
      }
      send(ctx, 200, 'Your devices', `${who}${rows.length === 0 ? '<p id="no-devices">No device is signed in.</p>'
        : `<table id="devices"><tr><th>Device</th><th>Client</th><th></th></tr>${rows.join('\n')}</table>`}`);
      return;
    }

    if (ACTIONS.deviceView.includes(action) || ACTIONS.deviceDelete.includes(action)) {
      if (!deviceId) {
        send(ctx, 400, 'Which device?', `${who}<p class="error">This action needs a <code>device_id</code>.</p>`);
        return;
      }
      const device = devicesOf(user).get(deviceId);
      if (!device) {
        send(ctx, 404, 'No such device', `${who}<p class="error">No device <code>${escapeHtml(deviceId)}</code> is signed in to your account.</p>`);
        return;
      }
      if (ACTIONS.deviceView.includes(action)) {
        const rows = await Promise.all(device.tokens.map(async ({ model, payload }) => `<tr><td>${model === 'AccessToken' ? 'access token' : 'refresh token'}</td>
<td>${escapeHtml(await clientName(payload.clientId))}</td><td><code>${escapeHtml(payload.scope ?? '')}</code></td>
<td>${payload.exp ? escapeHtml(new Date(payload.exp * 1000).toISOString()) : ''}</td></tr>`));
        send(ctx, 200, `Device ${deviceId}`, `${who}
<table id="tokens"><tr><th>Token</th><th>Client</th><th>Scope</th><th>Expires</th></tr>${rows.join('\n')}</table>
<p><a href="${link(ACTIONS.deviceDelete[0], deviceId)}">Sign out this device</a></p>`);
        return;
      }
      send(ctx, 200, `Sign out device ${deviceId}?`, `${who}
<p>Every token of this device stops working; the client on it has to sign in again.</p>
<form method="post" action="${escapeHtml(base)}/session_end">
  <input type="hidden" name="device_id" value="${escapeHtml(deviceId)}">
  <input type="hidden" name="form_token" value="${escapeHtml(formToken(session, 'session_end'))}">
  <button type="submit" id="sign-out">Sign out</button>
</form>`);
      return;
    }

    send(ctx, 400, 'Unsupported action', `${who}<p class="error">This server does not support the action
<code>${escapeHtml(action)}</code>. Supported: ${SUPPORTED_ACTIONS.map((a) => `<code>${escapeHtml(a)}</code>`).join(', ')}.</p>`);
  }

  async function approveCrossSigningReset(ctx, session, form) {
    const user = session.accountId;
    // The hidden field only confirms which user the page was shown for; the session decides.
    if (form.user !== undefined && form.user !== user) {
      send(ctx, 403, 'Not approved', '<p class="error">This page was opened for another user. Open it again from your client.</p>');
      return;
    }
    let answer;
    try {
      answer = await postJson(new URL('_example/internal/approve_cross_signing_reset', `${homeserver}/`).href, {
        ca,
        headers: { authorization: `Bearer ${internalSecret}` },
        body: { user_id: userId(user) },
      });
    } catch (error) {
      send(ctx, 502, 'Not approved', `<p class="error">The homeserver could not be reached: ${escapeHtml(error.message)}</p>`);
      return;
    }
    if (answer.status < 200 || answer.status > 299) {
      send(ctx, 502, 'Not approved', `<p class="error">The homeserver answered ${escapeHtml(answer.status)}.</p>`);
      return;
    }
    send(ctx, 200, 'Approved', `<p class="done" id="approved">Approved: ${escapeHtml(userId(user))} may reset the
cross-signing keys now. Go back to your client and continue there.</p>`);
  }

  async function endSession(ctx, session, form) {
    const user = session.accountId;
    const deviceId = typeof form.device_id === 'string' ? form.device_id : '';
    const device = devicesOf(user).get(deviceId);
    if (!device) {
      send(ctx, 404, 'No such device', `<p class="error">No device <code>${escapeHtml(deviceId)}</code> is signed in to your account.</p>`);
      return;
    }
    for (const { model, id } of device.tokens) store.destroy(model, id);
    send(ctx, 200, 'Signed out', `<p class="done" id="signed-out">Device <code>${escapeHtml(deviceId)}</code> is signed out
(${device.tokens.length} ${device.tokens.length === 1 ? 'token' : 'tokens'} revoked).</p>
<p><a href="${link(ACTIONS.devicesList[0])}">Your devices</a></p>`);
  }

  return async function accountMiddleware(ctx, next) {
    if (ctx.path !== base && !ctx.path.startsWith(`${base}/`)) return next();

    if (ctx.path === callbackPath && ctx.method === 'GET') {
      const state = typeof ctx.query.state === 'string' ? ctx.query.state : '';
      const pending = signIns.get(state);
      signIns.delete(state);
      if (!pending || pending.expires <= Date.now()) {
        send(ctx, 400, 'Sign-in expired', `<p class="error">Open the account page again.</p>`);
        return;
      }
      if (ctx.query.error) {
        send(ctx, 403, 'Not signed in', `<p class="error">${escapeHtml(ctx.query.error)}: ${escapeHtml(ctx.query.error_description ?? '')}</p>`);
        return;
      }
      ctx.redirect(pending.returnTo);
      return;
    }

    const session = await signedInSession(ctx);

    if (ctx.path === base && ctx.method === 'GET') {
      if (!session) {
        startSignIn(ctx);
        return;
      }
      await showAccount(ctx, session);
      return;
    }

    const purpose = { [`${base}/cross_signing_reset`]: 'cross_signing_reset', [`${base}/session_end`]: 'session_end' }[ctx.path];
    if (purpose && ctx.method === 'POST') {
      const form = await readForm(ctx);
      if (!form) {
        send(ctx, 400, 'Bad request', '<p class="error">Expected a form of at most 16 KiB.</p>');
        return;
      }
      if (!session || !formTokenValid(session, purpose, form.form_token)) {
        send(ctx, 403, 'Not allowed', `<p class="error">Your sign-in has changed or this form is not from this page.
<a href="${escapeHtml(base)}">Open the account page again.</a></p>`);
        return;
      }
      if (purpose === 'cross_signing_reset') await approveCrossSigningReset(ctx, session, form);
      else await endSession(ctx, session, form);
      return;
    }

    send(ctx, 404, 'Not found', '<p class="error">No such page.</p>');
  };
}
