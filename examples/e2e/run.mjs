// The whole flow on this machine, started and stopped here: a throwaway CA and certificates for
// `*.example.test` (examples/tls/make-certs.sh), the authorization server (oidc-provider with the
// engine as its policy, examples/authorization-server/oidc), the homeserver example asking it
// about every token (RFC 7662), the web client in headless Chromium, and the device-login CLI.
//
//   bash examples/e2e/run.sh          # builds what is missing, then runs this
//   node examples/e2e/run.mjs         # when everything is built
//
// Everything listens on 127.0.0.1 only, on free ports; each client maps the three names to
// 127.0.0.1 itself. The run prints each step; it exits 0 when every flow passed.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { makeCerts } from '../tls/local.mjs';
import { startClient } from '../web/serve.mjs';
import { launchBrowser, runDeviceFlows, runFlows } from './flows.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const AS_DIR = join(ROOT, 'examples', 'authorization-server', 'oidc');
const TARGET = process.env.CARGO_TARGET_DIR || join(ROOT, 'target');
const HOMESERVER = join(TARGET, 'debug', 'matrix-authz-example-homeserver');
// Short enough for a test run: the cache lifetime the revocation and outage flows wait out, and
// the step-up rule's max_age (on `deleteRoomKeysVersion`) the step-up flow waits out.
const CACHE_SECONDS = 3;
const STEP_UP_MAX_AGE = 8;
const STARTUP_MS = 30_000;

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

/** Starts a server process; resolves once it printed `listening on`. */
function startProcess(name, command, args, { cwd, log }) {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.on('data', (chunk) => log(`[${name}] ${String(chunk).trimEnd()}`));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name}: not listening after ${STARTUP_MS} ms`)), STARTUP_MS);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (/listening on /.test(out)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening: ${out}`));
    });
  });
}

async function stop(child) {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill();
    await once(child, 'exit');
  }
}

/** Runs every flow; resolves to a summary, rejects on the first failure. Cleans up either way. */
export async function runAll({ log = console.log, verbose = false } = {}) {
  const quiet = verbose ? log : () => {};
  const { dir: certs, remove: removeCerts } = makeCerts();
  const started = [];
  let browser;
  let client;
  try {
    const [authPort, matrixPort, appPort] = [await freePort(), await freePort(), await freePort()];
    const auth = `https://auth.example.test:${authPort}/`;
    const matrix = `https://matrix.example.test:${matrixPort}/`;
    const internalSecret = randomBytes(24).toString('hex');
    const introspectionSecret = randomBytes(24).toString('hex');
    const policy = join(certs, 'policy.json');
    writeFileSync(policy, JSON.stringify({ step_up: [{ endpoints: ['deleteRoomKeysVersion'], max_age: STEP_UP_MAX_AGE }] }));

    const as = await startProcess('auth', process.execPath, [
      'server.mjs', '--port', String(authPort), '--certs', certs,
      '--homeserver', `https://matrix.example.test:${matrixPort}`,
      '--internal-secret', internalSecret, '--introspection-secret', introspectionSecret,
    ], { cwd: AS_DIR, log: quiet });
    started.push(as);
    log(`authorization server: ${auth}`);
    const hs = await startProcess('matrix', HOMESERVER, [
      '--issuer', auth, '--client-id', 'homeserver', '--client-secret', introspectionSecret,
      '--ca', join(certs, 'ca.pem'), '--cert', join(certs, 'matrix.example.test.pem'),
      '--key', join(certs, 'matrix.example.test.key'), '--resolve', 'auth.example.test=127.0.0.1',
      '--internal-secret', internalSecret, '--listen', `127.0.0.1:${matrixPort}`,
      '--policy', policy, '--cache-seconds', String(CACHE_SECONDS),
    ], { cwd: ROOT, log: quiet });
    started.push(hs);
    log(`homeserver: ${matrix} (introspection cache ${CACHE_SECONDS} s, step-up max_age ${STEP_UP_MAX_AGE} s)`);
    client = await startClient({ port: appPort, certs, auth, matrix });
    log(`web client: ${client.url}`);

    const device = await runDeviceFlows({ auth, matrix, ca: join(certs, 'ca.pem'), log });
    browser = await launchBrowser({ certs });
    const web = await runFlows({
      browser, auth, matrix, app: client.url, ca: join(certs, 'ca.pem'), log,
      stepUpMaxAge: STEP_UP_MAX_AGE,
      // The last flow: the authorization server goes away for good.
      stopAuthServer: () => stop(as),
      waitCacheExpiry: () => new Promise((resolve) => setTimeout(resolve, (CACHE_SECONDS + 1) * 1000)),
    });
    return { device, web };
  } finally {
    await browser?.close().catch(() => {});
    client?.server.close();
    for (const child of started.reverse()) await stop(child).catch(() => {});
    removeCerts();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const verbose = process.argv.includes('--verbose');
  runAll({ verbose }).then(
    (summary) => {
      console.log(JSON.stringify(summary, null, 2));
      console.log('e2e: every flow passed');
    },
    (error) => {
      console.error(`e2e: FAILED: ${error.stack || error}`);
      process.exitCode = 1;
    },
  );
}
