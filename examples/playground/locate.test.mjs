// node --test: the playground's JSON locator and URL state, without a browser.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { findPointer, JsonSyntaxError, lineColumn, locate } from './locate.mjs';
import { decodeState, encodeState } from './state.mjs';

const DOCUMENT = `{
  "preset": "mas",
  "step_up": [
    { "endpoints": ["createRoom"], "max_age": 300 },
    { "endpoints": ["deleteRoomKeysVersion"],
      "acr_values": ["urn:example:mfa", 7] }
  ],
  "a/b~c": { "": null }
}`;

test('every value is found by its JSON pointer; a member at its name', () => {
  const places = locate(DOCUMENT);
  const at = (pointer) => lineColumn(DOCUMENT, places.get(pointer));
  assert.deepEqual(at(''), { line: 1, column: 1 });
  assert.deepEqual(at('/preset'), { line: 2, column: 3 });
  assert.deepEqual(at('/step_up/0'), { line: 4, column: 5 });
  assert.deepEqual(at('/step_up/0/max_age'), { line: 4, column: 36 });
  assert.deepEqual(at('/step_up/1/acr_values/1'), { line: 6, column: 41 });
  // RFC 6901 escapes: `~` as `~0`, `/` as `~1`; the empty name is a segment too.
  assert.deepEqual(at('/a~1b~0c'), { line: 8, column: 3 });
  assert.deepEqual(at('/a~1b~0c/'), { line: 8, column: 14 });
  assert.deepEqual([...places.keys()].sort(), [
    '', '/a~1b~0c', '/a~1b~0c/', '/preset', '/step_up', '/step_up/0', '/step_up/0/endpoints', '/step_up/0/endpoints/0',
    '/step_up/0/max_age', '/step_up/1', '/step_up/1/acr_values', '/step_up/1/acr_values/0', '/step_up/1/acr_values/1',
    '/step_up/1/endpoints', '/step_up/1/endpoints/0',
  ]);
});

test('findPointer: the pointer, else the nearest enclosing value the text holds', () => {
  assert.deepEqual(findPointer(DOCUMENT, '/step_up/1/acr_values/0'), { pointer: '/step_up/1/acr_values/0', exact: true, line: 6, column: 22 });
  assert.deepEqual(findPointer(DOCUMENT, '/step_up/1/max_age'), { pointer: '/step_up/1', exact: false, line: 5, column: 5 });
  assert.deepEqual(findPointer(DOCUMENT, '/missing'), { pointer: '', exact: false, line: 1, column: 1 });
  assert.equal(findPointer(DOCUMENT, 'preset'), null);
  assert.equal(findPointer('{', '/preset'), null);
});

test('a syntax error is placed where the text breaks', () => {
  const cases = [
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3],
    ['{"a": tru}', 1, 7],
    ['[1, 2,]', 1, 7],
    ['{"a": 01}', 1, 8],
    ['{"a": "x\ny"}', 1, 9],
    ['{"a": "\\q"}', 1, 9],
    ['{"a": 1', 1, 8],
    ['{} {}', 1, 4],
    ['', 1, 1],
  ];
  for (const [text, line, column] of cases) {
    assert.throws(() => locate(text), (e) => {
      assert.ok(e instanceof JsonSyntaxError, text);
      assert.deepEqual(lineColumn(text, e.offset), { line, column }, JSON.stringify(text));
      return true;
    });
    assert.throws(() => JSON.parse(text), SyntaxError, 'the locator rejects only what JSON.parse rejects');
  }
});

test('what JSON.parse accepts, the locator accepts', () => {
  for (const text of ['0', '-1.5e+3', '"\\u00e9\\n"', ' [ ] ', '{"":{"":[true,false,null]}}', '"é/~"']) {
    assert.doesNotThrow(() => locate(text), text);
    JSON.parse(text);
  }
});

test('state: round trip through the fragment, and clear errors for a damaged one', () => {
  const values = { 'policy-preset': 'document', 'policy-document': '{"approval": "single_use"}\n', scope: 'openid é', 'token-guest': true };
  const fragment = encodeState(values);
  assert.match(fragment, /^#s=[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodeState(fragment), values);
  assert.equal(encodeState({}), '');
  assert.deepEqual(decodeState(''), {});
  assert.deepEqual(decodeState('#'), {});
  assert.throws(() => decodeState('#x=1'), /does not start with `s=`/);
  assert.throws(() => decodeState('#s=%%'), /not base64url/);
  assert.throws(() => decodeState('#s=_w'), /not base64url of UTF-8 JSON/);
  assert.throws(() => decodeState(encodeState({ a: 1 }).replace('s=', 's=W')), /not base64url of UTF-8 JSON/);
  const array = `#s=${Buffer.from('[1]').toString('base64url')}`;
  assert.throws(() => decodeState(array), /not a JSON object/);
  // Only string and boolean values of plain ids are taken.
  const mixed = `#s=${Buffer.from(JSON.stringify({ path: '/x', now: 5, 'Bad Id': 'x', scope: null })).toString('base64url')}`;
  assert.deepEqual(decodeState(mixed), { path: '/x' });
});
