#!/usr/bin/env node
// Approves a device sign-in the way a person does on another device, with plain https requests
// and a cookie jar instead of a browser: opens the verification URI, types the user code, confirms
// the device, signs in on the provider's login page and gives consent when asked. For tests and
// the end-to-end run:
//
//   node examples/device-login/approve.mjs --uri VERIFICATION_URI --code USER_CODE --login alice --ca DIR/ca.pem
//
// The pages are oidc-provider's: `devInteractions` login and consent, and the device flow's code
// input and confirmation forms (`op.deviceInputForm`, `op.deviceConfirmForm`) inside either the
// library's default pages or examples/authorization-server/oidc's own. Each page is recognised by
// its form, not by its position in the sequence, so a provider that skips consent (a grant already
// given) or asks again works the same. The end is the success page (the library's "Sign-in
// Success", the example provider's `#device-done`); an error page (`.red`, `.error`, `#error`),
// anything unrecognised or a loop stops with an error: nothing is approved by guessing.
import { fileURLToPath } from 'node:url';

import { CookieJar, request, testAgent } from './https.mjs';

/** Pages and redirects followed at most (code input, confirm, login, consent, resumes). */
const MAX_STEPS = 20;

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function unescapeHtml(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name) => {
    if (name[0] === '#') return String.fromCodePoint(name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1)));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function attributes(tag) {
  const found = {};
  for (const [, name, value] of tag.matchAll(/([a-zA-Z_:.-]+)\s*=\s*"([^"]*)"/g)) found[name.toLowerCase()] = unescapeHtml(value);
  return found;
}

/** The forms of a page: `{ id, action, method, fields: { name: value }, inputs: [attributes] }`. */
export function forms(html) {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)].map(([, tag, inner]) => {
    const form = attributes(tag);
    const inputs = [...inner.matchAll(/<input\b([^>]*)>/gi)].map(([, input]) => attributes(input));
    const fields = {};
    for (const input of inputs) if (input.name && (input.type ?? 'text') === 'hidden') fields[input.name] = input.value ?? '';
    return { id: form.id ?? null, action: form.action ?? '', method: (form.method ?? 'get').toUpperCase(), fields, inputs };
  });
}

const has = (form, name) => form.inputs.some((input) => input.name === name);
const text = (html) => html.replace(/<style[\s\S]*?<\/style>/gi, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

/**
 * What a person does on this page: the form to send and its fields, `done`, or an error.
 * Recognised: the user-code input (`user_code` text field), the auto-submitting form_post page,
 * the device confirmation (`confirm`), the login (`login` + `password`), the consent
 * (`prompt=consent`), the success page and error pages.
 */
export function nextStep(html, { userCode, login, password }) {
  if (/<title>\s*Sign-in Success\s*<\/title>/i.test(html) || /\bid="device-done"/.test(html)) return { done: true };
  const error = /<(p|dl)\b[^>]*(?:class="(?:red|error)"|id="error")[^>]*>([\s\S]*?)<\/\1>/i.exec(html);
  if (error) return { error: text(error[2]) };
  for (const form of forms(html)) {
    if (has(form, 'login') && has(form, 'password')) return { form, fields: { ...form.fields, login, password } };
    if (form.fields.prompt === 'consent') return { form, fields: form.fields };
    if (form.fields.confirm === 'yes' && form.fields.user_code !== undefined) return { form, fields: form.fields };
    if (has(form, 'user_code') && form.fields.user_code === undefined) return { form, fields: { ...form.fields, user_code: userCode } };
    if (/<title>\s*Submitting Callback\s*<\/title>/i.test(html) && form.method === 'POST') return { form, fields: form.fields };
  }
  return { error: `an unrecognised page: ${text(html).slice(0, 300)}` };
}

/**
 * Approves `userCode` at `verificationUri` as the account `login`. Resolves to
 * `{ steps }` (the pages passed, for the report) once the provider shows its success page;
 * rejects on an error page, an unexpected status or more than MAX_STEPS pages.
 */
export async function approveUserCode({ verificationUri, userCode, login, password = 'any password', ca, agent = testAgent(ca), log = () => {} }) {
  const jar = new CookieJar();
  const steps = [];
  let url = verificationUri;
  let init = { method: 'GET' };
  const origin = new URL(verificationUri).origin;
  for (let step = 0; step < MAX_STEPS; step++) {
    if (new URL(url).origin !== origin) throw new Error(`approve: the provider sent the browser elsewhere (${url})`);
    const headers = { accept: 'text/html', ...init.headers };
    const cookie = jar.header(url);
    if (cookie) headers.cookie = cookie;
    const answer = await request(agent, url, { ...init, headers });
    jar.store(url, answer.headers);
    steps.push(`${init.method} ${new URL(url).pathname} → ${answer.status}`);
    log(steps.at(-1));
    if (answer.status >= 300 && answer.status < 400 && answer.headers.location) {
      url = new URL(answer.headers.location, url).href;
      init = { method: 'GET' };
      continue;
    }
    if (answer.status !== 200) throw new Error(`approve: ${init.method} ${url} answered ${answer.status}: ${text(answer.text).slice(0, 300)}`);
    const next = nextStep(answer.text, { userCode, login, password });
    if (next.done) return { steps };
    if (next.error) throw new Error(`approve: ${next.error}`);
    url = new URL(next.form.action || url, url).href;
    init = next.form.method === 'POST'
      ? { method: 'POST', body: new URLSearchParams(next.fields) }
      : { method: 'GET' };
    if (next.form.method !== 'POST') {
      const target = new URL(url);
      for (const [name, value] of Object.entries(next.fields)) target.searchParams.set(name, value);
      url = target.href;
    }
  }
  throw new Error(`approve: no success page after ${MAX_STEPS} steps (${steps.join(', ')})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const flags = { '--uri': 'verificationUri', '--code': 'userCode', '--login': 'login', '--password': 'password', '--ca': 'ca' };
  const options = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    if (!flags[argv[i]] || argv[i + 1] === undefined) {
      console.error(`usage: approve.mjs --uri URL --code CODE --login NAME [--password P] --ca PEM (unknown \`${argv[i]}\`)`);
      process.exit(2);
    }
    options[flags[argv[i]]] = argv[i + 1];
  }
  try {
    const { steps } = await approveUserCode({ ...options, log: (line) => console.error(line) });
    console.log(`approved: ${options.userCode} as ${options.login} (${steps.length} steps)`);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
