// The playground: every change of the form decides again with the npm package (the browser
// build, loaded from /pkg/) and shows the scope's classification, the decision, the HTTP answer
// and the DECISIONS.md pipeline; the form's state goes into the URL fragment.
import { Policy, evaluate, initAsync } from '/pkg/index.mjs';
import { findPointer, JsonSyntaxError, lineColumn, locate } from '/locate.mjs';
import { decodeState, encodeState } from '/state.mjs';

/** The DECISIONS.md pipeline, one short label per step. */
const STEPS = [
  'CORS preflight',
  'appservice login',
  'endpoint unusable under OAuth',
  'registration',
  'token missing',
  'no token needed',
  'token active',
  'appservice token',
  'appservice-only endpoint',
  'scope and device valid',
  'required scope',
  'admin scope',
  'guest endpoint',
  'guest join',
  'device deletion',
  'cross-signing upload',
  'unknown endpoint',
  'step-up',
  'allowed',
];

const $ = (id) => document.getElementById(id);
const controls = () => [...document.querySelectorAll('[data-state]')];
const valueOf = (el) => (el.type === 'checkbox' ? el.checked : el.value);
const defaultOf = (el) => {
  if (el.type === 'checkbox') return el.defaultChecked;
  if (el.tagName === 'SELECT') return ([...el.options].find((o) => o.defaultSelected) ?? el.options[0]).value;
  return el.defaultValue;
};

// -- the state in the URL ------------------------------------------------------------------------

function saveState() {
  const changed = {};
  for (const el of controls()) if (valueOf(el) !== defaultOf(el)) changed[el.id] = valueOf(el);
  const fragment = encodeState(changed);
  history.replaceState(null, '', fragment || location.pathname + location.search);
  $('link').href = location.href;
}

function restoreState() {
  let values = {};
  $('state-error').hidden = true;
  try {
    values = decodeState(location.hash);
  } catch (error) {
    $('state-error').textContent = `This link's state could not be read (${error.message}); showing the defaults.`;
    $('state-error').hidden = false;
  }
  for (const el of controls()) {
    const value = Object.hasOwn(values, el.id) ? values[el.id] : defaultOf(el);
    if (el.type === 'checkbox') el.checked = value === true;
    else el.value = String(value);
  }
}

// -- the policy ----------------------------------------------------------------------------------

let policy = { key: null, input: null, error: null };

/** The policy the form describes: the `policy` input of `evaluate` (a preset name or a document), or its error. */
function currentPolicy() {
  const preset = $('policy-preset').value;
  const documentText = $('policy-document').value;
  const key = preset === 'document' ? `document:${documentText}` : preset;
  if (key === policy.key) return policy;
  policy = { key, input: null, error: null };
  if (preset !== 'document') {
    policy.input = preset;
    return policy;
  }
  let parsed;
  try {
    parsed = JSON.parse(documentText);
  } catch (error) {
    // Where and why it broke, from our own scan: engines word JSON.parse's errors differently
    // and some give no position at all.
    let found = { message: error.message, offset: documentText.length };
    try {
      locate(documentText);
    } catch (scan) {
      if (scan instanceof JsonSyntaxError) found = scan;
    }
    policy.error = { kind: 'json', message: found.message, ...lineColumn(documentText, found.offset) };
    return policy;
  }
  try {
    // Built once to check it: the error then points into the document itself.
    Policy.fromDocument(parsed).free();
    policy.input = parsed;
  } catch (error) {
    const place = typeof error.path === 'string' ? findPointer(documentText, error.path) : null;
    policy.error = { kind: 'policy', code: error.code, message: error.message, path: error.path, place };
  }
  return policy;
}

function showPolicy(current) {
  const status = $('policy-status');
  const mark = $('policy-mark');
  const textarea = $('policy-document');
  textarea.disabled = $('policy-preset').value !== 'document';
  textarea.setAttribute('aria-invalid', String(current.error !== null));
  status.className = current.error ? 'error' : 'ok';
  mark.hidden = true;
  if (current.error === null) {
    status.textContent = typeof current.input === 'string' ? `the ${current.input} preset` : 'a valid policy document';
    return;
  }
  const e = current.error;
  let line = null;
  if (e.kind === 'json') {
    line = e.line;
    status.textContent = `invalid JSON at line ${e.line}, column ${e.column}: ${e.message}`;
  } else if (e.place) {
    line = e.place.line;
    const where = e.place.exact ? `at ${e.path}` : `at ${e.path} (in ${e.place.pointer || 'the document'})`;
    status.textContent = `${e.code} ${where}, line ${e.place.line}: ${e.message}`;
  } else {
    status.textContent = `${e.code}: ${e.message}`;
  }
  status.dataset.line = line ?? '';
  if (line !== null) {
    // The textarea cannot colour a line: a bar behind it, at the line's height, does.
    const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight);
    const top = parseFloat(getComputedStyle(textarea).paddingTop) + (line - 1) * lineHeight - textarea.scrollTop;
    mark.style.top = `${top}px`;
    mark.style.height = `${lineHeight}px`;
    mark.dataset.line = line;
    mark.hidden = false;
  }
}

// -- the request ---------------------------------------------------------------------------------

/** An integer field's value, absent when empty (a number the engine then rejects stays a number). */
const integer = (id) => ($(id).value.trim() === '' ? undefined : Number($(id).value));
const text = (id) => ($(id).value === '' ? undefined : $(id).value);

function request() {
  const req = { method: $('method').value, path: $('path').value };
  const query = $('query').value.replace(/^\?/, '');
  if (query !== '') req.query = Object.fromEntries(new URLSearchParams(query));
  if ($('token-sent').checked) {
    req.token = {
      active: $('token-active').checked,
      scope: $('scope').value,
      guest: $('token-guest').checked,
      appservice: $('token-appservice').checked,
      device_id: text('token-device-id'),
      auth_time: integer('token-auth-time'),
      acr: text('token-acr'),
    };
  }
  const context = {
    account_management_uri: text('account-management-uri'),
    uia_session: text('uia-session'),
    cross_signing: {
      master_key_exists: $('cs-master-key-exists').checked,
      keys_identical: $('cs-keys-identical').checked,
      reset_approved_until: integer('cs-reset-approved-until'),
    },
  };
  const access = $('room-guest-access').value;
  if (access !== '') context.room = { guest_access: access === 'null' ? null : access };
  const body = { type: text('body-type') };
  const inhibit = $('body-inhibit-login').value;
  if (inhibit !== '') body.inhibit_login = inhibit === 'true';
  if (body.type !== undefined || body.inhibit_login !== undefined) context.body = body;
  req.context = context;
  req.now = integer('now');
  // Absent, not undefined: the link and the engine's input say the same thing.
  return JSON.parse(JSON.stringify(req));
}

// -- the outputs ---------------------------------------------------------------------------------

function element(tag, attributes = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  el.append(...children);
  return el;
}

function showScope(current) {
  const out = $('scope-result');
  out.replaceChildren();
  if (current.error) return out.append(element('p', { class: 'muted' }, 'no classification: the policy is not valid'));
  let parsed;
  try {
    parsed = evaluate('scope.parse', { scope: $('scope').value, policy: current.input });
  } catch (error) {
    return out.append(element('p', { id: 'scope-error', class: 'error' }, `${error.code}: ${error.message}`));
  }
  const rows = parsed.tokens.map((token) =>
    element('tr', {}, element('td', {}, element('code', {}, token)), element('td', { class: 'kind' }, parsed.kinds[token])));
  out.append(
    element('table', { id: 'scope-tokens' },
      element('thead', {}, element('tr', {}, element('th', { scope: 'col' }, 'token'), element('th', { scope: 'col' }, 'kind'))),
      element('tbody', {}, ...rows)),
    element('dl', { id: 'scope-facts' },
      element('dt', {}, 'api'), element('dd', { id: 'scope-api' }, parsed.api),
      element('dt', {}, 'device'), element('dd', { id: 'scope-device' }, parsed.device ?? '(none)'),
      element('dt', {}, 'synapse admin'), element('dd', { id: 'scope-admin' }, String(parsed.synapse_admin)),
      element('dt', {}, 'namespaces'), element('dd', {}, parsed.namespaces.join(', ') || '(none)'),
      element('dt', {}, 'canonical'), element('dd', {}, element('code', {}, parsed.canonical))),
  );
}

/** What the server sends: the status line, the headers and the JSON body (none for a HEAD). */
function httpAnswer(result, method) {
  if (result.decision === 'allow') return 'allow: the engine sends nothing; the server handles the request as usual';
  const body = method === 'HEAD' ? null : result.body;
  const lines = [`HTTP/1.1 ${result.status}`];
  const headers = { ...result.headers };
  if (result.body !== null) headers['content-type'] = 'application/json';
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\n')}\n\n${body === null ? '' : JSON.stringify(body, null, 2)}`;
}

/** The form control of each request field, by the JSON pointer an `input.invalid` error names. */
const CONTROL_OF = {
  '/method': 'method',
  '/path': 'path',
  '/query': 'query',
  '/now': 'now',
  '/token/scope': 'scope',
  '/token/device_id': 'token-device-id',
  '/token/auth_time': 'token-auth-time',
  '/token/acr': 'token-acr',
  '/context/account_management_uri': 'account-management-uri',
  '/context/uia_session': 'uia-session',
  '/context/cross_signing/reset_approved_until': 'cs-reset-approved-until',
  '/context/room/guest_access': 'room-guest-access',
  '/context/body/type': 'body-type',
  '/context/body/inhibit_login': 'body-inhibit-login',
};

/** Marks the control an error's pointer leads to (the nearest field that has one). */
function markRequestError(pointer) {
  for (const el of controls()) if (el.id !== 'policy-document') el.removeAttribute('aria-invalid');
  if (typeof pointer !== 'string') return;
  for (let p = pointer; p !== ''; p = p.slice(0, p.lastIndexOf('/'))) {
    if (CONTROL_OF[p]) return $(CONTROL_OF[p]).setAttribute('aria-invalid', 'true');
  }
}

function showDecision(current) {
  const decision = $('decision');
  let result = null;
  let failure = null;
  let pointer;
  if (current.error) failure = 'no decision: the policy is not valid';
  else {
    try {
      // `evaluate`, not `Policy.decide`: its result carries the explanation (step, reason, setting).
      result = evaluate('request.decide', { ...request(), policy: current.input });
    } catch (error) {
      failure = `${error.code}: ${error.message}${typeof error.path === 'string' ? ` (at ${error.path})` : ''}`;
      pointer = error.path;
    }
  }
  markRequestError(pointer);
  decision.className = result ? `decision ${result.decision}` : 'decision error';
  decision.textContent = result
    ? `${result.decision}${result.status === null ? '' : ` ${result.status}`}${result.errcode ? ` ${result.errcode}` : ''}`
    : failure;
  $('step').textContent = result ? String(result.step) : '';
  $('reason').textContent = result?.reason ?? '';
  $('setting').textContent = result ? (result.setting ?? '(none: the spec or the preset decided)') : '';
  $('endpoint').textContent = result ? (result.endpoint ?? '(unknown path)') : '';
  $('device').textContent = result ? (result.device ?? '(none)') : '';
  $('http').textContent = result ? httpAnswer(result, $('method').value) : '';
  showPipeline(result);
}

function showPipeline(result) {
  const answered = result?.step;
  $('pipeline').replaceChildren(...STEPS.map((label, step) => {
    const state = answered === undefined ? 'idle' : step < answered ? 'passed' : step === answered ? 'answered' : 'skipped';
    const said = { passed: 'passed', answered: `answered: ${result?.reason}`, skipped: 'not reached', idle: '' }[state];
    const item = element('li', { class: `step ${state}`, 'data-step': String(step) },
      element('span', { class: 'number' }, String(step)),
      element('span', { class: 'label' }, label),
      element('span', { class: 'state' }, said));
    if (state === 'answered') item.setAttribute('aria-current', 'step');
    return item;
  }));
}

function update() {
  const current = currentPolicy();
  showPolicy(current);
  showScope(current);
  showDecision(current);
  saveState();
}

// -- start ---------------------------------------------------------------------------------------

await initAsync();
restoreState();
$('policy-preset').addEventListener('change', () => {
  // Switching to a document starts from the preset shown so far, unless one was written.
  const area = $('policy-document');
  if ($('policy-preset').value === 'document' && area.value === area.defaultValue && policy.input !== null) {
    area.value = JSON.stringify({ preset: typeof policy.input === 'string' ? policy.input : 'default' }, null, 2);
  }
});
$('inputs').addEventListener('submit', (event) => event.preventDefault());
$('inputs').addEventListener('input', update);
$('inputs').addEventListener('change', update);
$('policy-document').addEventListener('scroll', () => showPolicy(policy));
window.addEventListener('hashchange', () => {
  restoreState();
  update();
});
update();
document.body.dataset.ready = 'true';
