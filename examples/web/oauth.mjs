// What the web client does, without the page: discovery, dynamic client registration (RFC 7591),
// the authorization code grant with PKCE (RFC 6749 section 4.1, RFC 7636), the callback (RFC 9207),
// the ID token (OpenID Connect Core 3.1.3.7), token revocation (RFC 7009), refresh, and calls to the
// homeserver with what the engine says about an error answer (`interpret`).
//
// Nothing here touches the DOM or imports the engine: the browser passes its `fetch`, `crypto` and
// the engine's functions in, and the node tests pass node's own and a scripted `fetch`. Every check
// fails closed: a response that is not what the protocol promises throws a `ClientError` with a
// stable `code`, and the page shows it instead of going on.

/** The client-server API scope (MSC2967), asked for beside the device scope. */
export const API_SCOPE = 'urn:matrix:client:api:*';
/** Allowance between the provider's clock and ours when reading `auth_time`, `iat` and `exp`. */
export const CLOCK_SKEW_SECONDS = 5;
/** The largest JSON answer read from any server (a discovery document is a few KB). */
const MAX_JSON_BYTES = 256 * 1024;

/** A failed step, with a stable code the page and the tests compare. */
export class ClientError extends Error {
  constructor(code, message, details = {}) {
    super(message);
    this.name = 'ClientError';
    this.code = code;
    Object.assign(this, details);
  }
}

/** Reads a JSON body, refusing anything that is not a JSON object of a sane size. */
async function readJson(response, what) {
  const text = await response.text();
  if (text.length > MAX_JSON_BYTES) throw new ClientError('response.too_large', `${what}: the answer is larger than ${MAX_JSON_BYTES} bytes`);
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ClientError('response.not_json', `${what}: the answer (${response.status}) is not JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ClientError('response.not_object', `${what}: the answer (${response.status}) is not a JSON object`);
  }
  return value;
}

/** An OAuth error answer (RFC 6749 section 5.2) as a `ClientError`. */
async function oauthFailure(response, what) {
  let body = {};
  try {
    body = await readJson(response, what);
  } catch {
    // The status alone is the error then.
  }
  const error = typeof body.error === 'string' ? body.error : `http_${response.status}`;
  const description = typeof body.error_description === 'string' ? body.error_description : '';
  return new ClientError('oauth.error', `${what}: ${response.status} ${error}${description ? ` (${description})` : ''}`, {
    status: response.status,
    error,
    error_description: description,
  });
}

const base64url = {
  encode(bytes) {
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  },
  decode(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new ClientError('id_token.malformed', 'the ID token is not base64url');
    const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  },
};

/** `bytes` random bytes from `crypto.getRandomValues`, base64url (PKCE verifier, state, nonce). */
export function randomToken(crypto, bytes = 32) {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The S256 code challenge of a verifier (RFC 7636 section 4.2). */
export async function pkceChallenge(crypto, verifier) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url.encode(new Uint8Array(digest));
}

/** `https://host:port/` with the trailing slash a bare origin gets, so issuers compare exactly. */
export function normalizeIssuer(text) {
  const url = new URL(text);
  if (url.protocol !== 'https:') throw new ClientError('config.not_https', `\`${text}\` is not an https URL`);
  return url.href;
}

/**
 * The provider's metadata (OpenID Connect Discovery 1.0 section 4), checked: the `issuer` it names
 * is exactly the one asked (section 4.3), the engine's `validateServerMetadata` finds nothing wrong
 * (MSC2965's required fields, MSC4191's account management), and it offers what this client uses.
 */
export async function discover(fetch, engine, issuer) {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (response.status !== 200) throw new ClientError('discovery.status', `discovery: ${url} answered ${response.status}`);
  const metadata = await readJson(response, 'discovery');
  if (metadata.issuer !== issuer) {
    throw new ClientError('discovery.issuer_mismatch', `discovery: the document names the issuer \`${metadata.issuer}\`, not \`${issuer}\``);
  }
  const { valid, violations } = engine.validateServerMetadata(metadata);
  if (!valid) {
    const codes = violations.join(', ');
    throw new ClientError('discovery.invalid', `discovery: the engine refuses the provider's metadata: ${codes}`, { violations });
  }
  if (!(metadata.code_challenge_methods_supported ?? []).includes('S256')) {
    throw new ClientError('discovery.no_pkce', 'discovery: the provider does not offer PKCE with S256');
  }
  if (typeof metadata.registration_endpoint !== 'string') {
    throw new ClientError('discovery.no_registration', 'discovery: the provider has no registration_endpoint');
  }
  return metadata;
}

/** This page's registration (MSC2966): a public web client whose home is `origin`. */
export function clientMetadata(origin) {
  return {
    client_name: 'matrix-authz web example',
    client_uri: `${origin}/`,
    redirect_uris: [`${origin}/callback`],
    application_type: 'web',
    // MSC2966: a client of the authorization code grant registers refresh_token with it.
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  };
}

/**
 * Registers the client (RFC 7591 section 3), after checking the metadata with the engine's own
 * rules (the provider applies the same ones and would refuse it). Returns the registered metadata;
 * a refusal throws with the provider's `error` and `error_description` (its violation codes).
 */
export async function register(fetch, engine, metadata, endpoint) {
  const own = engine.validateClientMetadata(metadata);
  if (!own.valid) {
    throw new ClientError('registration.invalid_locally', `registration: the engine refuses this page's metadata: ${own.violations.join(', ')}`);
  }
  for (const uri of metadata.redirect_uris ?? []) {
    const check = engine.checkRedirectUri(uri, metadata.client_uri, metadata.application_type);
    if (!check.valid) throw new ClientError('registration.invalid_locally', `registration: redirect URI \`${uri}\`: ${check.violation}`);
  }
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(metadata),
  });
  if (response.status !== 201) throw await oauthFailure(response, 'registration');
  const registered = await readJson(response, 'registration');
  if (typeof registered.client_id !== 'string' || registered.client_id === '') {
    throw new ClientError('registration.no_client_id', 'registration: the answer has no client_id');
  }
  // The provider may change metadata; the redirect URIs this page uses must have stayed.
  for (const uri of metadata.redirect_uris ?? []) {
    if (!(registered.redirect_uris ?? []).includes(uri)) {
      throw new ClientError('registration.redirect_dropped', `registration: the provider did not register \`${uri}\``);
    }
  }
  return registered;
}

/**
 * A fresh authorization request: the URL to open and what the callback needs to finish it (kept
 * by the page in sessionStorage, never sent anywhere).
 * `options`: `{ clientId, redirectUri, scope, deviceId, maxAge?, acrValues?, prompt? }`.
 */
export async function authorizationRequest(crypto, metadata, options) {
  const verifier = randomToken(crypto, 32);
  const pending = {
    issuer: metadata.issuer,
    clientId: options.clientId,
    redirectUri: options.redirectUri,
    scope: options.scope,
    deviceId: options.deviceId,
    state: randomToken(crypto, 16),
    nonce: randomToken(crypto, 16),
    verifier,
    maxAge: options.maxAge ?? null,
    acrValues: options.acrValues ?? null,
  };
  const url = new URL(metadata.authorization_endpoint);
  const params = {
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    scope: options.scope,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await pkceChallenge(crypto, verifier),
    code_challenge_method: 'S256',
  };
  // RFC 9470 section 4: the values of a step-up challenge go into the new request.
  if (options.maxAge !== undefined && options.maxAge !== null) params.max_age = String(options.maxAge);
  if (options.acrValues) params.acr_values = options.acrValues;
  if (options.prompt) params.prompt = options.prompt;
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return { url: url.href, pending };
}

/**
 * Reads the redirect back (RFC 6749 section 4.1.2): the `state` must be the one sent (CSRF), the
 * `iss` the provider's (RFC 9207: required when the provider says it sends it), then either the
 * code or the provider's error.
 */
export function readCallback(callbackUrl, pending, metadata) {
  const params = new URL(callbackUrl).searchParams;
  if (!pending) throw new ClientError('callback.unexpected', 'callback: no authorization request is pending in this tab');
  if (params.get('state') !== pending.state) throw new ClientError('callback.state_mismatch', 'callback: the state is not the one this tab sent');
  const iss = params.get('iss');
  if (iss === null && metadata.authorization_response_iss_parameter_supported === true) {
    throw new ClientError('callback.iss_missing', 'callback: the provider promised an iss parameter and sent none');
  }
  if (iss !== null && iss !== pending.issuer) throw new ClientError('callback.iss_mismatch', `callback: iss \`${iss}\` is not the provider this tab asked`);
  const error = params.get('error');
  if (error !== null) {
    const description = params.get('error_description') ?? '';
    throw new ClientError('callback.error', `callback: ${error}${description ? ` (${description})` : ''}`, { error, error_description: description });
  }
  const code = params.get('code');
  if (!code) throw new ClientError('callback.no_code', 'callback: no code');
  return code;
}

async function tokenRequest(fetch, metadata, form, what) {
  const response = await fetch(metadata.token_endpoint, {
    method: 'POST',
    headers: { accept: 'application/json' },
    body: new URLSearchParams(form),
  });
  if (response.status !== 200) throw await oauthFailure(response, what);
  const tokens = await readJson(response, what);
  if (typeof tokens.access_token !== 'string' || tokens.access_token === '') {
    throw new ClientError('token.no_access_token', `${what}: no access_token`);
  }
  if (typeof tokens.token_type !== 'string' || tokens.token_type.toLowerCase() !== 'bearer') {
    throw new ClientError('token.not_bearer', `${what}: token_type \`${tokens.token_type}\` is not Bearer`);
  }
  return tokens;
}

/** Exchanges the code (RFC 6749 section 4.1.3) with the PKCE verifier. */
export function exchangeCode(fetch, metadata, pending, code) {
  return tokenRequest(fetch, metadata, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: pending.redirectUri,
    client_id: pending.clientId,
    code_verifier: pending.verifier,
  }, 'token');
}

/** Refreshes (RFC 6749 section 6); the scope stays the one granted. */
export function refresh(fetch, metadata, { clientId, refreshToken }) {
  return tokenRequest(fetch, metadata, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }, 'refresh');
}

/**
 * The scope the token carries, checked with the engine: the client-server API and exactly the
 * device this client asked for. An absent `scope` means the one requested (RFC 6749 section 5.1).
 */
export function grantedScope(engine, tokens, requested, deviceId) {
  const text = typeof tokens.scope === 'string' ? tokens.scope : requested;
  const scope = engine.Scope.parse(text);
  try {
    if (!scope.hasApi) throw new ClientError('token.no_api_scope', `the provider did not grant the client-server API (scope \`${text}\`)`);
    if (scope.device !== deviceId) {
      throw new ClientError('token.device_mismatch', `the provider granted device \`${scope.device ?? 'none'}\`, this client asked for \`${deviceId}\``);
    }
    return { scope: scope.canonical, deviceId: scope.device };
  } finally {
    scope.free();
  }
}

// JWS algorithms this client verifies, as WebCrypto parameters (JWA, RFC 7518 section 3).
const JWS = {
  RS256: { key: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, verify: { name: 'RSASSA-PKCS1-v1_5' } },
  PS256: { key: { name: 'RSA-PSS', hash: 'SHA-256' }, verify: { name: 'RSA-PSS', saltLength: 32 } },
  ES256: { key: { name: 'ECDSA', namedCurve: 'P-256' }, verify: { name: 'ECDSA', hash: 'SHA-256' } },
  EdDSA: { key: { name: 'Ed25519' }, verify: { name: 'Ed25519' } },
  Ed25519: { key: { name: 'Ed25519' }, verify: { name: 'Ed25519' } },
};

/**
 * Checks the ID token (OpenID Connect Core 3.1.3.7): the signature with a key from the provider's
 * `jwks_uri`, `iss`, `aud`, `exp`, the `nonce` of this request, and, when the request carried
 * `max_age`, an `auth_time` no older than that (section 3.1.2.1). Returns the claims.
 */
export async function verifyIdToken(fetch, crypto, metadata, idToken, pending, now = Date.now() / 1000) {
  if (typeof idToken !== 'string') throw new ClientError('id_token.missing', 'token: no id_token although openid was asked');
  const parts = idToken.split('.');
  if (parts.length !== 3) throw new ClientError('id_token.malformed', 'the ID token is not a JWS');
  const decodeJson = (part) => {
    try {
      return JSON.parse(new TextDecoder().decode(base64url.decode(part)));
    } catch (e) {
      if (e instanceof ClientError) throw e;
      throw new ClientError('id_token.malformed', 'the ID token is not JSON');
    }
  };
  const header = decodeJson(parts[0]);
  const claims = decodeJson(parts[1]);
  const alg = JWS[header.alg];
  if (!alg) throw new ClientError('id_token.alg', `the ID token is signed with \`${header.alg}\`, which this client does not verify`);
  const response = await fetch(metadata.jwks_uri, { headers: { accept: 'application/json' } });
  if (response.status !== 200) throw new ClientError('id_token.jwks', `jwks: ${response.status}`);
  const { keys } = await readJson(response, 'jwks');
  const candidates = (Array.isArray(keys) ? keys : []).filter((k) => (header.kid === undefined || k.kid === header.kid) && (k.use === undefined || k.use === 'sig'));
  let verified = false;
  for (const jwk of candidates) {
    let key;
    try {
      key = await crypto.subtle.importKey('jwk', { ...jwk, alg: undefined, use: undefined, key_ops: undefined }, alg.key, false, ['verify']);
    } catch {
      continue; // a key of another type
    }
    const data = new TextEncoder().encode(`${parts[0]}.${parts[1]}`);
    if (await crypto.subtle.verify(alg.verify, key, base64url.decode(parts[2]), data)) {
      verified = true;
      break;
    }
  }
  if (!verified) throw new ClientError('id_token.signature', 'the ID token signature does not verify with the provider keys');
  if (claims.iss !== pending.issuer) throw new ClientError('id_token.iss', `the ID token issuer \`${claims.iss}\` is not the provider's`);
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audience.includes(pending.clientId)) throw new ClientError('id_token.aud', 'the ID token is not for this client');
  if (audience.length > 1 && claims.azp !== pending.clientId) throw new ClientError('id_token.azp', 'the ID token names several audiences and another azp');
  if (typeof claims.exp !== 'number' || claims.exp + CLOCK_SKEW_SECONDS < now) throw new ClientError('id_token.expired', 'the ID token has expired');
  if (claims.nonce !== pending.nonce) throw new ClientError('id_token.nonce', 'the ID token nonce is not the one this request sent');
  if (pending.maxAge !== null && pending.maxAge !== undefined) {
    if (typeof claims.auth_time !== 'number') throw new ClientError('id_token.no_auth_time', 'max_age was asked and the ID token has no auth_time');
    if (now - claims.auth_time > pending.maxAge + CLOCK_SKEW_SECONDS) {
      throw new ClientError('id_token.auth_too_old', `the provider did not re-authenticate: auth_time is ${Math.round(now - claims.auth_time)} s old, max_age ${pending.maxAge}`);
    }
  }
  return claims;
}

/** Revokes a token (RFC 7009 section 2.1); the provider answers 200 even for an unknown token. */
export async function revoke(fetch, metadata, { clientId, token, hint = 'access_token' }) {
  if (typeof metadata.revocation_endpoint !== 'string') throw new ClientError('revocation.unsupported', 'the provider has no revocation_endpoint');
  const response = await fetch(metadata.revocation_endpoint, {
    method: 'POST',
    body: new URLSearchParams({ token, token_type_hint: hint, client_id: clientId }),
  });
  if (response.status !== 200) throw await oauthFailure(response, 'revocation');
}

/**
 * One call to the homeserver with the access token. An error answer goes through the engine's
 * `interpret` (MSC4312 UIA, RFC 9470 step-up, soft logout, retry): the result says what the client
 * does next. `headers` are what the browser lets the page read (CORS `Access-Control-Expose-Headers`).
 */
export async function callMatrix(fetch, engine, matrix, token, { method, path, body }) {
  const init = { method, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(new URL(path, matrix).href, init);
  const headers = Object.fromEntries(response.headers);
  let json = {};
  try {
    json = await readJson(response, `${method} ${path}`);
  } catch (e) {
    // A 2xx must be JSON; an error without a JSON body is still an error to interpret.
    if (response.status < 400) throw e;
  }
  const result = { status: response.status, headers, body: json, errcode: typeof json.errcode === 'string' ? json.errcode : null, action: null };
  if (response.status >= 400) result.action = engine.interpret(response.status, headers, json);
  else if (response.status >= 300) throw new ClientError('matrix.unexpected', `${method} ${path}: unexpected ${response.status}`);
  return result;
}

/** Three fresh cross-signing keys for `userId` (the shape of keys/device_signing/upload; the
 * example does no signing, the homeserver only compares and stores them). */
export function crossSigningKeys(crypto, userId) {
  const key = (usage) => {
    const id = randomToken(crypto, 32);
    return { user_id: userId, usage: [usage], keys: { [`ed25519:${id}`]: id } };
  };
  return { master_key: key('master'), self_signing_key: key('self_signing'), user_signing_key: key('user_signing') };
}
