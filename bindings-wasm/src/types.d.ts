/* The types of the package that wasm-bindgen cannot derive from Rust signatures. */

/** Every stable error code (FORMAT.md "Error codes"). */
export type ErrorCode =
  | "scope.empty"
  | "scope.too_long"
  | "scope.too_many_tokens"
  | "scope.invalid_char"
  | "scope.empty_token"
  | "scope.multiple_devices"
  | "device_id.empty"
  | "device_id.too_short"
  | "device_id.too_long"
  | "device_id.invalid_char"
  | "entropy.insufficient"
  | "account.action_unsupported"
  | "metadata.too_large"
  | "policy.invalid"
  | "policy.unknown_preset"
  | "input.invalid"
  | "op.unknown";

/** What every function of this package throws: a real `Error` carrying the stable `code`. */
export interface MatrixAuthzError extends Error {
  readonly name: "MatrixAuthzError";
  readonly code: ErrorCode;
  /**
   * A JSON pointer (RFC 6901) at the offending place, where one is at fault: into the request or
   * op input for `input.invalid` (`/token/scope`), into the policy document for `policy.invalid`
   * (`/step_up/1/max_age`).
   */
  readonly path?: string;
}

/** The built-in policy presets. */
export type PresetName = "default" | "mas" | "synapse";
/** The namespace form a scope is rewritten into. */
export type Form = "stable" | "unstable" | "both";
/** The MSC2967 prefix of an API or device token. */
export type Namespace = "stable" | "unstable";
/** What one scope token means. */
export type TokenKind = "api" | "device" | "openid" | "email" | "synapse_admin" | "mas_admin" | "mas_graphql" | "unknown";

/** A step-up rule (RFC 9470, MSC4363): `max_age`, `acr_values` or both. */
export interface StepUpRule {
  endpoints: string[];
  max_age?: number;
  acr_values?: string[];
}

/** An endpoint the host serves beyond the catalogue, or an exact redeclaration of a built-in one
 * (DECISIONS.md "Path matching"; the README lists the rules). */
export interface DeclaredEndpoint {
  method: string;
  /** A template; `{name}` is one segment. */
  path: string;
  /** Required for a new endpoint; absent or the built-in's for a redeclaration. */
  operation_id?: string;
  token: "none" | "optional" | "required" | "appservice";
  /** New endpoints only (default false). */
  guest?: boolean;
}

/** A policy document: a preset with some settings changed (FORMAT.md "Policy documents"). */
export interface PolicyDocument {
  preset?: PresetName;
  scope_grammar?: "strict" | "lenient";
  scope_limits?: { max_bytes?: number; max_tokens?: number };
  device_rules?: { min_length?: number; max_length?: number; alphabet?: "scope_token" | "unreserved" | "mas" };
  missing_api_scope?: "forbidden" | "unknown_token";
  grant_rules?: "default" | "mas";
  step_up?: StepUpRule[];
  guest_endpoints?: string[];
  approval?: "window" | "single_use";
  legacy_endpoints?: boolean;
  unknown_endpoints?: "allow" | "deny";
  extra_tokens?: { exact?: string[]; patterns?: string[] };
  endpoints?: DeclaredEndpoint[];
  /** Operation id to scope tokens, at least one of which a token must carry instead of the API token. */
  required_scopes?: Record<string, string[]>;
  /** `msc4484`: the Server Administration endpoints need MSC4484's scope, not the API token. */
  server_administration_scope?: "off" | "msc4484";
}

/** The `policy` field every op input may carry: absent = `default`. */
export type PolicyInput = PresetName | PolicyDocument;

/** The result of `satisfies`. */
export interface SatisfiesResult {
  satisfied: boolean;
  /** Tokens of `required` that `granted` does not cover, canonical order. */
  missing: string[];
}

/** Options of `loginScope`: `deviceId` wins over `entropy`; one of them is required. */
export interface LoginScopeOptions {
  deviceId?: string;
  entropy?: Uint8Array;
  form?: Form;
  extra?: string[];
}

/** The result of `loginScope`. */
export interface LoginScope {
  /** The canonical scope string. */
  scope: string;
  deviceId: string;
}

/** Every conformance op (FORMAT.md "Operations"). */
export type Op =
  | "scope.parse"
  | "scope.satisfies"
  | "scope.normalize"
  | "device.validate"
  | "device.generate"
  | "client.login_scope"
  | "grant.decide"
  | "request.decide"
  | "client.interpret"
  | "account.url"
  | "redirect_uri.check"
  | "client_metadata.validate"
  | "server_metadata.validate";

/** Fields every op input may carry. */
export interface OpInputBase {
  policy?: PolicyInput;
}

/** JSON as `evaluate` takes and returns it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The decision of `request.decide`. */
export type DecisionKind = "allow" | "deny" | "uia" | "step_up";

/** A token as `request.decide` sees it (DECISIONS.md "Input"). */
export interface RequestToken {
  active?: boolean;
  scope?: string;
  device_id?: string;
  auth_time?: number;
  acr?: string;
  appservice?: boolean;
  guest?: boolean;
}

/** Request facts for `request.decide` (DECISIONS.md "Input"). */
export interface RequestContext {
  cross_signing?: { master_key_exists?: boolean; keys_identical?: boolean; reset_approved_until?: number };
  room?: { guest_access: "can_join" | "forbidden" | null };
  body?: { type?: string; inhibit_login?: boolean; [key: string]: Json | undefined };
  account_management_uri?: string;
  uia_session?: string;
}

/** The client's next step from `client.interpret`. */
export type ClientAction = "open_url" | "reauthenticate" | "refresh" | "logout" | "retry" | "fail";

/** Response headers for `interpret`: names compared case-insensitively, a repeated header as an array. */
export type ResponseHeaders = { [name: string]: string | string[] };

/** What `interpret` (`client.interpret`) tells a client to do, by `action`. */
export type InterpretResult =
  /** Open `url` in a browser, then retry with the UIA `session` (MSC4312). */
  | { action: "open_url"; url: string; session: string | null }
  /** Start a new authorization request with these values (RFC 9470, MSC4363). */
  | { action: "reauthenticate"; acr_values: string | null; max_age: number | null; scope: string | null }
  /** Refresh the access token (`soft_logout`). */
  | { action: "refresh" }
  /** The session is gone: sign out locally. */
  | { action: "logout" }
  /** Retry later, after `retry_after_ms` when the server said. */
  | { action: "retry"; retry_after_ms: number | null }
  /** Nothing to do but report the error. */
  | { action: "fail" };

/** Inputs and results of every op, by name. */
export interface OpTypes {
  "scope.parse": {
    input: OpInputBase & { scope: string };
    result: {
      tokens: string[];
      canonical: string;
      api: "full" | "none";
      device: string | null;
      synapse_admin: boolean;
      namespaces: Namespace[];
      kinds: { [token: string]: TokenKind };
    };
  };
  "scope.satisfies": {
    input: OpInputBase & { granted: string; required: string };
    result: SatisfiesResult;
  };
  "scope.normalize": {
    input: OpInputBase & { scope: string; form: Form };
    result: { canonical: string };
  };
  "device.validate": {
    input: OpInputBase & { device_id: string };
    result: Record<string, never>;
  };
  "device.generate": {
    input: OpInputBase & { entropy: string; length?: number };
    result: { device_id: string };
  };
  "client.login_scope": {
    input: OpInputBase & { device_id?: string; entropy?: string; form?: Form; extra?: string[] };
    result: { scope: string; device_id: string };
  };
  "grant.decide": {
    input: OpInputBase & {
      scope: string;
      grant_type: GrantType;
      user?: { admin?: boolean };
      client?: { admin?: boolean };
      entropy?: string;
    };
    result: {
      allowed: boolean;
      violations: string[];
      /** Each violation code to the requested tokens it concerns, sorted (FORMAT.md v4). */
      violation_tokens: { [code: string]: string[] };
      granted: string | null;
      device: string | null;
    };
  };
  "request.decide": {
    input: OpInputBase & {
      method: string;
      path: string;
      query?: { [name: string]: string };
      token?: RequestToken;
      context?: RequestContext;
      now?: number;
      entropy?: string;
    };
    result: {
      decision: DecisionKind;
      status: number | null;
      errcode: string | null;
      headers: { [name: string]: string };
      body: Json;
      endpoint: string | null;
      device: string | null;
      synapse_admin: boolean;
      account_url: string | null;
      consumes_approval?: boolean;
      /** The DECISIONS.md pipeline step that answered, 0 to 18; never in the HTTP answer. */
      step: number;
      /** The stable reason code of the rule that answered (README "Why this answer"). */
      reason: string;
      /** The policy setting that decided (`step_up[0]`, `unknown_endpoints`...), or `null`. */
      setting: string | null;
    };
  };
  "client.interpret": {
    input: OpInputBase & { status: number; headers?: ResponseHeaders; body?: { [field: string]: Json } };
    result: InterpretResult;
  };
  "account.url": {
    input: OpInputBase & { account_management_uri: string; action: string; device_id?: string; supported?: string[] };
    result: { url: string };
  };
  "redirect_uri.check": {
    input: OpInputBase & {
      redirect_uri: string;
      client_uri: string;
      application_type: ApplicationType;
      stage?: "registration" | "authorization";
      registered?: string[];
    };
    result: { valid: boolean; violation: string | null };
  };
  "client_metadata.validate": {
    input: OpInputBase & { metadata: Json };
    result: { valid: boolean; violations: string[] };
  };
  "server_metadata.validate": {
    input: OpInputBase & { metadata: Json };
    result: { valid: boolean; violations: string[] };
  };
}

/**
 * Runs a conformance op on a plain input object (FORMAT.md shape) and returns its plain result
 * object. Throws a `MatrixAuthzError`: `op.unknown`, `input.invalid`, or the op's own code.
 */
export function evaluate<O extends Op>(op: O, input: OpTypes[O]["input"]): OpTypes[O]["result"];
/**
 * Any other op name (a `string` read from a vector file, or an op newer than these types) and
 * any input; the result is plain JSON. A known op name always takes the typed form above.
 */
export function evaluate<S extends string>(op: S extends Op ? never : S, input: unknown): Json;

/** What `initAsync` accepts in a browser: the `.wasm` location, its bytes, or a compiled module. */
export type InitInput = string | URL | Request | Response | BufferSource | WebAssembly.Module;

/**
 * Loads the WebAssembly module. Required once before any other call in browsers and bundlers
 * (the default location is the `.wasm` beside the package's JavaScript); in node the module is
 * loaded on import and this resolves at once. Safe to call more than once.
 */
export function initAsync(input?: InitInput | Promise<InitInput>): Promise<void>;

/** The request of `decide` / `Policy.decide` (DECISIONS.md "Input"). */
export type DecideRequest = Omit<OpTypes["request.decide"]["input"], "policy">;
/** The decision of `decide` / `Policy.decide` (DECISIONS.md "Output"). */
export type DecideResult = OpTypes["request.decide"]["result"];
/** `compare`: each policy's result, in order, and the result fields on which they differ. */
export interface Comparison {
  results: DecideResult[];
  differences: Array<keyof DecideResult>;
}

/** The OAuth grant a token is requested through. */
export type GrantType = "authorization_code" | "urn:ietf:params:oauth:grant-type:device_code" | "client_credentials";
/** Options of `decideGrant`. */
export interface GrantOptions {
  /** The signed-in user may request admin scopes. */
  userAdmin?: boolean;
  /** The client may request `urn:mas:admin` for itself (`client_credentials`). */
  clientAdmin?: boolean;
  /** Bytes to derive a device id from when the request names none. */
  entropy?: Uint8Array;
}
/** The authorization server's answer (`grant.decide`). */
export type GrantDecision = OpTypes["grant.decide"]["result"];

/**
 * `client.interpret`: what a client does about an error response, from its `status` (400 to
 * 599; anything else throws `input.invalid`), its `headers` and its JSON `body`. Narrow the
 * result on `action`.
 */
export function interpret(status: number, headers?: ResponseHeaders | null, body?: { [field: string]: Json } | null): InterpretResult;

/** A client's kind for its redirect URIs. */
export type ApplicationType = "web" | "native";
/** When a redirect URI is checked. */
export type RedirectStage = "registration" | "authorization";
/** The result of `checkRedirectUri`. */
export type RedirectCheck = OpTypes["redirect_uri.check"]["result"];
/** The result of the metadata validators. */
export type MetadataReport = OpTypes["client_metadata.validate"]["result"];

/** `grant.decide` under the `default` preset: may a token with `scope` be issued through `grantType`? */
export function decideGrant(scope: string, grantType: GrantType, options?: GrantOptions): GrantDecision;

export interface Policy {
  /** `grant.decide` under this policy: may a token with `scope` be issued through `grantType`? */
  decideGrant(scope: string, grantType: GrantType, options?: GrantOptions): GrantDecision;
}

/**
 * The account-management URL (MSC4191) for `action` and `deviceId`; with the server's
 * `supported` list, a stable action it lacks falls back to its unstable twin.
 */
export function accountUrl(base: string, action: string, deviceId?: string | null, supported?: string[] | null): string;

/**
 * Checks one redirect URI of the client whose `client_uri` is `clientUri`:
 * `{valid, violation}`. A `clientUri` that is not a valid base is `input.invalid`.
 */
export function checkRedirectUri(
  redirectUri: string,
  clientUri: string,
  applicationType: ApplicationType,
  stage?: RedirectStage | null,
  registered?: string[] | null,
): RedirectCheck;

/**
 * A `length`-character id (default 10) drawn from `entropy`; throws `entropy.insufficient`
 * when the bytes run out, `input.invalid` for a length outside 1 to 255.
 */
export function generateDeviceId(entropy: Uint8Array, length?: number | null): string;

/**
 * A fresh id (default 10 characters) from the platform's secure random source
 * (`crypto.getRandomValues`).
 */
export function randomDeviceId(length?: number | null): string;
