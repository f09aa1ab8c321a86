// The conformance runner shared by node and the browser page (FORMAT.md "Runners").
// Pure JavaScript: no node or DOM APIs, so the same code runs in both. Codes are compared,
// never messages; `ok` patterns are subset patterns.

/** Whether `actual` matches the subset `pattern` (FORMAT.md "A file"). */
export function matches(pattern, actual) {
  if (Array.isArray(pattern)) {
    return Array.isArray(actual) && pattern.length === actual.length && pattern.every((p, i) => matches(p, actual[i]));
  }
  if (pattern !== null && typeof pattern === 'object') {
    return (
      actual !== null &&
      typeof actual === 'object' &&
      !Array.isArray(actual) &&
      Object.keys(pattern).every((k) => Object.hasOwn(actual, k) && matches(pattern[k], actual[k]))
    );
  }
  return pattern === actual;
}

/** One case through `evaluate`, answered in the vectors' shape: `{ok: RESULT}` or `{error: CODE}`. */
export function answer(evaluate, op, input) {
  try {
    return { ok: evaluate(op, input) };
  } catch (e) {
    if (e instanceof Error && typeof e.code === 'string') {
      return typeof e.path === 'string' ? { error: e.code, path: e.path } : { error: e.code };
    }
    // Anything else (a thrown string, a trap) is a bug in the binding: report it as such.
    return { thrown: String(e), isError: e instanceof Error };
  }
}

/**
 * One case given as JSON text (`input_json`: what a JavaScript value cannot hold, such as a
 * number past a double) through `evaluateJson`, which never throws.
 */
export function answerJson(evaluateJson, op, text) {
  if (typeof evaluateJson !== 'function') return { thrown: 'the runner was given no evaluateJson' };
  const envelope = JSON.parse(evaluateJson(op, text));
  if (!Object.hasOwn(envelope, 'error')) return envelope;
  const { code, path } = envelope.error;
  return typeof path === 'string' ? { error: code, path } : { error: code };
}

function passes(expect, got) {
  if (expect === null || typeof expect !== 'object') return false;
  const hasOk = Object.hasOwn(expect, 'ok');
  const hasError = Object.hasOwn(expect, 'error');
  if (hasOk && !hasError) return Object.hasOwn(got, 'ok') && matches(expect.ok, got.ok);
  // FORMAT.md v4: a vector may pin the error's `path` too; then both are compared.
  if (hasError && !hasOk) {
    return (
      Object.hasOwn(got, 'error') && got.error === expect.error && (!Object.hasOwn(expect, 'path') || got.path === expect.path)
    );
  }
  return false;
}

/**
 * Runs every case of `files` (`[{name, doc}]`, `doc` the parsed vector file) and returns
 * `{passed, failed, lines}`: one line per failing case, then `N passed, N failed` last.
 * A repeated or missing id fails; zero cases make `ok` false.
 */
export function runFiles(evaluate, files, evaluateJson) {
  const seen = new Set();
  const lines = [];
  let passed = 0;
  let failed = 0;
  for (const { name, doc } of files) {
    const cases = doc && Array.isArray(doc.cases) ? doc.cases : null;
    if (cases === null) {
      failed += 1;
      lines.push(`FAIL ${name}: expected a vector file got no \`cases\` array`);
      continue;
    }
    for (const c of cases) {
      const id = c && typeof c.id === 'string' ? c.id : '';
      if (id === '' || seen.has(id)) {
        failed += 1;
        lines.push(`FAIL ${id || '(no id)'} in ${name}: a missing or repeated id`);
        continue;
      }
      seen.add(id);
      const op = typeof c.op === 'string' ? c.op : '';
      const got =
        typeof c.input_json === 'string' ? answerJson(evaluateJson, op, c.input_json) : answer(evaluate, op, c.input);
      if (passes(c.expect, got)) {
        passed += 1;
      } else {
        failed += 1;
        lines.push(`FAIL ${id}: expected ${JSON.stringify(c.expect)} got ${JSON.stringify(got)}`);
      }
    }
  }
  lines.push(`${passed} passed, ${failed} failed`);
  return { passed, failed, lines, ok: passed > 0 && failed === 0 };
}
