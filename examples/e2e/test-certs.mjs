// Throwaway certificates for the node tests of examples/web and examples/device-login: the CA
// and the three leaf certificates of examples/tls/make-certs.sh (DIR/ca.pem, DIR/<name>.pem,
// DIR/<name>.key), in a temp folder the caller removes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAKE_CERTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'tls', 'make-certs.sh');

/** Makes the certificates; returns `{ dir, remove() }`. */
export function makeTestCerts() {
  const dir = mkdtempSync(join(tmpdir(), 'matrix-authz-test-certs-'));
  execFileSync('bash', [MAKE_CERTS, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
