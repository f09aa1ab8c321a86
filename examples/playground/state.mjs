// The page's state in its URL: `#s=` and the base64url (RFC 4648 section 5, no padding) of the
// compact JSON of the form values that differ from the page's defaults. The fragment never
// reaches a server, and a link holds everything needed to show the same answer again.

const PREFIX = 's=';

/** `#s=...` for `values` (an object of control id to string or boolean); '' when it is empty. */
export function encodeState(values) {
  if (Object.keys(values).length === 0) return '';
  const bytes = new TextEncoder().encode(JSON.stringify(values));
  const base64 = btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
  return `#${PREFIX}${base64.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')}`;
}

/**
 * The values of a fragment made by `encodeState` ('' or '#': none). Throws an Error saying what
 * is wrong for anything else; only string and boolean values of plain ids are kept.
 */
export function decodeState(fragment) {
  const text = fragment.replace(/^#/, '');
  if (text === '') return {};
  if (!text.startsWith(PREFIX)) throw new Error('the fragment does not start with `s=`');
  const data = text.slice(PREFIX.length);
  if (!/^[A-Za-z0-9_-]*$/.test(data)) throw new Error('the state is not base64url');
  let values;
  try {
    const binary = atob(data.replaceAll('-', '+').replaceAll('_', '/'));
    const json = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    values = JSON.parse(json);
  } catch (error) {
    throw new Error(`the state is not base64url of UTF-8 JSON (${error.message})`);
  }
  if (values === null || typeof values !== 'object' || Array.isArray(values)) throw new Error('the state is not a JSON object');
  return Object.fromEntries(
    Object.entries(values).filter(([id, value]) => /^[a-z][a-z0-9-]*$/.test(id) && ['string', 'boolean'].includes(typeof value)),
  );
}
