// Checked by `tsc --noEmit -p tests` (strict): the package's declarations are complete and
// closed sets are string-literal unions. Never run; `@ts-expect-error` lines must fail to type.
import {
  Policy,
  Scope,
  evaluate,
  evaluateJson,
  generateDeviceId,
  initAsync,
  loginScope,
  normalize,
  ops,
  randomDeviceId,
  satisfies,
  tokenKind,
  validateDeviceId,
} from 'matrix-authz';
import type {
  ErrorCode,
  Form,
  Json,
  LoginScope,
  MatrixAuthzError,
  Namespace,
  Op,
  OpTypes,
  PolicyDocument,
  PresetName,
  SatisfiesResult,
  TokenKind,
} from 'matrix-authz';

await initAsync();
await initAsync(new URL('https://example.org/matrix_authz_bg.wasm'));

const scope: Scope = Scope.parse('openid urn:matrix:client:api:*');
const tokens: string[] = scope.tokens;
const canonical: string = scope.canonical;
const size: number = scope.size;
const hasApi: boolean = scope.hasApi;
const device: string | undefined = scope.device;
const admin: boolean = scope.synapseAdmin;
const namespaces: Namespace[] = scope.namespaces;
const normalized: Scope = scope.normalize('both');
const covers: boolean = scope.covers('openid') && scope.contains('openid');
// @ts-expect-error `sideways` is not a Form
scope.normalize('sideways');

const kind: TokenKind = tokenKind('openid');
// @ts-expect-error a TokenKind is not any string
const wrongKind: 'nope' = tokenKind('openid');

const sat: SatisfiesResult = satisfies('openid', '');
const satisfied: boolean = sat.satisfied;
const missing: string[] = sat.missing;
const form: Form = 'unstable';
const norm: string = normalize('openid', form);

const preset: PresetName = 'mas';
const policy: Policy = Policy.fromPreset(preset);
const presetName: PresetName = policy.preset;
// @ts-expect-error not a preset
Policy.fromPreset('keycloak');
const document: PolicyDocument = { preset: 'synapse', approval: 'single_use', step_up: [{ endpoints: ['createRoom'], max_age: 300 }] };
const fromDoc: Policy = Policy.fromDocument(document);
// @ts-expect-error approval is a closed set
Policy.fromDocument({ approval: 'twice' });
const policyScope: Scope = policy.parseScope('openid');
const policySat: SatisfiesResult = policy.satisfies('openid', 'openid');
const policyNorm: string = policy.normalize('openid', 'stable');
policy.validateDeviceId('ABCDEFGHIJ');

validateDeviceId('ABC');
const generated: string = generateDeviceId(new Uint8Array(16));
const generatedShort: string = generateDeviceId(new Uint8Array(16), 4);
const random: string = randomDeviceId();
const login: LoginScope = loginScope({ deviceId: 'ABCDEFGHIJ', form: 'both', extra: ['openid'] });
const login2: LoginScope = policy.loginScope({ entropy: new Uint8Array(16) });
const loginText: string = login.scope + login.deviceId + login2.scope;
// @ts-expect-error entropy is bytes, not hex
loginScope({ entropy: 'abcd' });

const parsed = evaluate('scope.parse', { scope: 'openid', policy: 'mas' });
const api: 'full' | 'none' = parsed.api;
const parsedDevice: string | null = parsed.device;
const decided = evaluate('request.decide', { method: 'GET', path: '/_matrix/client/v3/sync', token: { scope: 'openid' } });
const decision: 'allow' | 'deny' | 'uia' | 'step_up' = decided.decision;
const status: number | null = decided.status;
const grant = evaluate('grant.decide', { scope: 'openid', grant_type: 'authorization_code' });
const allowed: boolean = grant.allowed;
// @ts-expect-error scope.parse needs `scope`
evaluate('scope.parse', {});
// @ts-expect-error not a grant type
evaluate('grant.decide', { scope: 'openid', grant_type: 'password' });
const anyOp: Json = evaluate('some.future_op' as string, { anything: 1 });
const op: Op = 'account.url';
const opList: Op[] = ops();
type UrlResult = OpTypes['account.url']['result'];
const url: UrlResult = evaluate(op, { account_management_uri: 'https://a.example/', action: 'org.matrix.profile' });
const envelope: string = evaluateJson('scope.parse', '{"scope": "openid"}');

try {
  Scope.parse('');
} catch (e) {
  if (e instanceof Error && 'code' in e) {
    const err = e as MatrixAuthzError;
    const code: ErrorCode = err.code;
    const name: 'MatrixAuthzError' = err.name;
    console.log(code, name);
  }
}

scope.free();
normalized.free();
fromDoc.free();
policyScope.free();
policy.free();

export const used = [
  tokens, canonical, size, hasApi, device, admin, namespaces, covers, kind, wrongKind, satisfied, missing, norm,
  presetName, policySat, policyNorm, generated, generatedShort, random, loginText, api, parsedDevice, decision,
  status, allowed, anyOp, opList, url, envelope,
];
