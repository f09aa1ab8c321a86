// node --test: the playground in Debian's headless Chromium (playwright-core from the CI tool
// cache), served from 127.0.0.1 by serve.mjs on the package of bindings-wasm/build.sh. Each
// scenario works the form as a person would and checks what the page shows; the expected
// answers come from DECISIONS.md's pipeline and the README's reason table.
//
// Screenshots go into $PLAYGROUND_SCREENSHOTS when set, else a fresh folder under the OS temp
// dir; their paths are printed. The README's screenshot.png is one of them, copied by hand.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { CHROMIUM, CHROMIUM_FLAGS } from '../e2e/flows.mjs';
import { start } from './serve.mjs';

const TOOLS = process.env.MATRIX_AUTHZ_TOOLS || '/opt/matrix-authz-tools';
const { chromium } = createRequire(import.meta.url)(join(TOOLS, 'npm', 'node_modules', 'playwright-core'));

const SHOTS = process.env.PLAYGROUND_SCREENSHOTS || mkdtempSync(join(tmpdir(), 'matrix-authz-playground-'));
mkdirSync(SHOTS, { recursive: true });

const FULL_SCOPE = 'urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ';

let server;
let browser;
let profile;
let origin;
before(async () => {
  server = await start(0);
  origin = `http://127.0.0.1:${server.address().port}`;
  profile = mkdtempSync(join(tmpdir(), 'matrix-authz-playground-profile-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 1000 },
  });
});
after(async () => {
  await browser?.close();
  server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** Opens the page (at `fragment`, if given), waits until it has decided once. */
async function open(fragment = '') {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${origin}/${fragment}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  return { page, errors };
}

async function shot(page, name) {
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  process.stdout.write(`screenshot: ${path}\n`);
}

/** What the page shows about the decision, read from the DOM. */
async function shown(page) {
  const text = (selector) => page.textContent(selector).then((t) => t.trim());
  return {
    decision: await text('#decision'),
    step: await text('#step'),
    reason: await text('#reason'),
    setting: await text('#setting'),
    http: await text('#http'),
    answered: await page.$$eval('#pipeline .answered', (items) => items.map((li) => li.dataset.step)),
    passed: await page.$$eval('#pipeline .passed', (items) => items.map((li) => Number(li.dataset.step))),
    current: await page.$$eval('#pipeline [aria-current="step"]', (items) => items.map((li) => li.textContent)),
  };
}

const upTo = (n) => Array.from({ length: n }, (_, i) => i);

async function request(page, { method, path, scope = FULL_SCOPE, guest = false, authTime = '', now = '1700000000' }) {
  await page.selectOption('#method', method);
  await page.fill('#path', path);
  await page.fill('#scope', scope);
  await page.setChecked('#token-guest', guest);
  await page.fill('#token-auth-time', authTime);
  await page.fill('#now', now);
}

test('default preset: GET /sync with a full token is allowed at step 18, request.allowed', async () => {
  const { page, errors } = await open();
  await request(page, { method: 'GET', path: '/_matrix/client/v3/sync' });
  const s = await shown(page);
  assert.equal(s.decision, 'allow');
  assert.equal(s.step, '18');
  assert.equal(s.reason, 'request.allowed');
  assert.match(s.setting, /^\(none/);
  assert.deepEqual(s.answered, ['18']);
  assert.deepEqual(s.passed, upTo(18));
  assert.match(s.current[0], /allowed.*answered: request\.allowed/);
  assert.match(s.http, /^allow: /);
  assert.equal(await page.textContent('#endpoint'), 'sync');
  assert.equal(await page.textContent('#device'), 'ABCDEFGHIJ');
  await shot(page, 'allow');

  // HEAD is decided as GET (DECISIONS.md): without a token, step 4; the answer has no body.
  await page.selectOption('#method', 'HEAD');
  await page.setChecked('#token-sent', false);
  const head = await shown(page);
  assert.deepEqual([head.decision, head.step, head.reason], ['deny 401 M_MISSING_TOKEN', '4', 'token.missing']);
  assert.equal(head.http, 'HTTP/1.1 401\ncontent-type: application/json');
  assert.deepEqual(errors, []);
});

test("a guest's POST /createRoom is denied 403 M_GUEST_ACCESS_FORBIDDEN at step 12", async () => {
  const { page, errors } = await open();
  await request(page, { method: 'POST', path: '/_matrix/client/v3/createRoom', guest: true });
  const s = await shown(page);
  assert.equal(s.decision, 'deny 403 M_GUEST_ACCESS_FORBIDDEN');
  assert.equal(s.step, '12');
  assert.equal(s.reason, 'guest.endpoint_not_allowed');
  assert.deepEqual(s.answered, ['12']);
  assert.deepEqual(s.passed, upTo(12));
  assert.equal(await page.$$eval('#pipeline .skipped', (items) => items.length), 6);
  const [head, body] = s.http.split('\n\n');
  assert.equal(head.split('\n')[0], 'HTTP/1.1 403');
  assert.equal(JSON.parse(body).errcode, 'M_GUEST_ACCESS_FORBIDDEN');
  await shot(page, 'guest-deny');
  assert.deepEqual(errors, []);
});

test('a step-up rule on createRoom and a stale auth_time: step_up 401 at step 17, setting step_up[0]', async () => {
  const { page, errors } = await open();
  await page.selectOption('#policy-preset', 'document');
  await page.fill('#policy-document', JSON.stringify({ step_up: [{ endpoints: ['createRoom'], max_age: 300 }] }, null, 2));
  assert.equal(await page.textContent('#policy-status'), 'a valid policy document');
  // Authenticated 1000 seconds ago; the rule wants 300 at most.
  await request(page, { method: 'POST', path: '/_matrix/client/v3/createRoom', authTime: '1699999000' });
  const s = await shown(page);
  assert.equal(s.decision, 'step_up 401 M_INSUFFICIENT_USER_AUTHENTICATION');
  assert.equal(s.step, '17');
  assert.equal(s.reason, 'step_up.max_age_exceeded');
  assert.equal(s.setting, 'step_up[0]');
  assert.deepEqual(s.answered, ['17']);
  assert.deepEqual(s.passed, upTo(17));
  const [head, body] = s.http.split('\n\n');
  const lines = head.split('\n');
  assert.equal(lines[0], 'HTTP/1.1 401');
  assert.ok(lines.includes('www-authenticate: Bearer error="insufficient_user_authentication", max_age="300"'), head);
  assert.deepEqual(
    { errcode: JSON.parse(body).errcode, max_age: JSON.parse(body).max_age },
    { errcode: 'M_INSUFFICIENT_USER_AUTHENTICATION', max_age: 300 },
  );
  // A fresh authentication passes the same rule.
  await page.fill('#token-auth-time', '1699999900');
  assert.equal((await shown(page)).decision, 'allow');
  await page.fill('#token-auth-time', '1699999000');
  await shot(page, 'step-up');
  assert.deepEqual(errors, []);
});

test('invalid JSON is shown at its line and column; an invalid policy as policy.invalid', async () => {
  const { page, errors } = await open();
  await page.selectOption('#policy-preset', 'document');
  // Line 3 lacks the comma after its value: the next member name, line 4 column 3, is where it breaks.
  await page.fill('#policy-document', '{\n  "preset": "mas",\n  "approval": "window"\n  "legacy_endpoints": true\n}');
  assert.equal(await page.textContent('#policy-status'), 'invalid JSON at line 4, column 3: expected `,` or `}`, found `"`');
  assert.equal(await page.getAttribute('#policy-mark', 'data-line'), '4');
  assert.equal(await page.isVisible('#policy-mark'), true);
  assert.equal(await page.getAttribute('#policy-document', 'aria-invalid'), 'true');
  assert.equal(await page.textContent('#decision'), 'no decision: the policy is not valid');
  assert.deepEqual(await page.$$eval('#pipeline .answered', (items) => items.length), 0);
  await shot(page, 'invalid-json');

  await page.fill('#policy-document', '{\n  "preset": "mas",\n  "approval": "sometimes"\n}');
  const status = await page.textContent('#policy-status');
  assert.match(status, /^policy\.invalid\b/);
  assert.match(status, /approval/);
  // Once errors carry their JSON pointer (FORMAT.md), the page marks the member's line.
  const { Policy } = await import('../../bindings-wasm/pkg/node.mjs');
  let pointer;
  try {
    Policy.fromDocument({ preset: 'mas', approval: 'sometimes' });
  } catch (e) {
    pointer = e.path;
  }
  if (pointer === undefined) {
    assert.equal(await page.isVisible('#policy-mark'), false);
  } else {
    assert.equal(pointer, '/approval');
    assert.match(status, /at \/approval, line 3\b/);
    assert.equal(await page.getAttribute('#policy-mark', 'data-line'), '3');
  }
  await shot(page, 'policy-invalid');

  // Back to valid: the error and the mark go.
  await page.fill('#policy-document', '{"preset": "mas"}');
  assert.equal(await page.textContent('#policy-status'), 'a valid policy document');
  assert.equal(await page.isVisible('#policy-mark'), false);
  assert.equal(await page.textContent('#decision'), 'allow');
  assert.deepEqual(errors, []);
});

test('a request the engine cannot decide shows input.invalid at its field', async () => {
  const { page, errors } = await open();
  await page.selectOption('#policy-preset', 'document');
  await page.fill('#policy-document', JSON.stringify({ step_up: [{ endpoints: ['createRoom'], max_age: 300 }] }));
  // The rule compares times, and the request carries no `now` (DECISIONS.md "Input").
  await request(page, { method: 'POST', path: '/_matrix/client/v3/createRoom', authTime: '1699999000', now: '' });
  assert.match(await page.textContent('#decision'), /^input\.invalid: .*`now`/);
  assert.equal(await page.textContent('#step'), '');
  assert.equal(await page.$$eval('#pipeline .answered, #pipeline .passed', (items) => items.length), 0);
  const { evaluate } = await import('../../bindings-wasm/pkg/node.mjs');
  let pointer;
  try {
    evaluate('request.decide', {
      method: 'POST', path: '/_matrix/client/v3/createRoom', token: { scope: FULL_SCOPE, auth_time: 1699999000 },
      policy: { step_up: [{ endpoints: ['createRoom'], max_age: 300 }] },
    });
  } catch (e) {
    pointer = e.path;
  }
  assert.equal(await page.getAttribute('#now', 'aria-invalid'), pointer === '/now' ? 'true' : null);
  await page.fill('#now', '1700000000');
  assert.equal(await page.textContent('#step'), '17');
  assert.equal(await page.getAttribute('#now', 'aria-invalid'), null);
  assert.deepEqual(errors, []);
});

test('a link holds the whole state: opening it shows the same decision', async () => {
  const first = await open();
  await first.page.selectOption('#policy-preset', 'synapse');
  // synapse answers a token without the API scope with 401 M_UNKNOWN_TOKEN at step 10.
  await request(first.page, { method: 'GET', path: '/_matrix/client/v3/account/whoami', scope: 'openid' });
  const before = await shown(first.page);
  assert.equal(before.decision, 'deny 401 M_UNKNOWN_TOKEN');
  assert.equal(before.step, '10');
  assert.equal(before.reason, 'scope.api_missing');
  const link = await first.page.getAttribute('#link', 'href');
  assert.equal(link, first.page.url());
  const fragment = new URL(link).hash;
  assert.match(fragment, /^#s=[A-Za-z0-9_-]+$/);

  const second = await open(fragment);
  assert.deepEqual(await shown(second.page), before);
  assert.equal(await second.page.inputValue('#policy-preset'), 'synapse');
  assert.equal(await second.page.inputValue('#path'), '/_matrix/client/v3/account/whoami');
  assert.equal(await second.page.inputValue('#scope'), 'openid');
  // A reload keeps it too.
  await second.page.reload();
  await second.page.waitForSelector('body[data-ready="true"]');
  assert.deepEqual(await shown(second.page), before);

  // A damaged link says so and shows the defaults.
  const broken = await open('#s=%%%');
  assert.match(await broken.page.textContent('#state-error'), /could not be read/);
  assert.equal(await broken.page.inputValue('#policy-preset'), 'default');
  assert.equal(await broken.page.textContent('#decision'), 'allow');
  assert.deepEqual([...first.errors, ...second.errors, ...broken.errors], []);
});

test('scope classification: openid, the full API and a device', async () => {
  const { page, errors } = await open();
  await page.fill('#scope', 'openid urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ');
  const rows = await page.$$eval('#scope-tokens tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(Object.fromEntries(rows), {
    openid: 'openid',
    'urn:matrix:client:api:*': 'api',
    'urn:matrix:client:device:ABCDEFGHIJ': 'device',
  });
  assert.equal(await page.textContent('#scope-api'), 'full');
  assert.equal(await page.textContent('#scope-device'), 'ABCDEFGHIJ');
  assert.equal(await page.textContent('#scope-admin'), 'false');
  await shot(page, 'scope');

  // A scope the grammar rejects is shown with its code.
  await page.fill('#scope', 'openid  urn:matrix:client:api:*');
  assert.match(await page.textContent('#scope-error'), /^scope\.empty_token: /);
  assert.deepEqual(errors, []);
});

test('the server answers on 127.0.0.1 with the page and the browser build only', async () => {
  assert.equal(server.address().address, '127.0.0.1');
  const get = (path, method = 'GET') => new Promise((resolve, reject) => {
    // node:http sends the path as written (fetch would resolve the `..`).
    httpRequest(`${origin}${path}`, { method }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    }).on('error', reject).end();
  });
  const page = await get('/');
  assert.equal(page.statusCode, 200);
  assert.match(page.headers['content-security-policy'], /script-src 'self' 'wasm-unsafe-eval';/);
  assert.equal((await get('/pkg/matrix_authz_bg.wasm')).headers['content-type'], 'application/wasm');
  // Every module the browser entry imports is served (a missing one leaves the page unloaded).
  const entry = readFileSync(new URL('../../bindings-wasm/pkg/index.mjs', import.meta.url), 'utf8');
  const imports = [...entry.matchAll(/from '\.\/([^']+)'/g)].map((m) => m[1]);
  assert.ok(imports.length > 0);
  for (const name of imports) assert.equal((await get(`/pkg/${name}`)).statusCode, 200, name);
  for (const path of ['/serve.mjs', '/page.test.mjs', '/pkg/node.mjs', '/pkg/../../Cargo.toml', '/../README.md', '/index.html']) {
    assert.equal((await get(path)).statusCode, 404, path);
  }
  assert.equal((await get('/', 'POST')).statusCode, 405);
});
