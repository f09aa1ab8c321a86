// node --test: the conformance runner (conformance.mjs) in a child process, so its output keeps
// FORMAT.md's shape, plus the runner's own rules (zero cases, repeated ids) on scratch folders.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { evaluate } from 'matrix-authz';

import { runFiles } from './runner.mjs';

const RUNNER = fileURLToPath(new URL('./conformance.mjs', import.meta.url));

function run(env = {}) {
  const child = spawnSync(process.execPath, [RUNNER], { encoding: 'utf8', env: { ...process.env, ...env } });
  const lines = child.stdout.trimEnd().split('\n');
  return { status: child.status, lines, last: lines.at(-1) ?? '', stderr: child.stderr };
}

test('every vector passes through evaluate', () => {
  const { status, lines, last, stderr } = run();
  process.stdout.write(`# ${last}\n`);
  assert.match(last, /^[1-9]\d* passed, 0 failed$/, `${lines.join('\n')}\n${stderr}`);
  assert.equal(status, 0);
});

test('MATRIX_AUTHZ_VECTORS adds a folder; a failing case, a repeated id and a code mismatch fail', () => {
  const dir = mkdtempSync(join(tmpdir(), 'matrix-authz-vectors-'));
  try {
    const cases = [
      { id: 'js-extra-1', op: 'scope.parse', input: { scope: 'openid' }, expect: { ok: { api: 'none' } } },
      { id: 'js-extra-2', op: 'scope.parse', input: { scope: 'openid' }, expect: { ok: { api: 'full' } } },
      { id: 'js-extra-1', op: 'scope.parse', input: { scope: 'openid' }, expect: { ok: {} } },
      { id: 'js-extra-3', op: 'scope.parse', input: { scope: '' }, expect: { error: 'scope.too_long' } },
    ];
    writeFileSync(join(dir, 'extra.json'), JSON.stringify({ suite: 'extra', cases }));
    const { status, lines, last } = run({ MATRIX_AUTHZ_VECTORS: dir });
    assert.notEqual(status, 0);
    assert.match(last, /^\d+ passed, 3 failed$/);
    assert.ok(lines.some((l) => l.startsWith('FAIL js-extra-2:')));
    assert.ok(lines.some((l) => l.startsWith('FAIL js-extra-1 in ')));
    assert.ok(lines.some((l) => l.startsWith('FAIL js-extra-3:')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('zero cases is a failure', () => {
  const report = runFiles(evaluate, [{ name: 'empty.json', doc: { cases: [] } }]);
  assert.equal(report.ok, false);
  assert.equal(report.lines.at(-1), '0 passed, 0 failed');
});

test('subset patterns: extra fields pass, arrays match in full, messages are never compared', () => {
  const files = [
    {
      name: 'inline.json',
      doc: {
        cases: [
          { id: 'a', op: 'scope.parse', input: { scope: 'openid email' }, expect: { ok: { tokens: ['email', 'openid'] } } },
          { id: 'b', op: 'scope.parse', input: { scope: 'openid email' }, expect: { ok: { tokens: ['email'] } } },
          { id: 'c', op: 'nope', input: {}, expect: { error: 'op.unknown' } },
        ],
      },
    },
  ];
  const report = runFiles(evaluate, files);
  assert.equal(report.passed, 2);
  assert.equal(report.failed, 1);
  assert.match(report.lines[0], /^FAIL b:/);
});
