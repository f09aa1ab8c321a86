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
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { CHROMIUM, CHROMIUM_FLAGS } from '../../bindings-wasm/tests/chromium.mjs';
import { approveUserCode } from '../device-login/approve.mjs';
import { request, testAgent } from '../device-login/https.mjs';

/** The names of the three servers; their certificates are `<name>.pem` in the certs folder. */
export const NAMES = ['auth.example.test', 'matrix.example.test', 'app.example.test'];
const TIMEOUT_MS = 30_000;

// Where and how Chromium runs here, for the example pages' tests too: one list, shared with the
// npm package's browser test.
export { CHROMIUM, CHROMIUM_FLAGS };

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
    ...CHROMIUM_FLAGS,
    '--host-resolver-rules=MAP *.example.test 127.0.0.1, MAP * ~NOTFOUND',
    `--ignore-certificate-errors-spki-list=${hashes.join(',')}`,
  ];
}

/** Launches Debian's Chromium through playwright-core (from the CI tool cache unless given). */
export async function launchBrowser({ certs, chromium, executablePath = CHROMIUM }) {
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
  #count = 0;
  failed = [];

  constructor(context) {
    context.on('response', (response) => {
      const seq = this.#count++;
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
    // Only our servers: the provider's pages also ask for a web font, which the resolver rules block.
    context.on('requestfailed', (req) => {
      if (new URL(req.url()).hostname.endsWith('.example.test')) this.failed.push(`${req.method()} ${req.url()}: ${req.failure()?.errorText}`);
    });
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
    assert.equal(error, '', `the page shows an error at ${p.page.url()}: ${error}${failed}`);
  }

  /** Until the browser shows a loaded provider page, or the client page is done with its work.
   * (Evaluated in whichever document is current, again after each navigation.) */
  async function settle(p) {
    await p.page.waitForFunction(
      ([auth, app]) => (location.origin === auth && document.readyState === 'complete') || (location.origin === app && document.body?.dataset.state === 'idle'),
      [authOrigin, appOrigin],
      { timeout: TIMEOUT_MS },
    );
  }

  /**
   * Clicks `selector` on the client page, which sends the browser to the provider, then goes
   * through the provider's pages as a person would (login, consent: whichever it shows; none when
   * it signs the user in silently) until the client page is back and done. Returns the pages seen.
   */
  async function throughProvider(p, selector) {
    await p.page.click(selector);
    const pages = [];
    for (let step = 0; step < 8; step++) {
      await settle(p);
      const url = new URL(p.page.url());
      if (url.origin === appOrigin) {
        await idle(p);
        return pages;
      }
      const loaded = () => p.page.waitForEvent('load');
      if (await p.page.locator('input[name="login"]').count()) {
        pages.push('login');
        await p.page.fill('input[name="login"]', p.login);
        await p.page.fill('input[name="password"]', 'any password');
        await Promise.all([loaded(), p.page.click('button[type="submit"]')]);
      } else if (await p.page.locator('input[name="prompt"][value="consent"]').count()) {
        pages.push('consent');
        await Promise.all([loaded(), p.page.click('button:has-text("Continue")')]);
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
    const pages = await throughProvider(p, '#sign-in');
    log(`  ${p.login} signed in; provider pages: ${pages.join(', ') || 'none (the provider session and grant were reused)'}`);
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
    return { deviceId, seen, authorize, pages };
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
      const { deviceId, pages } = await signIn(alice);
      aliceSignedInAt = Date.now();
      assert.equal(pages[0], 'login', 'a new visitor signs in on the provider\'s login page');
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
        await Promise.all([account.waitForEvent('load'), account.click('button[type="submit"]')]);
      }
      const approveMark = await alice.exchanges.mark();
      await account.getByRole('button', { name: /approve/i }).click();
      await account.getByText(/Approved/).first().waitFor();
      const approval = (await alice.exchanges.since(approveMark)).find((e) => e.method === 'POST' && e.url.origin === authOrigin);
      assert.ok(approval && approval.status < 400, `the approval form post (${approval?.status})`);
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
      const pages = await throughProvider(alice, '#delete-backup');
      // The provider session is older than max_age: the provider asks for the password again.
      assert.equal(pages[0], 'login', 'the provider asks to sign in again');
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

const DEVICE_CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'device-login', 'cli.mjs');

/**
 * One run of the device-login CLI as a person uses it: the CLI (a child process) prints the
 * verification URI and the user code, the person approves the code on the provider's pages
 * (`approveUserCode`, plain https with cookies) as `login`, the CLI finishes. Resolves to
 * `{ exitCode, lines (key → value of its stdout), stderr, approval }`; the process is always
 * gone when it resolves.
 */
export async function deviceLogin({ auth, matrix, ca, login, extraScopes = [], log = () => {} }) {
  const args = [DEVICE_CLI, '--auth', auth, '--ca', ca, ...(matrix ? ['--matrix', matrix] : [])];
  for (const scope of extraScopes) args.push('--extra-scope', scope);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const killer = setTimeout(() => child.kill(), 120_000);
  const exited = once(child, 'exit');
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const lines = {};
  let approval = null;
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      log(`  cli: ${line}`);
      const at = line.indexOf(': ');
      if (at > 0) lines[line.slice(0, at)] = line.slice(at + 2);
      if (line.startsWith('user_code: ')) {
        approval = approveUserCode({ verificationUri: lines.verification_uri, userCode: lines.user_code, login, ca, log: (l) => log(`  approve: ${l}`) })
          .then((r) => ({ ok: true, steps: r.steps }), (e) => ({ ok: false, error: e.message }));
      }
    }
    const [exitCode] = child.exitCode !== null ? [child.exitCode] : await exited;
    return { exitCode, lines, stderr, approval: approval && (await approval) };
  } finally {
    clearTimeout(killer);
    if (child.exitCode === null) child.kill();
  }
}

/**
 * The device authorization grant flows (RFC 8628, MSC4341): a sign-in approved on the provider's
 * pages whose token names the CLI's own device and works on the homeserver, and a request the
 * provider's `grant.decide` refuses (an admin scope beside the device scope): no token.
 */
export async function runDeviceFlows({ auth, matrix, ca, log = () => {}, login = 'dave' }) {
  log('flow: device authorization grant: approved on the provider pages, /sync allowed');
  const ok = await deviceLogin({ auth, matrix, ca, login, log });
  assert.equal(ok.approval?.ok, true, `the approval: ${ok.approval?.error}`);
  assert.equal(ok.exitCode, 0, ok.stderr);
  assert.match(ok.lines.device_id, /^[A-Za-z0-9]{10}$/);
  assert.deepEqual(new Set(ok.lines.scope.split(' ').filter((s) => s !== 'openid')), new Set(['urn:matrix:client:api:*', `urn:matrix:client:device:${ok.lines.device_id}`]));
  assert.match(ok.lines.sync, /^200 /);
  log('flow: device authorization grant: refused by grant.decide (admin scope)');
  const refused = await deviceLogin({ auth, matrix, ca, login, extraScopes: ['urn:synapse:admin:*'], log });
  assert.equal(refused.exitCode, 1, 'the CLI fails');
  assert.match(refused.lines.error ?? '', /^\S+$/, 'the CLI names the OAuth error');
  assert.equal(refused.lines.scope, undefined, 'no token');
  assert.match(refused.stderr, /grant\.admin_not_allowed/, 'the refusal carries the engine\'s violation');
  return [{ flow: 'device grant approved', deviceId: ok.lines.device_id }, { flow: 'device grant refused', error: refused.lines.error }];
}
