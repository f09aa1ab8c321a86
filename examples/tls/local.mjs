// The node side of the example's names and certificates, shared by every node part (the
// authorization server's outgoing call, the web client's server and tests, the device-login CLI,
// the end-to-end run):
// - `exampleLookup`: `*.example.test` resolves to 127.0.0.1 inside this process only (the
//   machine's resolver is never changed); any other name goes to the system's resolver.
// - `makeCerts`: the CA and the three server certificates of make-certs.sh in a temp folder.
import { execFileSync } from 'node:child_process';
import { lookup as systemLookup } from 'node:dns';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The domain whose names resolve to 127.0.0.1. */
export const EXAMPLE_DOMAIN = 'example.test';
/** The script that makes them. */
export const MAKE_CERTS = join(dirname(fileURLToPath(import.meta.url)), 'make-certs.sh');

/** Whether `hostname` is `example.test` or a name under it (any case, a trailing dot allowed). */
export function isExampleName(hostname) {
  const name = String(hostname).toLowerCase().replace(/\.$/, '');
  return name === EXAMPLE_DOMAIN || name.endsWith(`.${EXAMPLE_DOMAIN}`);
}

/**
 * `dns.lookup` for net, tls and https: an example name is 127.0.0.1 (node asks with `all: true`
 * when it tries several addresses, so both shapes of the answer are given); any other name is the
 * system's answer.
 */
export function exampleLookup(hostname, options, callback) {
  if (typeof options === 'function') [options, callback] = [{}, options];
  if (!isExampleName(hostname)) return systemLookup(hostname, options, callback);
  if (options?.all) return process.nextTick(callback, null, [{ address: '127.0.0.1', family: 4 }]);
  return process.nextTick(callback, null, '127.0.0.1', 4);
}

/**
 * Makes the CA and the certificates of `auth`, `matrix` and `app.example.test` with
 * make-certs.sh (openssl) in a fresh temp folder; returns `{ dir, remove() }`.
 */
export function makeCerts() {
  const dir = mkdtempSync(join(tmpdir(), 'matrix-authz-certs-'));
  try {
    execFileSync('bash', [MAKE_CERTS, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`make-certs.sh failed: ${error.stderr || error.message}`);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
