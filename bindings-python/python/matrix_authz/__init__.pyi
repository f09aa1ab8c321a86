"""Type stubs of matrix_authz, the PyO3 binding of the matrix-authz engine."""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, Optional, Protocol, Union, final

__all__ = [
    "AuthzError",
    "ClientAction",
    "Decision",
    "Grant",
    "InsufficientEntropy",
    "InvalidDeviceId",
    "InvalidInput",
    "InvalidPolicy",
    "InvalidScope",
    "LoginScope",
    "MetadataReport",
    "Policy",
    "RedirectCheck",
    "Scope",
    "ScopeToken",
    "UnknownOperation",
    "UnsupportedAction",
    "account_url",
    "check_redirect_uri",
    "decide_grant",
    "evaluate",
    "evaluate_json",
    "generate_device_id",
    "interpret_response",
    "login_scope",
    "operations",
    "random_device_id",
    "token_kind",
    "validate_client_metadata",
    "validate_device_id",
    "validate_server_metadata",
]

# The names below, up to `Request`, exist for type checkers only (import them under
# `typing.TYPE_CHECKING`): at run time the engine takes and gives plain strings and dicts.

# Closed sets of names, as the engine spells them.
PresetName = Literal["default", "mas", "synapse"]
FormName = Literal["stable", "unstable", "both"]
NamespaceName = Literal["stable", "unstable"]
TokenKindName = Literal["api", "device", "openid", "email", "synapse_admin", "mas_admin", "mas_graphql", "unknown"]
DecisionName = Literal["allow", "deny", "uia", "step_up"]
GrantTypeName = Literal[
    "authorization_code",
    "urn:ietf:params:oauth:grant-type:device_code",
    "client_credentials",
]
ApplicationTypeName = Literal["web", "native"]
RedirectStageName = Literal["registration", "authorization"]
ClientActionName = Literal["open_url", "reauthenticate", "refresh", "logout", "retry", "fail"]
OpName = Literal[
    "scope.parse",
    "scope.satisfies",
    "scope.normalize",
    "device.validate",
    "device.generate",
    "client.login_scope",
    "grant.decide",
    "request.decide",
    "client.interpret",
    "account.url",
    "redirect_uri.check",
    "client_metadata.validate",
    "server_metadata.validate",
]
# A JSON value as Python holds it.
Json = Any
# A request to `Policy.decide`, in the shape of the `request.decide` op's input (FORMAT.md).
Request = dict[str, Any]

class HeaderItems(Protocol):
    """Headers with `items()` giving (name, value) pairs: a dict, `http.client.HTTPMessage`, a
    multidict, Starlette's `Headers`."""

    def items(self) -> Iterable[tuple[str, Any]]: ...

class AuthzError(ValueError):
    """A failure of the engine. `code` is the stable contract (`scope.invalid_char`); `message`
    says what is wrong for people and may change. `str(error)` is `"CODE: MESSAGE"`."""

    code: str
    message: str
    path: Optional[str]
    """A JSON pointer (RFC 6901) at the offending place, where the error has one: into the
    request or op input for `input.invalid` (`/token/scope`), into the policy document for
    `policy.invalid` (`/step_up/1/max_age`); `None` otherwise."""

class InvalidScope(AuthzError):
    """`scope.*`: the scope string breaks the grammar or a limit."""

class InvalidDeviceId(AuthzError):
    """`device_id.*`: the device id breaks the policy's device rules."""

class InsufficientEntropy(AuthzError):
    """`entropy.*`: the entropy bytes ran out, or the system's random source failed."""

class UnsupportedAction(AuthzError):
    """`account.*`: the server supports no form of the account-management action."""

class InvalidPolicy(AuthzError):
    """`policy.*`: a policy document that does not describe a policy, or an unknown preset."""

class InvalidInput(AuthzError):
    """`input.invalid`: a missing or wrong-typed field, or text that is not JSON."""

class UnknownOperation(AuthzError):
    """`op.unknown`: `evaluate` was given an operation the engine does not know."""

@final
class Policy:
    """A policy: `Policy()` is the `default` preset (the spec's rules), `Policy("mas")` a preset,
    `Policy({...})` or `Policy('{...}')` a policy document (FORMAT.md "Policy documents").
    Immutable; share one between threads and requests."""

    def __init__(self, policy: Union[PresetName, str, dict[str, Json], None] = None) -> None: ...
    @property
    def preset(self) -> PresetName:
        """The preset the policy starts from."""
    def decide(self, request: Optional[Request] = None, /, **fields: Any) -> Decision:
        """`request.decide` (DECISIONS.md) on a request given as one dict or as keyword
        arguments: `method`, `path`, `token` (`active`, `scope`, `device_id`, `auth_time`, `acr`,
        `appservice`, `guest`), `context`, `now`, `query`, `entropy` (hex)."""
    def facts(self, method: str, path: str) -> frozenset[str]:
        """What `decide` reads for this request line beyond the token, named by where it goes in
        the request: `context.body`, `query.kind`, `context.room`, `context.cross_signing`,
        `context.account_management_uri`, `now`. Fetch only these."""
    def decide_grant(
        self,
        scope: str,
        grant_type: GrantTypeName,
        *,
        user_admin: bool = False,
        client_admin: bool = False,
        entropy: Optional[bytes] = None,
    ) -> Grant:
        """`grant.decide` under this policy."""

@final
class Scope:
    """A parsed scope: distinct tokens in canonical (byte) order. Immutable and hashable; equal
    when the canonical strings are equal; `str(scope)` is the canonical string."""

    def __init__(self, text: str, policy: Optional[Policy] = None) -> None: ...
    @staticmethod
    def empty() -> Scope:
        """The scope with no tokens."""
    @property
    def tokens(self) -> tuple[str, ...]:
        """The distinct tokens in canonical order."""
    @property
    def parts(self) -> list[ScopeToken]:
        """Every token with its meaning, in canonical order."""
    @property
    def has_api(self) -> bool:
        """Whether the full client-server API token is present, in either namespace."""
    @property
    def device_id(self) -> Optional[str]:
        """The device id the scope names."""
    @property
    def synapse_admin(self) -> bool:
        """Whether `urn:synapse:admin:*` is present."""
    @property
    def namespaces(self) -> list[NamespaceName]:
        """The namespaces of the API and device tokens, stable first."""
    def covers(self, token: str) -> bool:
        """Whether this (granted) scope covers `token`, itself or its stable or unstable twin."""
    def satisfies(self, required: Union[Scope, str]) -> bool:
        """Whether this (granted) scope covers every token of `required` (a string is parsed
        under the `default` preset; an empty string is the empty scope)."""
    def missing(self, required: Union[Scope, str]) -> list[str]:
        """The tokens of `required` this (granted) scope does not cover, in canonical order."""
    def normalize(self, form: FormName) -> Scope:
        """The scope with its API and device tokens rewritten into `form`."""
    def __contains__(self, token: object, /) -> bool: ...
    def __iter__(self) -> Iterator[str]: ...
    def __len__(self) -> int: ...
    def __bool__(self) -> bool: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ScopeToken:
    """One token of a scope and what it means."""

    @property
    def token(self) -> str: ...
    @property
    def kind(self) -> TokenKindName: ...
    @property
    def namespace(self) -> Optional[NamespaceName]:
        """`stable` or `unstable` for an API or device token."""
    @property
    def device_id(self) -> Optional[str]:
        """The id a device token names."""
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Decision:
    """The decision on one request and the exact HTTP answer (DECISIONS.md "Output")."""

    @property
    def decision(self) -> DecisionName: ...
    @property
    def allowed(self) -> bool:
        """Whether the request may go through (`decision == "allow"`)."""
    @property
    def status(self) -> Optional[int]:
        """The HTTP status to answer with; `None` on allow."""
    @property
    def errcode(self) -> Optional[str]:
        """The Matrix errcode; `None` on allow and UIA."""
    @property
    def headers(self) -> dict[str, str]:
        """The headers to send, lower-case names; a new dict on every read."""
    @property
    def body(self) -> Optional[dict[str, Json]]:
        """The JSON body to send; `None` on allow; a new dict on every read."""
    @property
    def endpoint(self) -> Optional[str]:
        """The endpoint's operation id; `None` for an unknown or admin path and a preflight."""
    @property
    def device(self) -> Optional[str]:
        """The device of the request, once the token has been read."""
    @property
    def synapse_admin(self) -> bool:
        """Whether the token carries `urn:synapse:admin:*`."""
    @property
    def account_url(self) -> Optional[str]:
        """The account-management URL offered instead of the endpoint."""
    @property
    def consumes_approval(self) -> Optional[bool]:
        """From the cross-signing step only: whether the host must close the approval window."""
    @property
    def step(self) -> int:
        """The DECISIONS.md pipeline step that answered, 0 to 18; never in the HTTP answer."""
    @property
    def reason(self) -> str:
        """The stable reason code of the rule that answered (README "Why this answer")."""
    @property
    def setting(self) -> Optional[str]:
        """The policy setting that decided (`step_up[0]`, ...), `None` where the spec did."""
    def to_dict(self) -> dict[str, Json]:
        """The result in the op's output shape (what `evaluate("request.decide", ...)` gives)."""

@final
class Grant:
    """The authorization server's answer to a token request."""

    @property
    def allowed(self) -> bool: ...
    @property
    def violations(self) -> tuple[str, ...]:
        """The violation codes (`grant.*`), sorted, one per code; empty exactly when allowed."""
    @property
    def violation_tokens(self) -> dict[str, list[str]]:
        """Each violation code to the requested tokens it concerns, sorted; `{}` when allowed."""
    @property
    def granted(self) -> Optional[Scope]:
        """The scope to issue (canonical); `None` when refused."""
    @property
    def device(self) -> Optional[str]:
        """The device the token is bound to."""

@final
class LoginScope:
    """A login scope and the device id it names."""

    @property
    def scope(self) -> Scope: ...
    @property
    def device_id(self) -> str: ...

@final
class ClientAction:
    """What a client does about an error response; the fields of other actions are `None`."""

    @property
    def action(self) -> ClientActionName: ...
    @property
    def url(self) -> Optional[str]:
        """`open_url`: the page where the user approves the action."""
    @property
    def session(self) -> Optional[str]:
        """`open_url`: the UIA session to retry the request with."""
    @property
    def acr_values(self) -> Optional[str]:
        """`reauthenticate`: the acceptable authentication context classes, space-separated."""
    @property
    def max_age(self) -> Optional[int]:
        """`reauthenticate`: the most seconds since the last active authentication."""
    @property
    def scope(self) -> Optional[str]:
        """`reauthenticate`: the scope to request (`None`: the login scope)."""
    @property
    def retry_after_ms(self) -> Optional[int]:
        """`retry`: how long to wait, when the server said."""

@final
class RedirectCheck:
    """The answer of a redirect URI check."""

    @property
    def valid(self) -> bool: ...
    @property
    def violation(self) -> Optional[str]:
        """The first rule the URI breaks (`redirect_uri.scheme`)."""

@final
class MetadataReport:
    """The answer of a metadata validation."""

    @property
    def valid(self) -> bool: ...
    @property
    def violations(self) -> tuple[str, ...]:
        """Every violation code, sorted; empty exactly when valid."""

def token_kind(token: str) -> TokenKindName:
    """What one scope token means."""

def validate_device_id(device_id: str, policy: Optional[Policy] = None) -> str:
    """Checks `device_id` against the policy's device rules and returns it; raises
    `InvalidDeviceId`."""

def generate_device_id(entropy: bytes, length: int = 10) -> str:
    """A `length`-character id (1 to 255) drawn from `entropy`; the same bytes give the same id
    in every runtime. Raises `InsufficientEntropy` when the bytes run out."""

def random_device_id(length: int = 10) -> str:
    """A fresh `length`-character id (1 to 255) from the system's secure random source."""

def decide_grant(
    scope: str,
    grant_type: GrantTypeName,
    *,
    user_admin: bool = False,
    client_admin: bool = False,
    entropy: Optional[bytes] = None,
    policy: Optional[Policy] = None,
) -> Grant:
    """`grant.decide`: may a token with `scope` be issued through `grant_type`?"""

def login_scope(
    *,
    device_id: Optional[str] = None,
    entropy: Optional[bytes] = None,
    form: FormName = "stable",
    extra: Sequence[str] = (),
    policy: Optional[Policy] = None,
) -> LoginScope:
    """The scope a client requests at login: the API and device tokens in `form` plus `extra`.
    The device is `device_id`, else drawn from `entropy`, else from the system's random source."""

def interpret_response(
    status: int,
    headers: Union[Mapping[str, Union[str, Sequence[str]]], HeaderItems, Iterable[tuple[str, str]], None] = None,
    body: Union[Mapping[str, Json], str, bytes, None] = None,
) -> ClientAction:
    """What a client does about an error response (`client.interpret`)."""

def account_url(
    account_management_uri: str,
    action: str,
    device_id: Optional[str] = None,
    supported: Sequence[str] = (),
) -> str:
    """The account-management URL (MSC4191) for `action`."""

def check_redirect_uri(
    redirect_uri: str,
    client_uri: str,
    application_type: ApplicationTypeName = "web",
    *,
    stage: RedirectStageName = "registration",
    registered: Sequence[str] = (),
) -> RedirectCheck:
    """Checks one redirect URI of a client (RFC 7591, RFC 8252, the Matrix spec)."""

def validate_client_metadata(document: Union[Mapping[str, Json], str]) -> MetadataReport:
    """Validates a client metadata document (RFC 7591): a dict, or JSON text."""

def validate_server_metadata(document: Union[Mapping[str, Json], str]) -> MetadataReport:
    """Validates an authorization server metadata document (RFC 8414): a dict, or JSON text."""

def evaluate(op: str, input: Union[Mapping[str, Json], str]) -> Json:
    """Runs a conformance op (FORMAT.md "Operations") on its input and returns its result."""

def evaluate_json(op: str, input_json: str) -> str:
    """`evaluate` on JSON text, never raising: `{"ok": ...}` or `{"error": {"code", "message"}}`."""

def operations() -> list[OpName]:
    """Every op `evaluate` knows, in the order of the contract."""
