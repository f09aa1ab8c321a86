// Per-call cost from node (not part of the tests): `node bindings-wasm/tests/bench.mjs [ms]`.
// Each case runs in a warm loop for about `ms` milliseconds (default 1500) and prints
// nanoseconds per call and calls per second. `MATRIX_AUTHZ_PKG=DIR` measures the package built
// into DIR instead of the linked one (tests/bench-compare.sh uses it for an old build).
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';

const pkg = process.env.MATRIX_AUTHZ_PKG;
const { Policy, Scope, evaluate, satisfies } = await import(
  pkg ? pathToFileURL(join(resolve(pkg), 'node.mjs')).href : 'matrix-authz'
);

const budgetMs = Number(process.argv[2] ?? 1500);
const SCOPE = 'openid urn:matrix:client:api:* urn:matrix:client:device:AAbbCCdd01';
const REQUEST = {
  method: 'GET',
  path: '/_matrix/client/v3/sync',
  token: { scope: SCOPE },
};

function bench(name, fn) {
  for (let i = 0; i < 2000; i++) fn(); // warm up the JIT and the allocator
  let calls = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(budgetMs) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 500; i++) fn();
    calls += 500;
    now = process.hrtime.bigint();
  }
  const ns = Number(now - start) / calls;
  console.log(`${name.padEnd(52)} ${ns.toFixed(0).padStart(7)} ns/call ${Math.round(1e9 / ns).toString().padStart(9)} calls/s`);
}

const mas = Policy.fromPreset('mas');
const decideOp = typeof mas.decide === 'function';
console.log(`node ${process.version}, ${budgetMs} ms per case`);
bench("evaluate('scope.parse', {scope})", () => evaluate('scope.parse', { scope: SCOPE }));
bench('Scope.parse(scope) + free()', () => Scope.parse(SCOPE).free());
bench("evaluate('scope.satisfies', ...)", () => evaluate('scope.satisfies', { granted: SCOPE, required: 'openid' }));
bench('satisfies(granted, required)', () => satisfies(SCOPE, 'openid'));
bench("evaluate('request.decide', GET /sync)", () => evaluate('request.decide', REQUEST));
bench("evaluate('request.decide', GET /sync, policy 'mas')", () => evaluate('request.decide', { ...REQUEST, policy: 'mas' }));
if (decideOp) {
  const spec = new Policy();
  bench('policy.decide(GET /sync) [typed request.decide]', () => spec.decide(REQUEST));
  bench("Policy('mas').decide(GET /sync) [typed request.decide]", () => mas.decide(REQUEST));
} else {
  console.log('typed request.decide: not in this build');
}
