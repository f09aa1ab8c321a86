// The Matrix policy of this authorization server: every decision comes from the engine
// (matrix-authz, npm package, `mas` preset); this file only maps oidc-provider's hooks onto it
// and turns refusals into OAuth errors.
//
// Where each decision is made (lib/configuration.mjs wires these into oidc-provider's hooks):
// - registration: `checkRegistration` (client_metadata.validate, then redirect_uri.check for each
//   redirect URI) -> 400 invalid_client_metadata / invalid_redirect_uri;
// - authorization request: `checkRedirect` (redirect_uri.check at the authorization stage) ->
//   invalid_redirect_uri; `decideAuthorization` (grant.decide) on every authorization and device
//   authorization request, before the sign-in and again once the user is known -> invalid_scope;
//   the granted ∩ requested tokens are the only Matrix scopes the user can approve;
// - token request: `checkIssuance` with the scope about to be issued (grant.decide again for the
//   authorization code and device code grants; for a refresh, the scope must be covered by the
//   refresh token's and still be grantable) -> invalid_scope, and no token is stored.

/** The authentication context class of this example's one sign-in method (devInteractions' form). */
export const ACR_PASSWORD = 'urn:example:acr:pwd';

export const AUTHORIZATION_CODE = 'authorization_code';
export const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

// A Matrix user id localpart (spec "User Identifiers"; historical characters left out), short
// enough that `@localpart:matrix.example.test` stays far below the 255-byte limit.
const LOCALPART = /^[a-z0-9._=\-/+]{1,64}$/;

/** Whether a login name can be a Matrix localpart (the account id is the localpart). */
export function isLocalpart(login) {
  return typeof login === 'string' && LOCALPART.test(login);
}

/**
 * Guests: the Matrix spec leaves guest access under OAuth open, so this example marks tokens of
 * users whose login name starts with `guest` with its own introspection claim
 * `matrix_example_guest: true`, which the homeserver example reads.
 */
export function isGuest(login) {
  return login.startsWith('guest');
}

/** Server administrators (who may be granted `urn:synapse:admin:*`): login names starting with `admin`. */
export function isAdmin(login) {
  return login.startsWith('admin');
}

/** The engine's grant type for a token's `gty` (`authorization_code`, `device_code refresh_token`, ...). */
export function originalGrantType(gty) {
  const first = String(gty ?? '').split(' ')[0];
  if (first === 'authorization_code') return AUTHORIZATION_CODE;
  if (first === 'device_code' || first === DEVICE_CODE) return DEVICE_CODE;
  return null;
}

/** invalid_grant with a description (the error class takes none of its own). */
export function invalidGrant(errors, description) {
  const error = new errors.InvalidGrant();
  error.error_description = description;
  return error;
}

function tokensOf(scope) {
  return String(scope ?? '').split(' ').filter(Boolean);
}

/**
 * The policy bound to the engine module (`engine`, the npm package) and oidc-provider's `errors`.
 */
export function createMatrixPolicy({ engine, errors }) {
  const policy = engine.Policy.fromPreset('mas');

  const refuse = (what, codes) => new errors.InvalidScope(`${what} refused by the Matrix policy (mas): ${codes.join(' ')}`);

  /**
   * grant.decide for `scope` through `grantType`. Returns `{ granted, device }` (`granted`: the
   * engine's granted tokens that were also requested, in the engine's order); throws
   * invalid_scope with the engine's codes when refused or when the scope does not parse.
   */
  function decide(scope, grantType, { userAdmin }) {
    // The scope as the client sent it: the engine judges its grammar too.
    const text = scope ?? '';
    let decision;
    try {
      decision = policy.decideGrant(text, grantType, { userAdmin });
    } catch (error) {
      if (typeof error?.code === 'string') throw refuse('scope', [error.code]);
      throw error;
    }
    if (!decision.allowed) throw refuse('scope', decision.violations);
    const requested = new Set(tokensOf(text));
    const granted = tokensOf(decision.granted).filter((token) => requested.has(token));
    return { granted, device: decision.device ?? null };
  }

  /**
   * Dynamic client registration (RFC 7591): the request body through client_metadata.validate and
   * each redirect URI through redirect_uri.check. Throws invalid_redirect_uri when every
   * violation is about the redirect URIs, invalid_client_metadata otherwise; either way
   * error_description lists the engine's codes.
   */
  function checkRegistration(metadata) {
    const report = engine.validateClientMetadata(metadata ?? null);
    const codes = [...report.violations];
    if (report.valid && Array.isArray(metadata.redirect_uris)) {
      for (const uri of metadata.redirect_uris) {
        const check = engine.checkRedirectUri(uri, metadata.client_uri, metadata.application_type ?? 'web', 'registration');
        if (!check.valid && !codes.includes(check.violation)) codes.push(check.violation);
      }
    }
    if (codes.length === 0) return;
    const redirectOnly = codes.every((code) => code.startsWith('redirect_uri'));
    // oidc-provider answers invalid_redirect_uri for a description starting with `redirect_uris`.
    const description = redirectOnly
      ? `redirect_uris refused by the Matrix policy: ${codes.join(' ')}`
      : `client metadata refused by the Matrix policy: ${codes.join(' ')}`;
    throw new errors.InvalidClientMetadata(description);
  }

  /**
   * redirect_uri.check at the authorization stage against the client's registration; throws
   * invalid_redirect_uri (never redirected to) when refused.
   */
  function checkRedirect(redirectUri, client) {
    if (!client.clientUri) {
      throw new errors.InvalidRequest('this client has no client_uri and cannot use the authorization endpoint');
    }
    const check = engine.checkRedirectUri(redirectUri, client.clientUri, client.applicationType ?? 'web', 'authorization', client.redirectUris ?? []);
    if (!check.valid) {
      const error = new errors.InvalidRedirectUri();
      error.error_description = `redirect_uri refused by the Matrix policy: ${check.violation}`;
      throw error;
    }
  }

  /**
   * An authorization request (`authorization`, `resume`) or device authorization request
   * (`device_authorization`, `code_verification`, `device_resume`): grant.decide for the
   * signed-in user, or, while nobody has signed in (`accountId` undefined), for a user allowed
   * admin scopes, so that only what no user could get is refused before the sign-in; the request
   * is decided again once the user is known.
   */
  function decideAuthorization({ route, scope, accountId }) {
    const device = route === 'device_authorization' || route === 'code_verification' || route === 'device_resume';
    return decide(scope, device ? DEVICE_CODE : AUTHORIZATION_CODE, { userAdmin: accountId === undefined || isAdmin(accountId) });
  }

  /**
   * The token request, with the scope about to be issued. `grantType` is the request's
   * `grant_type`; `source` the authorization code, device code or refresh token it consumes.
   * Returns the decision; throws invalid_scope (the provider then stores no token).
   */
  function checkIssuance({ grantType, scope, source, accountId }) {
    const userAdmin = isAdmin(accountId);
    if (grantType === AUTHORIZATION_CODE || grantType === DEVICE_CODE) {
      return decide(scope, grantType, { userAdmin });
    }
    if (grantType === 'refresh_token') {
      return checkRefresh({ requested: scope, source, accountId });
    }
    throw invalidGrant(errors, `no Matrix policy for the grant type ${grantType}`);
  }

  /**
   * A refresh (RFC 6749 section 6): the requested scope (all of the refresh token's when absent)
   * must be covered by the refresh token's scope, and be grantable on its own through the grant
   * type the refresh token came from.
   */
  function checkRefresh({ requested, source, accountId }) {
    const original = tokensOf(source.scope).join(' ');
    const wanted = requested === undefined ? original : tokensOf(requested).join(' ');
    const covered = policy.satisfies(original, wanted);
    if (!covered.satisfied) throw refuse('refresh', [`scope.not_covered(${covered.missing.join(' ')})`]);
    const grantType = originalGrantType(source.gty);
    if (!grantType) throw invalidGrant(errors, 'the refresh token does not say which grant it came from');
    return decide(wanted, grantType, { userAdmin: isAdmin(accountId) });
  }

  /** The claims this example adds to an access token's introspection. */
  function tokenClaims({ scope, accountId, authTime, acr }) {
    let device = null;
    try {
      const parsed = policy.parseScope(tokensOf(scope).join(' '));
      device = parsed.device ?? null;
      parsed.free();
    } catch {
      // A scope the engine cannot parse names no device; the token was refused before this anyway.
      device = null;
    }
    return {
      username: accountId,
      ...(device ? { device_id: device } : {}),
      ...(typeof authTime === 'number' ? { auth_time: authTime } : {}),
      acr: acr ?? ACR_PASSWORD,
      ...(isGuest(accountId) ? { matrix_example_guest: true } : {}),
    };
  }

  return { decide, checkRegistration, checkRedirect, decideAuthorization, checkIssuance, checkRefresh, tokenClaims };
}
