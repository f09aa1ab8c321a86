// node --test: Debian's chromium, headless through playwright-core, loads the browser build
// from a page served on 127.0.0.1 and runs the whole conformance suite there. The test fails
// unless the page reports every case passed (the same count node reads from the same files).
import assert from 'node:assert/strict';
import { readFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { test } from 'node:test';

import { chromium } from 'playwright-core';

import { CHROMIUM, CHROMIUM_FLAGS } from './chromium.mjs';
import { ROOT, readVectorFiles } from './vectors.mjs';

const TYPES = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
// Only these folders are served.
const MOUNTS = { '/pkg/': join(ROOT, 'bindings-wasm', 'pkg'), '/tests/': join(ROOT, 'bindings-wasm', 'tests') };

function serve(vectorsJson) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    if (path === '/vectors.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(vectorsJson);
      return;
    }
    const file = path === '/' ? join(MOUNTS['/tests/'], 'browser', 'index.html') : resolveMounted(path);
    if (file === null || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function resolveMounted(path) {
  for (const [prefix, dir] of Object.entries(MOUNTS)) {
    if (path.startsWith(prefix)) {
      const file = normalize(join(dir, path.slice(prefix.length)));
      return file.startsWith(dir + sep) ? file : null;
    }
  }
  return null;
}

test('the whole conformance suite passes in headless chromium', async () => {
  const files = readVectorFiles();
  const total = files.reduce((n, f) => n + (Array.isArray(f.doc?.cases) ? f.doc.cases.length : 0), 0);
  assert.ok(total > 0, 'no vectors');
  const server = await serve(JSON.stringify(files));
  const profile = mkdtempSync(join(tmpdir(), 'matrix-authz-chromium-'));
  // A fresh --user-data-dir: playwright passes the profile folder as that flag.
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.__report !== undefined, null, { timeout: 120_000 });
    const report = await page.evaluate(() => window.__report);
    process.stdout.write(`# browser: ${report.lines.at(-1)}\n`);
    for (const line of report.lines.slice(0, -1)) process.stdout.write(`# ${line}\n`);
    assert.deepEqual(errors, []);
    assert.deepEqual(report.checks, []);
    assert.equal(report.failed, 0, report.lines.join('\n'));
    assert.equal(report.passed, total, `the page ran ${report.passed} of ${total} cases`);
  } finally {
    await browser.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
