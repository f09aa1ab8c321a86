// node --test: loads the page from 127.0.0.1 in Debian's headless chromium (playwright-core
// from the CI tool cache) and checks what it shows.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { CHROMIUM, CHROMIUM_FLAGS } from '../e2e/flows.mjs';
import { start } from './serve.mjs';

const TOOLS = process.env.MATRIX_AUTHZ_TOOLS || '/opt/matrix-authz-tools';
const { chromium } = createRequire(import.meta.url)(join(TOOLS, 'npm', 'node_modules', 'playwright-core'));

let server;
let browser;
let profile;
before(async () => {
  server = await start(0);
  profile = mkdtempSync(join(tmpdir(), 'matrix-authz-web-example-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
  });
});
after(async () => {
  await browser?.close();
  server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function load() {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.__example !== undefined, null, { timeout: 60_000 });
  return { page, errors };
}

test('the page builds the login, the account links and the 401 answers, and every check passes', async () => {
  const { page, errors } = await load();
  const example = await page.evaluate(() => window.__example);
  assert.deepEqual(example.checks.filter((c) => !c.ok), []);
  assert.equal(await page.textContent('#status'), `${example.checks.length} of ${example.checks.length} checks passed`);
  assert.deepEqual(errors, []);

  const deviceId = await page.textContent('#device-id');
  assert.match(deviceId, /^[A-Za-z0-9]{10}$/);
  assert.equal(await page.textContent('#scope'), `openid urn:matrix:client:api:* urn:matrix:client:device:${deviceId}`);
  const authorize = new URL(await page.getAttribute('#authorize', 'href'));
  assert.equal(authorize.searchParams.get('scope'), `openid urn:matrix:client:api:* urn:matrix:client:device:${deviceId}`);

  const links = await page.$$eval('a.account-link', (as) => as.map((a) => a.href));
  assert.deepEqual(links, [
    'https://auth.example.org/account/?action=org.matrix.profile',
    'https://auth.example.org/account/?action=org.matrix.devices_list',
    `https://auth.example.org/account/?action=org.matrix.device_view&device_id=${deviceId}`,
    `https://auth.example.org/account/?action=org.matrix.session_end&device_id=${deviceId}`,
  ]);
  assert.deepEqual(await page.$$eval('.action', (s) => s.map((e) => e.textContent)), ['open_url', 'reauthenticate', 'logout']);
  const [uia, stepUp, revoked] = await page.$$eval('#answers li', (items) => items.map((li) => li.textContent));
  assert.match(uia, /^POST \/_matrix\/client\/v3\/keys\/device_signing\/upload → 401 → open_url /);
  assert.match(uia, /url: https:\/\/auth\.example\.org\/account\/\?action=org\.matrix\.cross_signing_reset/);
  assert.match(uia, /session: session-1/);
  assert.match(stepUp, /^DELETE \/_matrix\/client\/v3\/room_keys\/version\/1 → 401 → reauthenticate .*max_age: 300/);
  assert.match(revoked, /^GET \/_matrix\/client\/v3\/account\/whoami → 401 → logout/);
  process.stdout.write(`# web example: ${await page.textContent('#status')}, device ${deviceId}\n`);
});

test('every load draws a fresh device id', async () => {
  const first = await (await load()).page.textContent('#device-id');
  const second = await (await load()).page.textContent('#device-id');
  assert.notEqual(first, second);
});
