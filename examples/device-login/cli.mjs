#!/usr/bin/env node
// A command-line Matrix client signing in with the device authorization grant (RFC 8628; Matrix:
// MSC4341, spec "Device authorisation flow"):
//
//   node examples/device-login/cli.mjs --auth https://auth.example.test:8443/ --ca DIR/ca.pem \
//     [--matrix https://matrix.example.test:8448/] [--extra-scope TOKEN]...
//
// It reads the provider's discovery, registers itself (RFC 7591, a public native client of the
// device-code grant), asks for `urn:matrix:client:api:*` and a device scope built by the engine's
// `loginScope` (with a fresh device id), prints where to go and the code to enter, polls the token
// endpoint as RFC 8628 section 3.5 says (every `interval` seconds, 5 more after `slow_down`, until
// the code expires), checks that the granted scope names its device, then calls /sync on the
// homeserver with the token and prints the answer. Exit status 0 only when every step succeeded.
//
// Output (stdout), one `key: value` line each, for a person and for a test reading it:
//   verification_uri: …, user_code: …, verification_uri_complete: … (when the provider gives it),
//   client_id: …, device_id: …, scope: … (granted), sync: <status> <body>
// Progress and errors go to stderr. Tokens are never printed.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { request, testAgent } from './https.mjs';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628 section 3.2: the polling interval when the provider names none. */
export const DEFAULT_INTERVAL_SECONDS = 5;
/** RFC 8628 section 3.5: what `slow_down` adds to the interval. */
export const SLOW_DOWN_SECONDS = 5;

const PKG = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bindings-wasm', 'pkg', 'node.mjs');

/** The engine's node build (bindings-wasm/build.sh). */
export async function loadEngine() {
  try {
    return await import(pathToFileURL(PKG).href);
  } catch (error) {
    throw new Error(`cannot load the npm package at ${PKG} (run bindings-wasm/build.sh): ${error.message}`);
  }
}

/** A failed step of the sign-in, with the OAuth `error` when the provider sent one. */
export class DeviceLoginError extends Error {
  constructor(message, error) {
    super(message);
    this.name = 'DeviceLoginError';
    this.error = error;
  }
}

function json(response, what) {
  try {
    return response.json();
  } catch {
    throw new DeviceLoginError(`${what}: the answer (${response.status}) is not a JSON object`);
  }
}

function oauthError(response, what) {
  let body = {};
  try {
    body = response.json();
  } catch {
    // the status is all there is
  }
  const error = typeof body.error === 'string' ? body.error : `http_${response.status}`;
  const description = typeof body.error_description === 'string' ? ` (${body.error_description})` : '';
  return new DeviceLoginError(`${what}: ${response.status} ${error}${description}`, error);
}

/** This client's registration (MSC2966): native, public, device-code grant and refresh. */
export function clientMetadata(clientUri) {
  return {
    client_name: 'matrix-authz device-login example',
    client_uri: clientUri,
    application_type: 'native',
    grant_types: [DEVICE_CODE_GRANT, 'refresh_token'],
    response_types: [],
    token_endpoint_auth_method: 'none',
  };
}

const defaultSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Signs in with the device grant; see the file comment. `onCode` receives what the user needs
 * (`verification_uri`, `user_code`, `verification_uri_complete`, `expires_in`) and may return a
 * promise (a test approves the code there, or starts approving it). `sleep(ms)` and `now()` are
 * the clock, replaceable in tests. Resolves to `{ clientId, deviceId, scope, tokens, sync }`.
 */
export async function deviceLogin({
  auth, ca, agent = testAgent(ca), matrix, engine, extraScopes = [], clientUri = 'https://device-login.example.test/',
  onCode = () => {}, log = () => {}, sleep = defaultSleep, now = Date.now,
}) {
  engine ??= await loadEngine();
  const issuer = new URL(auth).href;

  // Discovery (OpenID Connect Discovery 1.0 section 4), checked as the web client checks it.
  const discovery = await request(agent, `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (discovery.status !== 200) throw new DeviceLoginError(`discovery: ${discovery.status}`);
  const metadata = json(discovery, 'discovery');
  if (metadata.issuer !== issuer) throw new DeviceLoginError(`discovery: the document names the issuer \`${metadata.issuer}\`, not \`${issuer}\``);
  const checked = engine.validateServerMetadata(metadata);
  if (!checked.valid) throw new DeviceLoginError(`discovery: the engine refuses the provider's metadata: ${checked.violations.join(', ')}`);
  if (typeof metadata.device_authorization_endpoint !== 'string') throw new DeviceLoginError('discovery: the provider has no device_authorization_endpoint');
  if (Array.isArray(metadata.grant_types_supported) && !metadata.grant_types_supported.includes(DEVICE_CODE_GRANT)) {
    throw new DeviceLoginError('discovery: the provider does not offer the device-code grant');
  }

  // Registration (RFC 7591), checked first by the engine's own rules.
  const wanted = clientMetadata(clientUri);
  const own = engine.validateClientMetadata(wanted);
  if (!own.valid) throw new DeviceLoginError(`registration: the engine refuses this client's metadata: ${own.violations.join(', ')}`);
  const registration = await request(agent, metadata.registration_endpoint, { method: 'POST', body: wanted });
  if (registration.status !== 201) throw oauthError(registration, 'registration');
  const clientId = json(registration, 'registration').client_id;
  if (typeof clientId !== 'string' || clientId === '') throw new DeviceLoginError('registration: no client_id');
  log(`registered as ${clientId}`);

  // The device authorization request (RFC 8628 section 3.1) with a fresh device id.
  const { scope: requested, deviceId } = engine.loginScope({ deviceId: engine.randomDeviceId(), extra: extraScopes });
  const authorization = await request(agent, metadata.device_authorization_endpoint, {
    method: 'POST',
    body: new URLSearchParams({ client_id: clientId, scope: requested }),
  });
  if (authorization.status !== 200) throw oauthError(authorization, 'device authorization');
  const codes = json(authorization, 'device authorization');
  for (const field of ['device_code', 'user_code', 'verification_uri']) {
    if (typeof codes[field] !== 'string' || codes[field] === '') throw new DeviceLoginError(`device authorization: no ${field}`);
  }
  if (!Number.isFinite(codes.expires_in) || codes.expires_in <= 0) throw new DeviceLoginError('device authorization: no valid expires_in');
  for (const field of ['verification_uri', 'verification_uri_complete']) {
    if (codes[field] !== undefined && new URL(codes[field]).protocol !== 'https:') throw new DeviceLoginError(`device authorization: ${field} is not https`);
  }
  const shown = {
    verification_uri: codes.verification_uri,
    user_code: codes.user_code,
    verification_uri_complete: codes.verification_uri_complete ?? null,
    expires_in: codes.expires_in,
    device_id: deviceId,
    client_id: clientId,
  };
  const approval = Promise.resolve(onCode(shown));

  const tokens = await poll({ agent, metadata, clientId, deviceCode: codes.device_code, interval: codes.interval, expiresIn: codes.expires_in, log, sleep, now });
  await approval;

  // The token must carry the client-server API and exactly this client's device.
  const grantedText = typeof tokens.scope === 'string' ? tokens.scope : requested;
  const granted = engine.Scope.parse(grantedText);
  const result = { clientId, deviceId, scope: granted.canonical, tokens, sync: null };
  try {
    if (!granted.hasApi) throw new DeviceLoginError(`the provider did not grant the client-server API (scope \`${grantedText}\`)`);
    if (granted.device !== deviceId) throw new DeviceLoginError(`the provider granted device \`${granted.device ?? 'none'}\`, this client asked for \`${deviceId}\``);
  } finally {
    granted.free();
  }

  if (matrix) {
    const sync = await request(agent, new URL('/_matrix/client/v3/sync?timeout=0', matrix).href, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    let body = {};
    try {
      body = sync.json();
    } catch {
      // an error answer without JSON is still an answer to report
    }
    // Repeated headers other than set-cookie arrive joined by node; set-cookie is not for interpret.
    const headers = Object.fromEntries(Object.entries(sync.headers).filter(([, value]) => typeof value === 'string'));
    result.sync = { status: sync.status, body, action: sync.status >= 400 ? engine.interpret(sync.status, headers, body) : null };
  }
  return result;
}

/**
 * Polls the token endpoint (RFC 8628 section 3.4 and 3.5): waits `interval` seconds before each
 * request, adds 5 after `slow_down`, keeps going on `authorization_pending`, stops on anything
 * else and when the device code has expired.
 */
export async function poll({ agent, metadata, clientId, deviceCode, interval, expiresIn, log = () => {}, sleep = defaultSleep, now = Date.now }) {
  let seconds = Number.isFinite(interval) && interval > 0 ? interval : DEFAULT_INTERVAL_SECONDS;
  const deadline = now() + expiresIn * 1000;
  for (;;) {
    if (now() + seconds * 1000 > deadline) throw new DeviceLoginError('the device code expired before the sign-in was approved', 'expired_token');
    await sleep(seconds * 1000);
    const answer = await request(agent, metadata.token_endpoint, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, client_id: clientId }),
    });
    if (answer.status === 200) {
      const tokens = json(answer, 'token');
      if (typeof tokens.access_token !== 'string' || tokens.access_token === '') throw new DeviceLoginError('token: no access_token');
      if (typeof tokens.token_type !== 'string' || tokens.token_type.toLowerCase() !== 'bearer') throw new DeviceLoginError(`token: token_type \`${tokens.token_type}\` is not Bearer`);
      return tokens;
    }
    const failure = oauthError(answer, 'token');
    if (answer.status === 400 && failure.error === 'authorization_pending') {
      log('waiting for the approval');
    } else if (answer.status === 400 && failure.error === 'slow_down') {
      seconds += SLOW_DOWN_SECONDS;
      log(`the provider asks to slow down: polling every ${seconds} s`);
    } else {
      // access_denied, expired_token, invalid_grant (a grant the provider's policy refused), ...
      throw failure;
    }
  }
}

function parseArgs(argv) {
  const options = { extraScopes: [] };
  const flags = { '--auth': 'auth', '--ca': 'ca', '--matrix': 'matrix', '--client-uri': 'clientUri', '--extra-scope': 'extraScopes' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = flags[argv[i]];
    if (!key || argv[i + 1] === undefined) throw new Error(`unknown or incomplete argument \`${argv[i]}\``);
    if (key === 'extraScopes') options.extraScopes.push(argv[i + 1]);
    else options[key] = argv[i + 1];
  }
  if (!options.auth || !options.ca) throw new Error('--auth URL and --ca PEM are required');
  return options;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`usage: cli.mjs --auth URL --ca PEM [--matrix URL] [--client-uri URL] [--extra-scope TOKEN]...\n${error.message}`);
    process.exit(2);
  }
  try {
    const result = await deviceLogin({
      ...options,
      log: (line) => console.error(line),
      onCode: (codes) => {
        console.log(`client_id: ${codes.client_id}`);
        console.log(`device_id: ${codes.device_id}`);
        console.log(`verification_uri: ${codes.verification_uri}`);
        console.log(`user_code: ${codes.user_code}`);
        if (codes.verification_uri_complete) console.log(`verification_uri_complete: ${codes.verification_uri_complete}`);
        console.error(`To sign in, open ${codes.verification_uri} and enter ${codes.user_code} (within ${codes.expires_in} s).`);
      },
    });
    console.log(`scope: ${result.scope}`);
    if (result.sync) {
      console.log(`sync: ${result.sync.status} ${JSON.stringify(result.sync.body)}`);
      if (result.sync.action) console.log(`sync action: ${JSON.stringify(result.sync.action)}`);
    }
    process.exit(result.sync === null || result.sync.status === 200 ? 0 : 1);
  } catch (error) {
    console.log(`error: ${error.error ?? 'failed'}`);
    console.error(`cli.mjs: ${error.message}`);
    process.exit(1);
  }
}
