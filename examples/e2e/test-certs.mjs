// Throwaway certificates for the node tests of examples/web and examples/device-login, in the
// layout of examples/tls/make-certs.sh (DIR/ca.pem, DIR/<name>.pem, DIR/<name>.key): a P-256 CA
// and one leaf per name (SAN = the name, serverAuth), made with Debian's openssl in a temp folder
// the caller removes. The end-to-end run uses make-certs.sh itself; these tests only need a CA
// and leaves without depending on that script's options.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const openssl = (args, cwd) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });

/** Makes the certificates; resolves to `{ dir, remove() }`. */
export function makeTestCerts(names = ['auth.example.test', 'matrix.example.test', 'app.example.test']) {
  const dir = mkdtempSync(join(tmpdir(), 'matrix-authz-test-certs-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=matrix-authz test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'], dir);
  for (const name of names) {
    openssl(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=DNS:${name}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`], dir);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
