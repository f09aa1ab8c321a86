// Checked by `tsc --noEmit -p tests` (strict): the package's declarations are complete and
// closed sets are string-literal unions. Never run; `@ts-expect-error` lines must fail to type.
import {
  Policy,
  Scope,
  accountUrl,
  checkRedirectUri,
  decide,
  decideGrant,
  evaluate,
  evaluateJson,
  generateDeviceId,
  initAsync,
  interpret,
  loginScope,
  normalize,
  ops,
  randomDeviceId,
  satisfies,
  tokenKind,
  validateClientMetadata,
  validateDeviceId,
  validateServerMetadata,
} from 'matrix-authz';
import type {
  DecideResult,
  ErrorCode,
  GrantDecision,
  InterpretResult,
  MetadataReport,
  RedirectCheck,
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
const declaring: Policy = Policy.fromDocument({
  endpoints: [{ method: 'GET', path: '/_matrix/client/v3/org.example.widgets/{id}', operation_id: 'getWidget', token: 'required' }],
  required_scopes: { getWidget: ['urn:example:widgets'] },
  server_administration_scope: 'msc4484',
});
// @ts-expect-error a declared endpoint's token is a closed set
Policy.fromDocument({ endpoints: [{ method: 'GET', path: '/x', operation_id: 'x', token: 'sometimes' }] });
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

const typedDecision: DecideResult = policy.decide({ method: 'GET', path: '/_matrix/client/v3/sync', token: { scope: 'openid' } });
const defaultDecision: DecideResult = decide({ method: 'GET', path: '/_matrix/client/v3/sync', now: 1 });
const kindOfDecision: 'allow' | 'deny' | 'uia' | 'step_up' = typedDecision.decision;
// @ts-expect-error guest_access is a closed set
decide({ method: 'GET', path: '/', context: { room: { guest_access: 'maybe' } } });
const granted: GrantDecision = decideGrant('openid', 'authorization_code');
const grantedMas: GrantDecision = policy.decideGrant('openid', 'client_credentials', { clientAdmin: true, entropy: new Uint8Array(8) });
// @ts-expect-error not a grant type
decideGrant('openid', 'password');
const grantScope: string | null = granted.granted;
const account: string = accountUrl('https://a.example/', 'org.matrix.profile', undefined, ['org.matrix.profile']);
const redirect: RedirectCheck = checkRedirectUri('https://a.example/cb', 'https://a.example/', 'native', 'authorization', []);
// @ts-expect-error not an application type
checkRedirectUri('https://a.example/cb', 'https://a.example/', 'desktop');
const violation: string | null = redirect.violation;
const clientReport: MetadataReport = validateClientMetadata({ client_uri: 'https://a.example/' });
const serverReport: MetadataReport = validateServerMetadata(null);
const reportValid: boolean = clientReport.valid && serverReport.valid;

const next: InterpretResult = interpret(401, { 'www-authenticate': ['Bearer error="insufficient_user_authentication"'] }, { errcode: 'M_UNKNOWN_TOKEN' });
const bare: InterpretResult = interpret(429);
let nextStep = '';
switch (next.action) {
  case 'open_url': {
    const target: string = next.url;
    const session: string | null = next.session;
    nextStep = target + (session ?? '');
    break;
  }
  case 'reauthenticate': {
    const acr: string | null = next.acr_values;
    const maxAge: number | null = next.max_age;
    const stepUpScope: string | null = next.scope;
    nextStep = `${acr} ${maxAge} ${stepUpScope}`;
    break;
  }
  case 'retry': {
    const wait: number | null = next.retry_after_ms;
    nextStep = String(wait);
    break;
  }
  case 'refresh':
  case 'logout':
  case 'fail':
    nextStep = next.action;
    break;
  default: {
    const never: never = next;
    nextStep = never;
  }
}
// @ts-expect-error `url` exists only once narrowed to `open_url`
const unnarrowed: string = next.url;
// @ts-expect-error not an action
const wrongAction: InterpretResult = { action: 'wait' };
// @ts-expect-error a header value is a string or an array of strings
interpret(401, { 'retry-after': 2 });
// @ts-expect-error the status is a number
interpret('401');
const viaEvaluate: InterpretResult = evaluate('client.interpret', { status: 401, body: { errcode: 'M_UNKNOWN_TOKEN' } });

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
declaring.free();
policyScope.free();
policy.free();

export const used = [
  tokens, canonical, size, hasApi, device, admin, namespaces, covers, kind, wrongKind, satisfied, missing, norm,
  presetName, policySat, policyNorm, generated, generatedShort, random, loginText, api, parsedDevice, decision,
  status, allowed, anyOp, opList, url, envelope, defaultDecision, kindOfDecision, grantedMas, grantScope, account,
  violation, reportValid, bare, nextStep, unnarrowed, wrongAction, viaEvaluate,
];
