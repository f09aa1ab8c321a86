// examples/tls/make-certs.sh: the CA and the three server certificates every part of the example
// serves and trusts, checked with openssl itself.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { MAKE_CERTS } from '../../../tls/local.mjs';

const NAMES = ['auth.example.test', 'matrix.example.test', 'app.example.test'];
const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'matrix-authz-certs-test-')), 'certs');
after(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

function run(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

const digest = () => Object.fromEntries(fs.readdirSync(dir).sort()
  .map((name) => [name, crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, name))).digest('hex')]));

test('a CA and a leaf per name: verified by openssl as TLS servers, SAN and EKU as agreed, keys private', () => {
  const made = run('bash', [MAKE_CERTS, dir]);
  assert.equal(made.status, 0, made.out);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['ca.key', 'ca.pem', ...NAMES.flatMap((n) => [`${n}.key`, `${n}.pem`])].sort());
  for (const name of NAMES) {
    const pem = path.join(dir, `${name}.pem`);
    const verified = run('openssl', ['verify', '-CAfile', path.join(dir, 'ca.pem'), '-purpose', 'sslserver', pem]);
    assert.equal(verified.status, 0, verified.out);
    const cert = new crypto.X509Certificate(fs.readFileSync(pem));
    assert.equal(cert.subjectAltName, `DNS:${name}`);
    assert.equal(cert.ca, false);
    assert.ok(cert.checkHost(name));
    assert.equal(cert.checkHost('other.example.test'), undefined);
    assert.ok(cert.checkIssued(new crypto.X509Certificate(fs.readFileSync(path.join(dir, 'ca.pem')))));
    const text = run('openssl', ['x509', '-in', pem, '-noout', '-ext', 'extendedKeyUsage']).out;
    assert.match(text, /TLS Web Server Authentication/);
    // Two days (within a minute of the clock).
    const lifetime = Date.parse(cert.validTo) - Date.parse(cert.validFrom);
    assert.ok(Math.abs(lifetime - 2 * 24 * 3600 * 1000) < 60_000, `${cert.validFrom} .. ${cert.validTo}`);
    assert.equal(fs.statSync(path.join(dir, `${name}.key`)).mode & 0o077, 0, 'the key is readable by its owner only');
  }
  const ca = new crypto.X509Certificate(fs.readFileSync(path.join(dir, 'ca.pem')));
  assert.equal(ca.ca, true);
});

test('idempotent: a second run changes nothing; a missing key gets a new certificate from the same CA', () => {
  const before = digest();
  const again = run('bash', [MAKE_CERTS, dir]);
  assert.equal(again.status, 0, again.out);
  assert.deepEqual(digest(), before);

  fs.rmSync(path.join(dir, 'app.example.test.key'));
  const repaired = run('bash', [MAKE_CERTS, dir]);
  assert.equal(repaired.status, 0, repaired.out);
  const after_ = digest();
  assert.equal(after_['ca.pem'], before['ca.pem']);
  assert.equal(after_['auth.example.test.pem'], before['auth.example.test.pem']);
  assert.notEqual(after_['app.example.test.pem'], before['app.example.test.pem']);
  assert.equal(run('openssl', ['verify', '-CAfile', path.join(dir, 'ca.pem'), path.join(dir, 'app.example.test.pem')]).status, 0);
});

test('no argument is a usage error', () => {
  const result = run('bash', [MAKE_CERTS]);
  assert.equal(result.status, 1);
  assert.match(result.out, /usage/);
});
