// https for the examples' node clients, as a deployment's client would have it but on one
// machine: names under `.example.test` resolve to 127.0.0.1 inside this process (the machine's
// resolver is never asked and never changed), the test CA is trusted through the `ca` option only
// (node's own roots stay as they are for every other name), and answers are read up to a cap.
import { readFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';

import { exampleLookup } from '../tls/local.mjs';

/** The largest answer body read (the provider's HTML pages are a few KB). */
export const MAX_BODY_BYTES = 512 * 1024;
/** How long one request may take. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** An agent that trusts `ca` (PEM text or a path to it) and maps the test names. */
export function testAgent(ca) {
  const pem = ca.includes('-----BEGIN') ? ca : readFileSync(ca, 'utf8');
  return new Agent({ ca: pem, lookup: exampleLookup, keepAlive: false });
}

/**
 * One https request. `body`: a string, an object sent as JSON, or a URLSearchParams sent as a
 * form. Resolves to `{ status, headers, text, json() }`; never follows redirects (the caller
 * decides, with its cookies). Refuses plain http: tokens and codes travel only over TLS.
 */
export function request(agent, url, { method = 'GET', headers = {}, body } = {}) {
  const target = new URL(url);
  if (target.protocol !== 'https:') return Promise.reject(new Error(`refusing a non-https URL: ${url}`));
  let payload;
  const sent = { accept: 'application/json', ...headers };
  if (body instanceof URLSearchParams) {
    payload = body.toString();
    sent['content-type'] ??= 'application/x-www-form-urlencoded';
  } else if (typeof body === 'string') {
    payload = body;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    sent['content-type'] ??= 'application/json';
  }
  if (payload !== undefined) sent['content-length'] = Buffer.byteLength(payload);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(target, { method, headers: sent, agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks = [];
      let size = 0;
      res.on('data', (chunk) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          req.destroy(new Error(`${method} ${url}: the answer is larger than ${MAX_BODY_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode,
          headers: res.headers,
          text,
          json() {
            const value = JSON.parse(text);
            if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${method} ${url}: the answer is not a JSON object`);
            return value;
          },
        });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer in ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Cookies for one client (RFC 6265, the parts a provider's login pages use): kept per host, sent
 * when the request path is under the cookie's path, dropped when they expire or are cleared.
 */
export class CookieJar {
  #cookies = new Map(); // `${host} ${path} ${name}` → { host, path, name, value, expires }

  /** Takes the `set-cookie` headers of an answer to `url`. */
  store(url, headers) {
    const { host, pathname } = new URL(url);
    for (const line of [headers['set-cookie'] ?? []].flat()) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const at = pair.indexOf('=');
      if (at <= 0) continue;
      const cookie = { host, name: pair.slice(0, at), value: pair.slice(at + 1), path: defaultPath(pathname), expires: Infinity };
      for (const attribute of attributes) {
        const [key, ...rest] = attribute.split('=');
        const value = rest.join('=');
        switch (key.toLowerCase()) {
          case 'path':
            if (value.startsWith('/')) cookie.path = value;
            break;
          case 'max-age':
            cookie.expires = Date.now() + Number(value) * 1000;
            break;
          case 'expires':
            if (cookie.expires === Infinity) cookie.expires = Date.parse(value);
            break;
          default:
        }
      }
      const key = `${host} ${cookie.path} ${cookie.name}`;
      if (!(cookie.expires > Date.now())) this.#cookies.delete(key);
      else this.#cookies.set(key, cookie);
    }
  }

  /** The `cookie` header for a request to `url` ('' when none applies). */
  header(url) {
    const { host, pathname } = new URL(url);
    const now = Date.now();
    return [...this.#cookies.values()]
      .filter((c) => c.host === host && c.expires > now && pathMatches(pathname, c.path))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}

function defaultPath(pathname) {
  const last = pathname.lastIndexOf('/');
  return last <= 0 ? '/' : pathname.slice(0, last);
}

function pathMatches(path, cookiePath) {
  return path === cookiePath || (path.startsWith(cookiePath) && (cookiePath.endsWith('/') || path[cookiePath.length] === '/'));
}
