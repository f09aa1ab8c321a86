// The one assertion on the package's errors, shared by the node tests.
import assert from 'node:assert/strict';

/**
 * Asserts that `fn` throws a real Error named `MatrixAuthzError` whose `code` is `code` (never a
 * string) and whose message is not empty (and matches `message` when given); returns it.
 */
export function throwsCode(fn, code, message) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, `expected ${code}, nothing was thrown`);
  assert.ok(caught instanceof Error, `expected an Error, got ${typeof caught}: ${caught}`);
  assert.equal(caught.name, 'MatrixAuthzError', caught.message);
  assert.equal(caught.code, code, caught.message);
  assert.equal(typeof caught.message, 'string');
  assert.ok(caught.message.length > 0);
  if (message !== undefined) assert.match(caught.message, message);
  return caught;
}
