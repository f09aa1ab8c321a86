// oidc-provider's configuration for this example: which features are on, the two static clients,
// and the hooks through which the Matrix policy (lib/policy.mjs) decides.

import crypto from 'node:crypto';

import { ACCOUNT_CALLBACK, ACCOUNT_CLIENT_ID, SUPPORTED_ACTIONS } from './account.mjs';
import { escapeHtml, page } from './html.mjs';
import { ACR_PASSWORD, AUTHORIZATION_CODE, DEVICE_CODE, invalidGrant, isLocalpart } from './policy.mjs';

/** The homeserver's confidential client: the only one that may introspect. */
export const HOMESERVER_CLIENT_ID = 'homeserver';

// The Matrix scopes are the homeserver's, a resource server in oidc-provider's terms (RFC 8707):
// oidc-provider 9 keeps only its configured OpenID scopes in a request unless a resource server
// takes the others, and has no dynamic scopes for names like `urn:matrix:client:device:<id>`.
// So every request is for the homeserver (the default resource), and the scopes that resource
// server offers for a request are exactly what grant.decide granted of it
// (`getResourceServerInfo` below). Its access tokens carry those scopes, `openid` included when
// asked for. `offline_access` is not offered: the `mas` preset refuses it, and refresh tokens come
// with every grant whose client registered the refresh_token grant type, as with MAS.
const OPENID_SCOPES = ['openid'];

const DAY = 24 * 60 * 60;
const ACCESS_TOKEN_TTL = 60 * 60;

export function configure({ issuer, args, store, policy, errors, interactionPolicy }) {
  const { Check, base } = interactionPolicy;
  /** The homeserver as a resource indicator: its access tokens' audience. */
  const matrixResource = `${args.homeserver}/`;

  const interactions = base();
  // devInteractions takes any login; the account id becomes the Matrix localpart, so a login that
  // cannot be one (findAccount finds no account) is asked to sign in again.
  interactions.get('login').checks.add(new Check(
    'matrix_localpart',
    'the login name is not a Matrix user name (lower-case letters, digits and ._=-/+)',
    'login_required',
    (ctx) => Boolean(ctx.oidc.session.accountId && !ctx.oidc.account),
  ));
  // Each sign-in of a client is its own grant, approved by the user on the consent page (as MAS
  // asks every time): two devices of one client never share a grant, so revoking one device's
  // refresh token (which revokes its grant) leaves the other signed in.
  interactions.get('consent').checks.add(new Check(
    'matrix_consent_per_sign_in',
    'each sign-in is approved by the End-User',
    'consent_required',
    (ctx) => ctx.oidc.client.clientId !== ACCOUNT_CLIENT_ID && !ctx.oidc.result?.consent?.grantId,
  ));

  /** The grant type's source entity at the token endpoint. */
  function sourceOf(ctx, grantType) {
    const { entities } = ctx.oidc;
    if (grantType === AUTHORIZATION_CODE) return entities.AuthorizationCode;
    if (grantType === DEVICE_CODE) return entities.DeviceCode;
    if (grantType === 'refresh_token') return entities.RefreshToken;
    return undefined;
  }

  return {
    adapter: (model) => store.adapterFor(model),
    jwks: { keys: [crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' })] },
    cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },

    clients: [
      {
        client_id: HOMESERVER_CLIENT_ID,
        client_secret: args.introspectionSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: [],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: ACCOUNT_CLIENT_ID,
        client_name: 'Account management',
        application_type: 'web',
        client_uri: issuer,
        redirect_uris: [new URL(ACCOUNT_CALLBACK, issuer).href],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
    ],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    scopes: OPENID_SCOPES,
    acrValues: [ACR_PASSWORD],

    features: {
      devInteractions: { enabled: true },
      registration: { enabled: true, initialAccessToken: false, issueRegistrationAccessToken: false },
      introspection: {
        enabled: true,
        // Only the homeserver (a resource server) introspects, and only access tokens are active
        // for it: a refresh token is never accepted as a bearer token.
        allowedPolicy: async (ctx, client, token) => client.clientId === HOMESERVER_CLIENT_ID && token.kind === 'AccessToken',
      },
      revocation: {
        enabled: true,
        // RFC 7009 section 2.1: a client revokes only its own tokens.
        allowedPolicy: async (ctx, client, token) => {
          if (token.clientId === client.clientId) return true;
          if (client.clientAuthMethod === 'none') return false;
          throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
        },
      },
      deviceFlow: { enabled: true, userCodeInputSource, userCodeConfirmSource, successSource },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
      resourceIndicators: {
        enabled: true,
        // The homeserver, unless the client names another resource (which is then refused). The
        // account page's own client asks for nothing of the homeserver.
        defaultResource: async (ctx, client) => (client.clientId === ACCOUNT_CLIENT_ID ? undefined : matrixResource),
        // A token request without `resource` gets the one of its code or refresh token.
        useGrantedResource: async () => true,
        // Every authorization and device authorization request comes here (before the sign-in,
        // after it, and at the device confirmation): grant.decide, and the scopes granted are
        // what the user may approve and the token may carry. At the token endpoint it offers the
        // scope of the code or refresh token being redeemed; that request's own decision is made
        // when the token is stored (extraTokenClaims).
        async getResourceServerInfo(ctx, indicator) {
          if (indicator !== matrixResource) throw new errors.InvalidTarget(`the only resource here is ${matrixResource}`);
          const { route, params } = ctx.oidc;
          let scope;
          if (route === 'token') {
            const source = sourceOf(ctx, params.grant_type);
            if (!source) throw invalidGrant(errors, 'no Matrix policy decision for this grant type');
            scope = source.scope ?? '';
          } else {
            const accountId = route === 'device_authorization' ? undefined : ctx.oidc.session?.accountId;
            scope = policy.decideAuthorization({ route, scope: params.scope, accountId }).granted.join(' ');
          }
          return { scope, audience: matrixResource, accessTokenFormat: 'opaque', accessTokenTTL: ACCESS_TOKEN_TTL };
        },
      },
      // Off: the homeserver only takes bearer tokens, so a sender-constrained token would be
      // accepted without its proof; PAR serves nothing here.
      dPoP: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
    },

    // Dynamic client registration: the request body through the engine. oidc-provider calls this
    // validator for each extra property, and only when one is declared; the first one triggers
    // the check, once per registration (static clients and stored ones are not re-checked).
    extraClientMetadata: {
      properties: ['software_id', 'software_version'],
      validator(ctx, key) {
        if (key !== 'software_id' || ctx?.oidc?.route !== 'registration') return;
        policy.checkRegistration(ctx.oidc.body);
      },
    },

    // The redirect URI of every authorization request, through the engine's check at the
    // authorization stage, after oidc-provider's own (it must be registered). Declared as an extra
    // parameter so that oidc-provider runs this validator for each request.
    extraParams: {
      async redirect_uri(ctx, value, client) {
        if (ctx.oidc.route === 'authorization') policy.checkRedirect(value, client);
      },
    },

    // Each sign-in gets a grant of its own: the one the user approved on the consent page of this
    // very request (oidc-provider would otherwise reuse the browser session's grant for the
    // client). The first-party account page needs no consent: its grant is made here.
    async loadExistingGrant(ctx) {
      const { account, client, provider } = ctx.oidc;
      const grantId = ctx.oidc.result?.consent?.grantId;
      if (grantId) {
        const grant = await provider.Grant.find(grantId);
        return grant?.accountId === account.accountId && grant?.clientId === client.clientId ? grant : undefined;
      }
      if (client.clientId !== ACCOUNT_CLIENT_ID) return undefined;
      const grant = new provider.Grant({ accountId: account.accountId, clientId: client.clientId });
      grant.addOIDCScope('openid');
      await grant.save();
      return grant;
    },

    // Every access token, when it is stored: grant.decide on the scope about to be issued (this is
    // the token request's decision; a refusal answers invalid_scope and nothing is stored), then
    // the claims introspection returns beside oidc-provider's own (active, scope, sub, exp, ...).
    async extraTokenClaims(ctx, token) {
      const grantType = ctx?.oidc?.params?.grant_type;
      const source = ctx ? sourceOf(ctx, grantType) : undefined;
      if (token.kind !== 'AccessToken' || !source) {
        throw invalidGrant(errors, 'no Matrix policy decision for this token');
      }
      policy.checkIssuance({ grantType, scope: token.scope, source, accountId: token.accountId });
      return policy.tokenClaims({ scope: token.scope, accountId: token.accountId, authTime: source.authTime, acr: source.acr });
    },

    // Called for every refresh before anything changes: the requested scope must be covered by the
    // refresh token's and be grantable (RFC 6749 section 6). Refresh tokens rotate on every use.
    async rotateRefreshToken(ctx) {
      const refreshToken = ctx.oidc.entities.RefreshToken;
      policy.checkRefresh({ requested: ctx.oidc.params.scope, source: refreshToken, accountId: refreshToken.accountId });
      return true;
    },

    issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Matrix sessions outlive the browser session at the authorization server.
    expiresWithSession: async () => false,

    async findAccount(ctx, sub) {
      if (!isLocalpart(sub)) return undefined;
      return { accountId: sub, claims: async () => ({ sub }) };
    },

    interactions: { policy: interactions },

    // Public clients may call the token, revocation and device endpoints from their pages when the
    // page's origin is one of their registered redirect URIs' or their client_uri's.
    clientBasedCORS(ctx, origin, client) {
      if (client.clientAuthMethod !== 'none') return false;
      const origins = [...(client.redirectUris ?? []), client.clientUri].filter(Boolean).map((uri) => URL.parse(uri)?.origin);
      return origins.includes(origin);
    },

    discovery: {
      claim_types_supported: ['normal'],
      account_management_uri: new URL('account', issuer).href,
      account_management_actions_supported: SUPPORTED_ACTIONS,
    },

    ttl: {
      AccessToken: ACCESS_TOKEN_TTL,
      AuthorizationCode: 60,
      DeviceCode: 10 * 60,
      Grant: 14 * DAY,
      IdToken: 60 * 60,
      Interaction: 60 * 60,
      RefreshToken: 14 * DAY,
      Session: 14 * DAY,
    },

    renderError,
  };
}

async function renderError(ctx, out) {
  ctx.type = 'html';
  ctx.body = page('Something went wrong', `<dl id="error">${Object.entries(out)
    .map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(value)}</dd>`).join('\n')}</dl>`);
}

async function userCodeInputSource(ctx, form, out, error) {
  let message = '<p>Enter the code shown on your device.</p>';
  if (error?.userCode || error?.name === 'NoCodeError') message = '<p class="error">That code is not valid. Try again.</p>';
  else if (error?.name === 'AbortedError') message = '<p class="error">The sign-in was cancelled.</p>';
  else if (error) message = `<p class="error">The sign-in failed${out?.error ? `: ${escapeHtml(out.error)}${out.error_description ? ` (${escapeHtml(out.error_description)})` : ''}` : ''}.</p>`;
  ctx.body = page('Sign in a device', `${message}${form}<button type="submit" form="op.deviceInputForm">Continue</button>`);
}

async function userCodeConfirmSource(ctx, form, client, deviceInfo, userCode) {
  const name = client.clientName || client.clientId;
  ctx.body = page('Confirm the device', `<p><strong>${escapeHtml(name)}</strong> asks to sign in to your account.
The device should show this code: <code id="user-code">${escapeHtml(userCode)}</code></p>
<p>If you did not start this or the code differs, abort.</p>
${form}
<button type="submit" form="op.deviceConfirmForm">Continue</button>
<button type="submit" form="op.deviceConfirmForm" value="yes" name="abort">Abort</button>`);
}

async function successSource(ctx) {
  const name = ctx.oidc.client.clientName || ctx.oidc.client.clientId;
  ctx.body = page('Device signed in', `<p class="done" id="device-done">${escapeHtml(name)} is signed in. You can close this page.</p>`);
}

async function logoutSource(ctx, form) {
  ctx.body = page('Sign out?', `<p>Sign out of ${escapeHtml(ctx.host)}?</p>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`);
}

async function postLogoutSuccessSource(ctx) {
  ctx.body = page('Signed out', '<p class="done">You are signed out.</p>');
}
