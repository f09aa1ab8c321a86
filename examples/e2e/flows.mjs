// The browser flows of the end-to-end run: the web client (examples/web, served at `app`) in
// headless Chromium, signing in at the authorization server (`auth`, oidc-provider's development
// login and consent pages, filled in and clicked as a person would) and calling the homeserver
// (`matrix`). Each flow is asserted on what the page shows and on the HTTP exchange Chromium saw.
//
// The orchestrator owns the processes: it starts the servers, launches the browser (or lets
// `launchBrowser` do it), and passes callbacks for what only it can do (`stopAuthServer`,
// `waitCacheExpiry`, optionally `revoke`). `runFlows` resolves to a summary or rejects with the
// first failed assertion.
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { request, testAgent } from '../device-login/https.mjs';

/** The names of the three servers; their certificates are `<name>.pem` in the certs folder. */
export const NAMES = ['auth.example.test', 'matrix.example.test', 'app.example.test'];
const TIMEOUT_MS = 30_000;

/**
 * The base64 SHA-256 of a certificate's SubjectPublicKeyInfo, as Chromium's
 * `--ignore-certificate-errors-spki-list` takes it.
 */
export function spkiHash(pem) {
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/**
 * The Chromium flags that make the test names and certificates work inside this browser only:
 * `*.example.test` resolves to 127.0.0.1 and every other name to nothing (the provider's pages
 * import a web font; nothing leaves the machine), and the three leaf certificates are accepted by
 * their public keys. Chromium has no flag to add a root CA; the alternative, the CA in an NSS
 * database, needs certutil and a HOME of its own for the browser, while this names exactly the
 * three keys the test made and nothing else.
 */
export function chromiumArgs(certs) {
  const hashes = NAMES.map((name) => spkiHash(readFileSync(join(certs, `${name}.pem`), 'utf8')));
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--host-resolver-rules=MAP *.example.test 127.0.0.1, MAP * ~NOTFOUND',
    `--ignore-certificate-errors-spki-list=${hashes.join(',')}`,
  ];
}

/** Launches Debian's Chromium through playwright-core (from the CI tool cache unless given). */
export async function launchBrowser({ certs, chromium, executablePath = process.env.CHROMIUM || '/usr/bin/chromium' }) {
  if (!chromium) {
    const tools = process.env.MATRIX_AUTHZ_TOOLS || '/opt/matrix-authz-tools';
    ({ chromium } = createRequire(import.meta.url)(join(tools, 'npm', 'node_modules', 'playwright-core')));
  }
  return chromium.launch({ executablePath, headless: true, args: chromiumArgs(certs) });
}

/** Everything Chromium fetched in one browser context, with both sides' headers. */
class Exchanges {
  #entries = [];
  #pending = new Set();
  failed = [];

  constructor(context) {
    context.on('response', (response) => {
      const seq = this.#entries.length + this.#pending.size;
      const work = (async () => {
        const req = response.request();
        this.#entries.push({
          seq,
          method: req.method(),
          url: new URL(req.url()),
          status: response.status(),
          requestHeaders: await req.allHeaders().catch(() => ({})),
          headers: await response.allHeaders().catch(() => ({})),
          postData: req.postData(),
        });
      })();
      this.#pending.add(work);
      work.finally(() => this.#pending.delete(work));
    });
    context.on('requestfailed', (req) => this.failed.push(`${req.method()} ${req.url()}: ${req.failure()?.errorText}`));
  }

  async all() {
    while (this.#pending.size) await Promise.all([...this.#pending]);
    return [...this.#entries].sort((a, b) => a.seq - b.seq);
  }

  /** How many exchanges so far: `since(mark)` then lists only what came after. */
  async mark() {
    return (await this.all()).length;
  }

  async since(mark) {
    return (await this.all()).slice(mark);
  }
}

/**
 * Runs every flow of issue 16 against running servers.
 * - `browser`: a playwright Browser (`launchBrowser`); each simulated person gets a context.
 * - `auth`, `matrix`, `app`: the https base URLs (`https://auth.example.test:PORT/`, ...).
 * - `ca`: the CA PEM (path or text), for the requests this module makes itself (revocation).
 * - `stopAuthServer()`: stops the authorization server (the last flow).
 * - `waitCacheExpiry()`: resolves once the homeserver's introspection cache entries made so far
 *   have expired (positive entries' lifetime).
 * - `stepUpMaxAge`: the `max_age` of the homeserver's step-up rule on `deleteRoomKeysVersion`.
 * - `revoke(token)`: optional; revokes an access token behind the client's back (default: an RFC
 *   7009 request to the provider's revocation endpoint as the client that holds it).
 * - `log(line)`: progress.
 */
export async function runFlows({ browser, auth, matrix, app, ca, log = () => {}, stopAuthServer, waitCacheExpiry, revoke, stepUpMaxAge, users = {} }) {
  assert.equal(typeof stopAuthServer, 'function', 'runFlows needs stopAuthServer()');
  assert.equal(typeof waitCacheExpiry, 'function', 'runFlows needs waitCacheExpiry()');
  assert.ok(Number.isFinite(stepUpMaxAge) && stepUpMaxAge > 0, 'runFlows needs stepUpMaxAge (seconds)');
  const who = { alice: 'alice', guest: 'guest1', bob: 'bob', ...users };
  const authOrigin = new URL(auth).origin;
  const matrixOrigin = new URL(matrix).origin;
  const appOrigin = new URL(app).origin;
  const agent = testAgent(ca);
  const discovery = (await request(agent, `${new URL(auth).href.replace(/\/$/, '')}/.well-known/openid-configuration`)).json();
  const summary = [];
  const contexts = [];
  const people = [];

  const flow = async (name, body) => {
    const started = Date.now();
    log(`flow: ${name}`);
    await body();
    summary.push({ flow: name, ms: Date.now() - started });
    log(`flow: ${name}: passed`);
  };

  /** A person with their own browser (cookies, storage) and the client page open. */
  async function person(login) {
    const context = await browser.newContext();
    contexts.push(context);
    context.setDefaultTimeout(TIMEOUT_MS);
    const exchanges = new Exchanges(context);
    const page = await context.newPage();
    const errors = [];
    // Uncaught exceptions only: Chromium logs every 4xx/5xx answer as a console error.
    page.on('pageerror', (e) => errors.push(String(e)));
    const p = { login, context, page, exchanges, errors };
    people.push(p);
    await page.goto(app);
    await idle(p);
    assert.equal(await page.textContent('#discovery'), "valid (the engine's validateServerMetadata)");
    return p;
  }

  /** Waits for the page to finish its work; it must show no error. */
  async function idle(p) {
    await p.page.waitForFunction(() => document.body?.dataset.state === 'idle', null, { timeout: TIMEOUT_MS });
    const error = await p.page.$eval('#error', (e) => (e.hidden ? '' : e.textContent));
    const failed = p.exchanges.failed.length ? ` (failed requests: ${p.exchanges.failed.join('; ')})` : '';
    assert.equal(error, '', `the page shows an error at ${p.page.url()}${failed}`);
  }

  /** The provider's pages until the browser is back at the client: login and consent as needed. */
  async function provider(p) {
    for (let step = 0; step < 8; step++) {
      await p.page.waitForLoadState('load');
      const url = new URL(p.page.url());
      if (url.origin === appOrigin) return idle(p);
      assert.equal(url.origin, authOrigin, `the browser left for ${url.href}`);
      const before = p.page.url();
      const next = () => p.page.waitForURL((u) => u.href !== before, { waitUntil: 'load' });
      if (await p.page.locator('input[name="login"]').count()) {
        await p.page.fill('input[name="login"]', p.login);
        await p.page.fill('input[name="password"]', 'any password');
        await Promise.all([next(), p.page.click('button[type="submit"]')]);
      } else if (await p.page.locator('input[name="prompt"][value="consent"]').count()) {
        await Promise.all([next(), p.page.click('button:has-text("Continue")')]);
      } else {
        const text = (await p.page.textContent('body'))?.replace(/\s+/g, ' ').trim().slice(0, 400);
        assert.fail(`an unexpected provider page at ${url.href}: ${text}`);
      }
    }
    assert.fail('the sign-in did not come back to the client');
  }

  /** Clicks the page's sign-in button and goes through the provider; returns the exchanges. */
  async function signIn(p) {
    const mark = await p.exchanges.mark();
    await Promise.all([p.page.waitForURL((u) => u.origin === authOrigin), p.page.click('#sign-in')]);
    await provider(p);
    assert.equal(await p.page.getAttribute('body', 'data-signed-in'), 'true');
    assert.equal(await p.page.textContent('#account-id'), p.login);
    const deviceId = await p.page.textContent('#device-id');
    assert.match(deviceId, /^[A-Za-z0-9]{10}$/);
    const scope = (await p.page.textContent('#scope')).split(' ');
    assert.ok(scope.includes('urn:matrix:client:api:*'), `granted scope ${scope}`);
    assert.ok(scope.includes(`urn:matrix:client:device:${deviceId}`), `granted scope ${scope}`);
    const seen = await p.exchanges.since(mark);
    const authorize = seen.find((e) => e.url.origin === authOrigin && e.url.pathname === new URL(discovery.authorization_endpoint).pathname);
    assert.ok(authorize, 'an authorization request');
    const params = authorize.url.searchParams;
    assert.equal(params.get('response_type'), 'code');
    assert.equal(params.get('code_challenge_method'), 'S256');
    assert.match(params.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(new Set(params.get('scope').split(' ')), new Set(['openid', 'urn:matrix:client:api:*', `urn:matrix:client:device:${deviceId}`]));
    assert.equal(params.get('redirect_uri'), `${appOrigin}/callback`);
    const token = seen.find((e) => e.method === 'POST' && e.url.href === discovery.token_endpoint);
    assert.equal(token?.status, 200, 'the code exchange');
    assert.match(token.postData, /grant_type=authorization_code/);
    assert.match(token.postData, /code_verifier=/);
    const callback = seen.find((e) => e.url.origin === appOrigin && e.url.pathname === '/callback');
    assert.ok(callback?.url.searchParams.get('code'), 'the provider sent a code back');
    return { deviceId, seen, authorize };
  }

  /** Clicks a homeserver button and returns the log lines it added (their data-* fields). */
  async function press(p, id) {
    const before = await p.page.locator('#log li').count();
    const mark = await p.exchanges.mark();
    await p.page.click(`#${id}`);
    await p.page.waitForFunction(
      (n) => document.body.dataset.state !== 'busy' && (document.querySelectorAll('#log li').length > n || document.body.dataset.error),
      before,
      { timeout: TIMEOUT_MS },
    );
    await idle(p);
    const lines = await p.page.$$eval('#log li', (items, n) => items.slice(n).map((li) => ({ ...li.dataset, text: li.textContent })), before);
    return { lines, seen: await p.exchanges.since(mark) };
  }

  const accessToken = (p) => p.page.evaluate(() => JSON.parse(sessionStorage.getItem('session')).accessToken);
  const matrixCall = (seen, method, path) => seen.filter((e) => e.url.origin === matrixOrigin && e.method === method && e.url.pathname === path);

  /** One homeserver button: exactly one line, with this status (and errcode and action). */
  async function expectCall(p, id, method, path, { status, errcode = '', action = '', button = id }) {
    const token = await accessToken(p);
    const { lines, seen } = await press(p, button);
    const line = lines.find((l) => l.name === id);
    assert.ok(line, `a log line for ${id}: ${JSON.stringify(lines)}`);
    assert.deepEqual({ status: line.status, errcode: line.errcode, action: line.action }, { status: String(status), errcode, action }, line.text);
    const calls = matrixCall(seen, method, path);
    assert.equal(calls.length, 1, `one ${method} ${path} (${seen.map((e) => `${e.method} ${e.url.pathname} ${e.status}`).join(', ')})`);
    assert.equal(calls[0].status, status);
    assert.equal(calls[0].requestHeaders.authorization, `Bearer ${token}`, 'the call carries the session token');
    return { line, call: calls[0], seen };
  }

  try {
    const alice = await person(who.alice);
    let aliceSignedInAt;

    await flow('sign in (registration, authorization code + PKCE) and /sync allowed', async () => {
      const mark = await alice.exchanges.mark();
      const { deviceId } = await signIn(alice);
      aliceSignedInAt = Date.now();
      const registration = (await alice.exchanges.since(mark)).find((e) => e.method === 'POST' && e.url.href === discovery.registration_endpoint);
      assert.equal(registration?.status, 201, 'dynamic client registration');
      const metadata = JSON.parse(registration.postData);
      assert.equal(metadata.application_type, 'web');
      assert.deepEqual(metadata.redirect_uris, [`${appOrigin}/callback`]);
      assert.equal(metadata.client_uri, `${appOrigin}/`);
      const { line } = await expectCall(alice, 'whoami', 'GET', '/_matrix/client/v3/account/whoami', { status: 200 });
      const body = JSON.parse(line.body);
      assert.match(body.user_id, new RegExp(`^@${who.alice}:`));
      assert.equal(body.device_id, deviceId);
      assert.equal(await alice.page.textContent('#user-id'), body.user_id);
      await expectCall(alice, 'sync', 'GET', '/_matrix/client/v3/sync', { status: 200 });
      await expectCall(alice, 'create-room', 'POST', '/_matrix/client/v3/createRoom', { status: 200 });
      // The step-up rule lets a fresh sign-in through (checked only while it surely is fresh).
      if (Date.now() - aliceSignedInAt < (stepUpMaxAge - 2) * 1000) {
        await expectCall(alice, 'delete-backup', 'DELETE', '/_matrix/client/v3/room_keys/version/1', { status: 200 });
      } else {
        log('  (the fresh-sign-in check of the step-up rule is skipped: the sign-in is already near max_age)');
      }
    });

    await flow('a guest refused', async () => {
      const guest = await person(who.guest);
      await signIn(guest);
      await expectCall(guest, 'sync', 'GET', '/_matrix/client/v3/sync', { status: 200 });
      await expectCall(guest, 'create-room', 'POST', '/_matrix/client/v3/createRoom', { status: 403, errcode: 'M_GUEST_ACCESS_FORBIDDEN', action: 'fail' });
    });

    await flow('cross-signing reset: m.oauth UIA, account page, approval, retry allowed', async () => {
      const upload = '/_matrix/client/v3/keys/device_signing/upload';
      // The first upload needs no approval (MSC3967): there are no keys to replace yet.
      await expectCall(alice, 'upload-keys', 'POST', upload, { status: 200 });
      const { line } = await expectCall(alice, 'upload-keys', 'POST', upload, { status: 401, action: 'open_url' });
      const uia = JSON.parse(line.body);
      assert.ok(uia.flows?.some((f) => f.stages?.includes('m.oauth')), `the m.oauth stage: ${line.body}`);
      assert.equal(typeof uia.session, 'string');
      assert.equal(await alice.page.isVisible('#uia'), true, 'the page offers the account page');
      const href = await alice.page.getAttribute('#uia-open', 'href');
      const target = new URL(href);
      assert.equal(target.origin + target.pathname, new URL(discovery.account_management_uri).href.replace(/\?.*$/, ''));
      assert.equal(target.searchParams.get('action'), 'org.matrix.cross_signing_reset');
      const [account] = await Promise.all([alice.context.waitForEvent('page'), alice.page.click('#uia-open')]);
      await account.waitForLoadState('load');
      assert.equal(account.url(), href);
      if (await account.locator('input[name="login"]').count()) {
        // No provider session in this tab: sign in first, as a person would.
        await account.fill('input[name="login"]', who.alice);
        await account.fill('input[name="password"]', 'any password');
        await Promise.all([account.waitForLoadState('load'), account.click('button[type="submit"]')]);
      }
      const approveMark = await alice.exchanges.mark();
      await account.getByRole('button', { name: /approve/i }).click();
      await account.getByText(/Approved/).waitFor();
      const approval = (await alice.exchanges.since(approveMark)).find((e) => e.method === 'POST' && e.url.origin === authOrigin);
      assert.equal(approval?.status, 200, 'the approval form post');
      await account.close();
      const { call: retried } = await expectCall(alice, 'upload-keys', 'POST', upload, { status: 200, button: 'uia-retry' });
      assert.equal(JSON.parse(retried.postData).auth?.session, uia.session, 'the retry carries the UIA session');
      assert.equal(await alice.page.isVisible('#uia'), false);
    });

    await flow('step-up: max_age challenge (RFC 9470), fresh sign-in with max_age, retry allowed', async () => {
      const path = '/_matrix/client/v3/room_keys/version/1';
      const deviceId = await alice.page.textContent('#device-id');
      const firstAuthTime = await alice.page.textContent('#auth-time');
      const wait = aliceSignedInAt + (stepUpMaxAge + 2) * 1000 - Date.now();
      if (wait > 0) {
        log(`  waiting ${Math.ceil(wait / 1000)} s for the sign-in to be older than max_age ${stepUpMaxAge}`);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const mark = await alice.exchanges.mark();
      await Promise.all([alice.page.waitForURL((u) => u.origin === authOrigin), alice.page.click('#delete-backup')]);
      // max_age is older than the provider session: the provider asks for the password again.
      assert.equal(await alice.page.locator('input[name="login"]').count(), 1, 'the provider asks to sign in again');
      await provider(alice);
      const seen = await alice.exchanges.since(mark);
      const [challenged, retried] = matrixCall(seen, 'DELETE', path);
      assert.equal(challenged?.status, 401);
      assert.match(challenged.headers['www-authenticate'] ?? '', /error="insufficient_user_authentication"/);
      assert.match(challenged.headers['www-authenticate'], new RegExp(`max_age="?${stepUpMaxAge}"?`));
      const authorize = seen.find((e) => e.url.origin === authOrigin && e.url.pathname === new URL(discovery.authorization_endpoint).pathname);
      assert.equal(authorize?.url.searchParams.get('max_age'), String(stepUpMaxAge));
      assert.ok(authorize.url.searchParams.get('scope').split(' ').includes(`urn:matrix:client:device:${deviceId}`), 'the same device');
      assert.equal(retried?.status, 200, 'the retry after the fresh sign-in');
      const lines = await alice.page.$$eval('#log li', (items) => items.map((li) => ({ ...li.dataset })));
      const backup = lines.filter((l) => l.name === 'delete-backup');
      assert.deepEqual(backup.slice(-2).map((l) => [l.status, l.errcode, l.action]), [['401', 'M_INSUFFICIENT_USER_AUTHENTICATION', 'reauthenticate'], ['200', '', '']]);
      assert.equal(await alice.page.textContent('#device-id'), deviceId);
      assert.notEqual(await alice.page.textContent('#auth-time'), firstAuthTime, 'a newer authentication');
    });

    await flow('revoked token refused after the cache lifetime', async () => {
      const token = await accessToken(alice);
      await expectCall(alice, 'sync', 'GET', '/_matrix/client/v3/sync', { status: 200 });
      if (revoke) {
        await revoke(token);
      } else {
        const clientId = await alice.page.evaluate(() => JSON.parse(sessionStorage.getItem('session')).clientId);
        const answer = await request(agent, discovery.revocation_endpoint, { method: 'POST', body: new URLSearchParams({ token, token_type_hint: 'access_token', client_id: clientId }) });
        assert.equal(answer.status, 200, 'revocation');
      }
      await waitCacheExpiry();
      await expectCall(alice, 'sync', 'GET', '/_matrix/client/v3/sync', { status: 401, errcode: 'M_UNKNOWN_TOKEN', action: 'logout' });
      assert.equal(await alice.page.getAttribute('body', 'data-signed-in'), 'false');
      assert.match(await alice.page.textContent('#notice'), /signed out/);
    });

    await flow('authorization server stopped: 503 for a token not in the cache and after the cache lifetime', async () => {
      await signIn(alice);
      await expectCall(alice, 'sync', 'GET', '/_matrix/client/v3/sync', { status: 200 });
      const bob = await person(who.bob);
      await signIn(bob); // a token the homeserver has never seen
      await stopAuthServer();
      await expectCall(bob, 'sync', 'GET', '/_matrix/client/v3/sync', { status: 503, errcode: 'M_UNKNOWN', action: 'retry' });
      assert.equal(await bob.page.getAttribute('body', 'data-signed-in'), 'true', 'a 503 does not sign out');
      assert.match(await bob.page.textContent('#notice'), /try again later/);
      await waitCacheExpiry();
      await expectCall(alice, 'sync', 'GET', '/_matrix/client/v3/sync', { status: 503, errcode: 'M_UNKNOWN', action: 'retry' });
    });

    for (const p of people) assert.deepEqual(p.errors, [], `uncaught errors in ${p.login}'s page`);
    return summary;
  } finally {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
  }
}
