// The node conformance runner: `node tests/conformance.mjs` (after build.sh).
// Imports the package by its name and runs every vector through `evaluate`. Prints one line per
// failing case and `N passed, N failed` alone on the last line; exits non-zero on any failure,
// on zero cases and on a repeated id.
import { evaluate, evaluateJson } from 'matrix-authz';

import { runFiles } from './runner.mjs';
import { readVectorFiles } from './vectors.mjs';

const report = runFiles(evaluate, readVectorFiles(), evaluateJson);
for (const line of report.lines) console.log(line);
process.exitCode = report.ok ? 0 : 1;
