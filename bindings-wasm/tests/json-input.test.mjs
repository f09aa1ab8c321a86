// node --test: how the package reads JSON (README "JSON input", FORMAT.md v4): numbers of any
// size, the nesting limit of 128, and a document's size as JSON.stringify writes it.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { evaluate, evaluateJson, validateClientMetadata, validateServerMetadata } from 'matrix-authz';

const WEB = {
  client_uri: 'https://example.com/',
  redirect_uris: ['https://example.com/cb'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
};

/** WEB plus `extra`, padded with a string so `JSON.stringify` writes exactly `bytes` bytes. */
function padded(extra, bytes) {
  const doc = { ...WEB, ...extra, x_pad: '' };
  doc.x_pad = 'a'.repeat(bytes - Buffer.byteLength(JSON.stringify(doc)));
  assert.equal(Buffer.byteLength(JSON.stringify(doc)), bytes);
  return doc;
}

/** `levels` arrays, one inside the other. */
function nested(levels) {
  let value = [];
  for (let i = 1; i < levels; i += 1) value = [value];
  return value;
}

function code(f) {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof Error && typeof e.code === 'string', `an Error with a code, not ${e}`);
    return e.code;
  }
  return 'no error';
}

test('2**64 counts as JSON.stringify writes it: 65,536 bytes pass, 65,537 do not', () => {
  // JSON.stringify(2 ** 64) is "18446744073709552000": 20 digits, the size the document has.
  assert.equal(JSON.stringify(2 ** 64), '18446744073709552000');
  assert.deepEqual(validateClientMetadata(padded({ x_big: 2 ** 64 }, 65536)), { valid: true, violations: [] });
  assert.deepEqual(validateClientMetadata(padded({ x_big: 2 ** 64 }, 65537)), {
    valid: false,
    violations: ['metadata.too_large'],
  });
  assert.deepEqual(validateClientMetadata(padded({ x_big: -(2 ** 70), x_small: 5e-324 }, 65536)).violations, []);
});

test('numbers past a double are read from JSON text, and stay unlisted', () => {
  const web = JSON.stringify(WEB).slice(0, -1);
  for (const number of ['1e400', '-1e400', '1e-400', '18446744073709551616', '0.1e999999999']) {
    const answer = JSON.parse(evaluateJson('client_metadata.validate', `{"metadata":${web},"x":${number}}}`));
    assert.deepEqual(answer, { ok: { valid: true, violations: [] } }, number);
  }
  // Where a string belongs: that field's wrong type, not unreadable input.
  const text = `{"metadata":${web.replace('"https://example.com/"', '1e400')}}}`;
  assert.deepEqual(JSON.parse(evaluateJson('client_metadata.validate', text)).ok.violations, ['client_uri.invalid_type']);
});

test('nesting: 128 levels are read, 129 are input.invalid, as a value and as text', () => {
  // The document itself for the typed call.
  assert.deepEqual(validateClientMetadata({ ...WEB, x: nested(127) }).violations, []);
  assert.equal(code(() => validateClientMetadata({ ...WEB, x: nested(128) })), 'input.invalid');
  // The op's input object for evaluate: `metadata` is already level 2.
  assert.deepEqual(evaluate('client_metadata.validate', { metadata: { ...WEB, x: nested(126) } }).violations, []);
  assert.equal(code(() => evaluate('client_metadata.validate', { metadata: { ...WEB, x: nested(127) } })), 'input.invalid');
  const deep = (n) => `{"scope":"openid","x":${'['.repeat(n)}${']'.repeat(n)}}`;
  assert.equal(JSON.parse(evaluateJson('scope.parse', deep(127))).ok.canonical, 'openid');
  assert.equal(JSON.parse(evaluateJson('scope.parse', deep(128))).error.code, 'input.invalid');
  // Far past it: refused, and the module still answers.
  assert.equal(JSON.parse(evaluateJson('scope.parse', deep(1_000_000))).error.code, 'input.invalid');
  assert.equal(evaluate('scope.parse', { scope: 'openid' }).canonical, 'openid');
});

test('a document past the JSON text cap is metadata.too_large, not an error', () => {
  // 16 Mi UTF-16 units of JSON text is far past 65,536 bytes: FORMAT.md's one answer for it.
  const huge = { ...WEB, x_pad: 'a'.repeat(16 * 1024 * 1024) };
  assert.deepEqual(validateClientMetadata(huge), { valid: false, violations: ['metadata.too_large'] });
  assert.deepEqual(validateServerMetadata(huge), { valid: false, violations: ['metadata.too_large'] });
});
