// Where things are in a JSON text: the page shows a policy document's errors at their place.
// JSON.parse says neither where a value sits nor, portably, where the text broke (engines word
// and place the position differently), so this module scans the text itself: `locate` returns
// the offset of every value by its JSON pointer (RFC 6901), or the offset where the syntax
// breaks. Plain functions, no DOM: the page and node's tests import the same file.

/** A JSON syntax error at `offset` (UTF-16 code units into the text). */
export class JsonSyntaxError extends Error {
  constructor(message, offset) {
    super(message);
    this.name = 'JsonSyntaxError';
    this.offset = offset;
  }
}

/** A pointer segment as RFC 6901 escapes it (`~` first, so `/` does not turn into `~01`). */
const escapeSegment = (key) => String(key).replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * Scans `text` as one JSON value. Returns a Map from each value's JSON pointer ('' is the whole
 * document) to the offset where that value starts; for an object member the offset is that of
 * its key, the place a reader looks for. Throws `JsonSyntaxError` at the first offending offset.
 */
export function locate(text) {
  const places = new Map();
  let i = 0;
  const fail = (what) => {
    const found = i < text.length ? `\`${text[i]}\`` : 'the end of the text';
    throw new JsonSyntaxError(`expected ${what}, found ${found}`, i);
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const literal = (word) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`\`${word}\``);
  };
  const string = () => {
    const start = i;
    i++; // the opening quote
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail('an escaped control character (`\\n`, `\\t`, ...) inside the string');
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('four hex digits after `\\u`');
          i += 4;
        } else if (i >= text.length || !'"\\/bfnrt'.includes(text[i])) {
          fail('an escape (`\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` or `\\u`)');
        }
      }
      i++;
    }
    if (i >= text.length) fail('`"` closing the string');
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const number = () => {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i));
    if (!match || match[0] === '-') fail('a value');
    i += match[0].length;
  };
  const value = (pointer) => {
    space();
    places.set(pointer, i);
    const c = text[i];
    if (c === '{') {
      i++;
      space();
      if (text[i] === '}') return void i++;
      for (;;) {
        space();
        if (text[i] !== '"') fail('`"` starting a member name');
        const keyAt = i;
        const key = string();
        space();
        if (text[i] !== ':') fail('`:` after the member name');
        i++;
        value(`${pointer}/${escapeSegment(key)}`);
        // A member's place is its name, not its value: overwrite what `value` set.
        places.set(`${pointer}/${escapeSegment(key)}`, keyAt);
        space();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail('`,` or `}`');
      }
    }
    if (c === '[') {
      i++;
      space();
      if (text[i] === ']') return void i++;
      for (let n = 0; ; n++) {
        value(`${pointer}/${n}`);
        space();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail('`,` or `]`');
      }
    }
    if (c === '"') return void string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    number();
  };
  value('');
  space();
  if (i < text.length) fail('the end of the text after the value');
  return places;
}

/** The 1-based line and column of `offset` in `text`. */
export function lineColumn(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * Where `pointer` is in `text`: `{ pointer, line, column, exact }`, with `pointer` the longest
 * prefix of it that the text holds (an error may name a member that is missing, whose parent is
 * then the place to look) and `exact` whether that is the pointer itself. Null when the text is
 * not JSON or the pointer is not a pointer.
 */
export function findPointer(text, pointer) {
  if (typeof pointer !== 'string' || (pointer !== '' && !pointer.startsWith('/'))) return null;
  let places;
  try {
    places = locate(text);
  } catch {
    return null;
  }
  let found = pointer;
  while (!places.has(found)) found = found.slice(0, found.lastIndexOf('/'));
  return { pointer: found, exact: found === pointer, ...lineColumn(text, places.get(found)) };
}
