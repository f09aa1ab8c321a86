// Test support: certificates in a temporary folder, the server as a child process on a free port,
// and a small https client that keeps cookies and follows the provider's pages as a person's
// browser would (GET links, POST forms), mapping *.example.test to 127.0.0.1 and trusting only the
// test CA.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { exampleLookup, makeCerts as makeExampleCerts } from '../../../tls/local.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const SERVER = path.resolve(HERE, '../server.mjs');
export const ENGINE = path.resolve(HERE, '../../../../bindings-wasm/pkg/node.mjs');

export const INTERNAL_SECRET = `internal-${crypto.randomBytes(12).toString('hex')}`;
export const INTROSPECTION_SECRET = `introspection-${crypto.randomBytes(12).toString('hex')}`;

/** A fresh temporary folder with the test CA and the three certificates (the caller removes it). */
export function makeCerts() {
  return makeExampleCerts().dir;
}

/** `*.example.test` → 127.0.0.1, in this client only; any other name is an error. */
function lookup(hostname, options, callback) {
  if (!hostname.endsWith('.example.test')) {
    (typeof options === 'function' ? options : callback)(new Error(`the tests only talk to *.example.test, not ${hostname}`));
    return;
  }
  exampleLookup(hostname, options, callback);
}

/**
 * Starts server.mjs on a free port; resolves once it printed `listening on ISSUER`.
 * `stop()` ends it (SIGTERM, then SIGKILL after 5 s) and resolves when it has exited.
 */
export async function startServer({ certs, homeserver = 'https://matrix.example.test:8448' }) {
  const child = spawn(process.execPath, [
    SERVER, '--port', '0', '--certs', certs, '--homeserver', homeserver,
    '--internal-secret', INTERNAL_SECRET, '--introspection-secret', INTROSPECTION_SECRET,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const ready = new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`no ready line within 20 s; stderr:\n${stderr}`)), 20_000);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n')) {
        clearTimeout(timer);
        const match = /^listening on (https:\/\/auth\.example\.test:\d+\/)$/.exec(line);
        if (match) resolve(match[1]);
        else reject(new Error(`unexpected first line: ${line}`));
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before it was ready; stderr:\n${stderr}`));
    });
  });
  let issuer;
  try {
    issuer = await ready;
  } catch (error) {
    // Never leave a half-started server behind.
    child.kill('SIGKILL');
    await exited;
    throw error;
  }

  return {
    issuer,
    url: (p) => new URL(p, issuer).href,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** An https client with a cookie jar (one per simulated browser). */
export class Browser {
  #cookies = new Map();

  constructor({ ca }) {
    this.ca = ca;
  }

  /**
   * One request. `form` (object) is sent urlencoded, `json` as JSON; `basic` is [user, password].
   * Resolves to { status, headers, text, url }; never follows redirects itself.
   */
  request(url, { method = 'GET', headers = {}, form, json, basic } = {}) {
    const target = new URL(url);
    const outgoing = { ...headers };
    let body;
    if (form) {
      body = Buffer.from(new URLSearchParams(form).toString());
      outgoing['content-type'] = 'application/x-www-form-urlencoded';
    } else if (json !== undefined) {
      body = Buffer.from(JSON.stringify(json));
      outgoing['content-type'] = 'application/json';
    }
    if (body) outgoing['content-length'] = body.length;
    if (basic) {
      const [user, password] = basic.map((part) => encodeURIComponent(part));
      outgoing.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    }
    const cookie = this.#cookieHeader(target);
    if (cookie) outgoing.cookie = cookie;

    return new Promise((resolve, reject) => {
      const request = https.request(target, { method, headers: outgoing, ca: this.ca, lookup, timeout: 10_000 }, (response) => {
        this.#store(target, response.headers['set-cookie'] ?? []);
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => resolve({
          status: response.statusCode,
          headers: response.headers,
          text: Buffer.concat(chunks).toString('utf8'),
          url: target.href,
        }));
        response.on('error', reject);
      });
      request.on('timeout', () => request.destroy(new Error(`timeout: ${method} ${url}`)));
      request.on('error', reject);
      request.end(body);
    });
  }

  #store(target, setCookies) {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let cookiePath = '/';
      let expired = value === '';
      for (const attribute of attributes) {
        const [key, val = ''] = attribute.split('=');
        if (key.toLowerCase() === 'path') cookiePath = val;
        if (key.toLowerCase() === 'expires' && Date.parse(val) <= Date.now()) expired = true;
        if (key.toLowerCase() === 'max-age' && Number(val) <= 0) expired = true;
      }
      const key = `${target.host} ${cookiePath} ${name}`;
      if (expired) this.#cookies.delete(key);
      else this.#cookies.set(key, { host: target.host, path: cookiePath, name, value });
    }
  }

  #cookieHeader(target) {
    return [...this.#cookies.values()]
      .filter((c) => c.host === target.host && target.pathname.startsWith(c.path))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}

/** The forms of an HTML page: [{ id, action, method, fields: { name: value } }] (hidden and text inputs). */
export function formsOf(html, base) {
  const forms = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = attributesOf(match[1]);
    const fields = {};
    for (const input of match[2].matchAll(/<input\b([^>]*?)\/?>/g)) {
      const a = attributesOf(input[1]);
      if (a.name) fields[a.name] = decodeEntities(a.value ?? '');
    }
    forms.push({
      id: attrs.id,
      action: new URL(decodeEntities(attrs.action ?? ''), base).href,
      method: (attrs.method ?? 'get').toLowerCase(),
      fields,
    });
  }
  return forms;
}

function attributesOf(text) {
  const attrs = {};
  for (const m of text.matchAll(/([\w.-]+)\s*=\s*"([^"]*)"/g)) attrs[m[1].toLowerCase()] = m[2];
  return attrs;
}

function decodeEntities(text) {
  return text.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

/** Whether a page submits its first form by itself on load (oidc-provider's form_post pages). */
export function autoSubmits(html) {
  return /document\.forms\[0\]\.submit\(\)/.test(html);
}

/** PKCE (RFC 7636, S256): { verifier, challenge }. */
export function pkce() {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

/**
 * Drives an authorization request through the provider's pages as a person would: follows
 * redirects, signs in as `login` on the login page, approves on the consent page, until the
 * provider redirects to `redirectUri`. Returns { params (URLSearchParams of that redirect), pages
 * (the titles of the pages seen) }.
 */
export async function authorize(browser, authorizeUrl, { login, redirectUri }) {
  let url = authorizeUrl;
  const pages = [];
  for (let step = 0; step < 20; step += 1) {
    const response = await browser.request(url);
    if (response.status >= 300 && response.status < 400) {
      const next = new URL(response.headers.location, url).href;
      if (next.startsWith(redirectUri)) return { params: new URL(next).searchParams, pages };
      url = next;
      continue;
    }
    if (response.status !== 200) throw new Error(`${response.status} at ${url}: ${response.text.slice(0, 500)}`);
    const forms = formsOf(response.text, url);
    const login_ = forms.find((f) => f.fields.prompt === 'login');
    const consent = forms.find((f) => f.fields.prompt === 'consent');
    let posted;
    if (login_) {
      pages.push('login');
      posted = await browser.request(login_.action, { method: 'POST', form: { ...login_.fields, login, password: 'any password' } });
    } else if (consent) {
      pages.push('consent');
      posted = await browser.request(consent.action, { method: 'POST', form: consent.fields });
    } else {
      throw new Error(`unexpected page at ${url}: ${response.text.slice(0, 800)}`);
    }
    if (posted.status < 300 || posted.status >= 400) throw new Error(`form POST answered ${posted.status}: ${posted.text.slice(0, 500)}`);
    url = new URL(posted.headers.location, posted.url).href;
    if (url.startsWith(redirectUri)) return { params: new URL(url).searchParams, pages };
  }
  throw new Error('the authorization did not finish within 20 steps');
}
