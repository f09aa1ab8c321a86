// node --test: the client page in headless Chromium with the end-to-end run's browser setup
// (examples/e2e/flows.mjs `launchBrowser`): the test names resolve inside the browser, the leaf
// certificates are trusted by their keys and no others are, and the page starts under its
// Content-Security-Policy (the engine's WebAssembly loads, the config is read) until it asks the
// authorization server for its discovery document, which no server answers here. The sign-in
// and every flow after it run against the real servers in the end-to-end run.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';

import { launchBrowser } from '../e2e/flows.mjs';
import { makeCerts } from '../tls/local.mjs';
import { startClient } from './serve.mjs';

let certs;
let others;
let client;
let closedPort;
let browser;
before(async () => {
  certs = makeCerts();
  others = makeCerts(); // the same names under another CA and other keys
  // A port nothing listens on: the authorization server of this test is down.
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  closedPort = probe.address().port;
  await new Promise((resolve) => probe.close(resolve));
  client = await startClient({ port: 0, certs: certs.dir, auth: `https://auth.example.test:${closedPort}/`, matrix: `https://matrix.example.test:${closedPort}/` });
  browser = await launchBrowser({ certs: certs.dir });
});
after(async () => {
  await browser?.close();
  client?.server.close();
  certs?.remove();
  others?.remove();
});

test('the browser trusts the three leaf keys, resolves the test names, and the page starts under its CSP', async () => {
  const page = await browser.newPage();
  const uncaught = [];
  page.on('pageerror', (e) => uncaught.push(String(e)));
  await page.goto(client.url);
  await page.waitForFunction(() => document.body.dataset.state === 'idle');
  assert.deepEqual(uncaught, []);
  // The engine loaded (WebAssembly under 'wasm-unsafe-eval'), the config was read, and the page
  // stopped at the first thing that needs the authorization server, saying so.
  assert.equal(await page.textContent('#issuer'), `https://auth.example.test:${closedPort}/`);
  assert.equal(await page.getAttribute('body', 'data-error'), 'network');
  assert.match(await page.textContent('#error'), new RegExp(`GET https://auth\\.example\\.test:${closedPort}/\\.well-known/openid-configuration: no answer`));
  assert.equal(await page.isDisabled('#sign-in'), true, 'no sign-in without a checked discovery document');
  await page.close();
});

test('a certificate whose key is not on the list is refused, and other names do not resolve', async () => {
  const page = await browser.newPage();
  await assert.rejects(page.goto('https://example.org/'), /ERR_NAME_NOT_RESOLVED/);
  await page.close();
  // A browser set up for the other certificates: same names, other keys.
  const stranger = await launchBrowser({ certs: others.dir });
  try {
    const other = await stranger.newPage();
    await assert.rejects(other.goto(client.url), /ERR_CERT_AUTHORITY_INVALID/);
  } finally {
    await stranger.close();
  }
});
