// node --test: `npm pack` of the built package installs into an empty scratch project, where
// an ESM import and a CommonJS require both work (no network: the tarball is local).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { ROOT } from './vectors.mjs';

const PKG = join(ROOT, 'bindings-wasm', 'pkg');

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

test('npm pack installs into an empty project; ESM import and CommonJS require work', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'matrix-authz-pack-'));
  try {
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', scratch, PKG], scratch));
    const files = packed[0].files.map((f) => f.path).sort();
    process.stdout.write(`# ${packed[0].filename}: ${packed[0].size} bytes packed, files: ${files.join(' ')}\n`);
    for (const f of ['package.json', 'index.d.ts', 'index.mjs', 'node.cjs', 'node.mjs', 'matrix_authz_bg.wasm']) {
      assert.ok(files.includes(f), `${f} is not in the tarball`);
    }
    const project = join(scratch, 'project');
    run('mkdir', ['-p', project], scratch);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));
    const tarball = readdirSync(scratch).find((n) => n.endsWith('.tgz'));
    run('npm', ['install', '--no-audit', '--no-fund', '--offline', join(scratch, tarball)], project);
    writeFileSync(
      join(project, 'esm.mjs'),
      `import { Scope, evaluate, initAsync } from 'matrix-authz';
await initAsync();
const s = Scope.parse('openid urn:matrix:client:api:*');
try { evaluate('nope', {}); } catch (e) { if (!(e instanceof Error) || e.code !== 'op.unknown') process.exit(2); }
console.log('esm', s.hasApi, evaluate('scope.parse', { scope: 'openid' }).canonical);
`,
    );
    writeFileSync(
      join(project, 'cjs.cjs'),
      `const { Scope, evaluate } = require('matrix-authz');
const s = Scope.parse('openid urn:matrix:client:api:*');
console.log('cjs', s.hasApi, evaluate('scope.parse', { scope: 'openid' }).canonical);
`,
    );
    assert.equal(run(process.execPath, ['esm.mjs'], project).trim(), 'esm true openid');
    assert.equal(run(process.execPath, ['cjs.cjs'], project).trim(), 'cjs true openid');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
