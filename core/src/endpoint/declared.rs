//! Endpoints a host declares beyond the catalogue (policy setting `endpoints`, DECISIONS.md v4
//! "Path matching"), and the route lookup that consults them.
//!
//! A declaration is either a new endpoint (its own operation id, token and guest flag) or an
//! exact redeclaration of a built-in one (same method and template, parameter names aside),
//! which may only make the built-in's token stricter. [`check`] enforces the contract's rules
//! when a policy is loaded, so that no declaration can switch a rule off: templates start only
//! where the contract lets them, never overlap a built-in endpoint of the same method (under any
//! spelling of either) nor each other, never reach an admin path, and never redeclare an endpoint
//! that a rule of steps 1-3, 8 or 13-15 names. [`route`] then finds what a request line names:
//! admin paths first, then the built-in catalogue, then the declared endpoints; and
//! [`Lookup::operation`] what the policy makes of it (a redeclared token). Neither allocates.

use super::matching::SYNAPSE_ADMIN;
use super::{
    ENDPOINTS, Endpoint, Guest, Lookup, PREFIX_SPELLINGS, Rule, TokenRequirement, lookup, spellings, template_spellings,
};
use crate::policy::PolicyError;

/// The most endpoints a policy may declare.
pub const MAX_DECLARED: usize = 256;
/// The longest declared template, in bytes.
pub const MAX_TEMPLATE_BYTES: usize = 512;
/// The most parameters a declared template may have.
pub const MAX_DECLARED_PARAMS: usize = 4;
/// The longest declared method name, in bytes.
pub const MAX_METHOD_BYTES: usize = 32;
/// The longest declared operation id, in bytes.
pub const MAX_OPERATION_ID_BYTES: usize = 128;

/// Where a declared template may start and still get the built-ins' spellings (`r0`,
/// `unstable`, media `r0` and `v1`): the targets of the prefix spellings.
const VERSIONED: [&str; 3] = ["/_matrix/client/v3/", "/_matrix/client/v1/", "/_matrix/media/v3/"];
/// Where an MSC- or vendor-prefixed template starts: a namespace with a dot follows.
const UNSTABLE: &str = "/_matrix/client/unstable/";

/// Whether a rule of steps 1-3, 8 or 13-15 names `endpoint` (the catalogue's columns those rules
/// read): no policy may redeclare it.
fn protected(endpoint: &Endpoint) -> bool {
    // Steps 1, 3, 13, 14 and 15 (the `rule` column), 2 (`legacy_only`) and 8 (the token).
    endpoint.rule != Rule::None || endpoint.legacy_only || endpoint.token == TokenRequirement::Appservice
}

/// One entry of the policy setting `endpoints`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeclaredEndpoint {
    /// The method: 1 to 32 upper-case ASCII letters, not `HEAD` (decided as `GET`) or `OPTIONS`
    /// (always allowed).
    pub method: String,
    /// The path template; `{name}` is one non-empty segment.
    pub path: String,
    /// The operation id: required for a new endpoint; absent or the built-in's for a
    /// redeclaration.
    pub operation_id: Option<String>,
    /// The token it needs.
    pub token: TokenRequirement,
    /// Whether guests may call it (new endpoints only; absent means no).
    pub guest: Option<bool>,
}

impl DeclaredEndpoint {
    /// A new endpoint.
    pub fn new(method: &str, path: &str, operation_id: &str, token: TokenRequirement) -> Self {
        Self {
            method: method.to_owned(),
            path: path.to_owned(),
            operation_id: Some(operation_id.to_owned()),
            token,
            guest: None,
        }
    }

    /// The built-in endpoint this entry redeclares, if its method and template are a built-in's.
    pub fn redeclares(&self) -> Option<&'static Endpoint> {
        ENDPOINTS.iter().find(|e| e.method.name() == self.method && same_template(e.path, &self.path))
    }

    /// Whether this entry names the request's `method` (`HEAD` is decided as `GET`) and `path`,
    /// under any of its spellings.
    fn matches(&self, method: &str, path: &str) -> bool {
        let method = if method == "HEAD" { "GET" } else { method };
        if self.method != method {
            return false;
        }
        if template_matches(&self.path, path) {
            return true;
        }
        PREFIX_SPELLINGS.iter().any(|(spelling, target)| {
            match (self.path.strip_prefix(target), path.strip_prefix(spelling)) {
                (Some(template), Some(rest)) => template_matches(template, rest),
                _ => false,
            }
        })
    }
}

/// An endpoint as a policy sees it: a built-in one (with its token as the policy redeclared it)
/// or one the policy declares. Small and `Copy`: the pipeline passes it around by value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation<'a> {
    /// The built-in endpoint, `None` for a declared one.
    pub builtin: Option<&'static Endpoint>,
    /// The declaration of a new endpoint, `None` for a built-in one.
    pub declared: Option<&'a DeclaredEndpoint>,
    /// The token it needs under the policy.
    pub token: TokenRequirement,
}

impl<'a> Operation<'a> {
    /// A built-in endpoint as the catalogue has it.
    #[inline]
    pub fn builtin(endpoint: &'static Endpoint) -> Self {
        Self { builtin: Some(endpoint), declared: None, token: endpoint.token }
    }

    /// A declared new endpoint.
    pub fn declared(endpoint: &'a DeclaredEndpoint) -> Self {
        Self { builtin: None, declared: Some(endpoint), token: endpoint.token }
    }

    /// The operation id results report (the first of merged built-in ids).
    #[inline]
    pub fn operation_id(&self) -> &'a str {
        match (self.builtin, self.declared) {
            (Some(endpoint), _) => endpoint.operation_id(),
            (None, Some(d)) => d.operation_id.as_deref().unwrap_or_default(),
            (None, None) => "",
        }
    }

    /// Whether guests may call it (the guest list, before the policy's `guest_endpoints`).
    pub fn guest(&self) -> Guest {
        match (self.builtin, self.declared) {
            (Some(endpoint), _) => endpoint.guest,
            (None, Some(d)) if d.guest == Some(true) => Guest::Yes,
            _ => Guest::No,
        }
    }

    /// Whether its request body takes the UIA `auth` object (never for a declared endpoint).
    pub fn uia(&self) -> bool {
        self.builtin.is_some_and(|e| e.uia)
    }

    /// Whether it is one of MSC4484's Server Administration endpoints (the catalogue's
    /// `server_administration` column; never a declared endpoint).
    #[inline]
    pub fn is_server_administration(&self) -> bool {
        self.builtin.is_some_and(|e| e.server_administration)
    }

    /// Whether `id` names it (either id of a merged built-in).
    #[inline]
    pub fn is_named(&self, id: &str) -> bool {
        match self.builtin {
            Some(endpoint) => endpoint.operation_ids.contains(&id),
            None => self.operation_id() == id,
        }
    }

    /// Whether it answers anonymous callers without UIA (token `none`, or `optional` and no UIA):
    /// the endpoints DECISIONS.md step 12 lets guests through to.
    pub fn answers_anonymous(&self) -> bool {
        match self.token {
            TokenRequirement::None => true,
            TokenRequirement::Optional => !self.uia(),
            TokenRequirement::Required | TokenRequirement::Appservice => false,
        }
    }
}

impl<'a> Lookup<'a> {
    /// The operation this lookup found, under the policy's declared endpoints `declared` (which
    /// may redeclare a built-in's token); `None` for an admin or unknown path.
    #[inline]
    pub fn operation(&self, declared: &'a [DeclaredEndpoint]) -> Option<Operation<'a>> {
        match self {
            Self::Known(endpoint, _) => {
                let mut operation = Operation::builtin(endpoint);
                if let Some(d) = declared
                    .iter()
                    .find(|d| d.method == endpoint.method.name() && same_template(endpoint.path, &d.path))
                {
                    operation.token = d.token;
                }
                Some(operation)
            }
            Self::Declared(d) => Some(Operation::declared(d)),
            Self::Admin | Self::Unknown => None,
        }
    }
}

/// The entry of `declared` that redeclares the built-in `endpoint` (same method and template,
/// parameter names aside), if any.
pub fn redeclaration<'a>(declared: &'a [DeclaredEndpoint], endpoint: &Endpoint) -> Option<&'a DeclaredEndpoint> {
    declared.iter().find(|d| d.method == endpoint.method.name() && same_template(endpoint.path, &d.path))
}

/// Finds what `method` and the raw `path` name under the endpoints `declared` (the policy's
/// setting `endpoints`): admin paths first, then the built-in catalogue under any spelling, then
/// the declared endpoints ([`Lookup::Declared`]). [`Lookup::operation`] gives the token a
/// redeclaration set. Allocates nothing.
#[inline]
pub fn route<'a>(declared: &'a [DeclaredEndpoint], method: &str, path: &'a str) -> Lookup<'a> {
    let mut found = lookup(method, path);
    // A redeclaration matches only paths the built-in lookup found: what matches here is new.
    if matches!(found, Lookup::Unknown)
        && let Some(d) = declared.iter().find(|d| d.matches(method, path))
    {
        found = Lookup::Declared(d);
    }
    found
}

/// The segments of a template or path (the first, before the leading `/`, is empty).
fn segments(text: &str) -> impl Iterator<Item = &str> {
    text.split('/')
}

fn is_param(segment: &str) -> bool {
    segment.len() > 2 && segment.starts_with('{') && segment.ends_with('}')
}

/// Whether two templates are the same, parameter names aside.
fn same_template(a: &str, b: &str) -> bool {
    let (mut a, mut b) = (segments(a), segments(b));
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x == y || (is_param(x) && is_param(y)) => {}
            _ => return false,
        }
    }
}

/// Whether the raw `path` matches the declared `template`: segment by segment, a parameter one
/// non-empty segment.
fn template_matches(template: &str, path: &str) -> bool {
    let (mut t, mut p) = (segments(template), segments(path));
    loop {
        match (t.next(), p.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x == y || (is_param(x) && !y.is_empty()) => {}
            _ => return false,
        }
    }
}

/// One segment of a template as a pattern: a literal, or a parameter, which the built-ins'
/// `{stateKey}` at the end also lets be empty or left out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Piece<'t> {
    Literal(&'t str),
    Param,
}

/// The segment patterns a template matches: a built-in's trailing `{stateKey}` gives three.
fn patterns(template: &str, builtin: bool) -> Vec<Vec<Piece<'_>>> {
    let pieces: Vec<Piece<'_>> =
        segments(template).map(|s| if is_param(s) { Piece::Param } else { Piece::Literal(s) }).collect();
    let mut out = vec![pieces.clone()];
    if builtin && template.ends_with("/{stateKey}") {
        let mut empty = pieces.clone();
        if let Some(last) = empty.last_mut() {
            *last = Piece::Literal("");
        }
        out.push(empty);
        out.push(pieces.get(..pieces.len().saturating_sub(1)).unwrap_or_default().to_vec());
    }
    out
}

/// Whether some path matches both segment patterns.
fn overlap(a: &[Piece<'_>], b: &[Piece<'_>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|pair| match pair {
            (Piece::Literal(x), Piece::Literal(y)) => x == y,
            (Piece::Param, Piece::Literal(s)) | (Piece::Literal(s), Piece::Param) => !s.is_empty(),
            (Piece::Param, Piece::Param) => true,
        })
}

fn invalid(at: usize, what: &str) -> PolicyError {
    PolicyError::invalid(format!("`endpoints[{at}]`: {what}")).at(["endpoints".to_owned(), at.to_string()])
}

/// Checks a method name: 1 to 32 upper-case ASCII letters, not `HEAD` or `OPTIONS`.
fn check_method(method: &str) -> Result<(), &'static str> {
    if method.is_empty() || method.len() > MAX_METHOD_BYTES || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err("`method` must be 1 to 32 upper-case ASCII letters");
    }
    if method == "HEAD" || method == "OPTIONS" {
        return Err("`HEAD` is decided as `GET` and `OPTIONS` is always allowed: neither may be declared");
    }
    Ok(())
}

/// Checks an operation id: 1 to 128 characters of `A-Z a-z 0-9 _ . -`.
pub(crate) fn check_operation_id(id: &str) -> Result<(), &'static str> {
    let valid = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-');
    if id.is_empty() || id.len() > MAX_OPERATION_ID_BYTES || !id.bytes().all(valid) {
        return Err("`operation_id` must be 1 to 128 characters of A-Z, a-z, 0-9, `_`, `.` and `-`");
    }
    Ok(())
}

/// A literal segment's characters: RFC 3986 `pchar` without percent-encoding.
fn literal_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b)
}

/// Checks a template's syntax and where it starts (DECISIONS.md v4 "Path matching").
fn check_template(template: &str) -> Result<(), &'static str> {
    if template.len() > MAX_TEMPLATE_BYTES {
        return Err("`path` is longer than 512 bytes");
    }
    let Some(rest) = template.strip_prefix('/') else { return Err("`path` must start with `/`") };
    let pieces: Vec<&str> = rest.split('/').collect();
    let mut params = 0;
    for (at, piece) in pieces.iter().enumerate() {
        if is_param(piece) {
            let name = piece.get(1..piece.len() - 1).unwrap_or_default();
            if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                return Err("a parameter is a whole segment `{name}`, its name of A-Z, a-z, 0-9 and `_`");
            }
            params += 1;
        } else if piece.is_empty() {
            if at + 1 != pieces.len() {
                return Err("`path` has an empty segment (only a trailing slash may leave one)");
            }
        } else if !piece.bytes().all(literal_char) {
            return Err(
                "a parameter is a whole segment `{name}`, its name of A-Z, a-z, 0-9 and `_`; a literal segment uses only RFC 3986 path characters without `%`",
            );
        }
    }
    if params > MAX_DECLARED_PARAMS {
        return Err("`path` has more than 4 parameters");
    }
    let after = |prefix: &str| template.strip_prefix(prefix).is_some_and(|rest| rest.split('/').any(|s| !s.is_empty()));
    if VERSIONED.iter().any(|prefix| after(prefix)) {
        return Ok(());
    }
    if let Some(rest) = template.strip_prefix(UNSTABLE) {
        let (namespace, tail) = rest.split_once('/').unwrap_or((rest, ""));
        if !is_param(namespace) && namespace.contains('.') && tail.split('/').any(|s| !s.is_empty()) {
            return Ok(());
        }
        return Err(
            "an unstable template needs a namespace with a dot (`/_matrix/client/unstable/org.example.msc1234/...`)",
        );
    }
    let first = pieces.first().copied().unwrap_or_default();
    let second = pieces.get(1).copied().unwrap_or_default();
    if first == "_matrix" {
        return Err(
            "a template under `/_matrix/` starts with `/_matrix/client/v3/`, `/_matrix/client/v1/`, `/_matrix/media/v3/` or `/_matrix/client/unstable/<namespace with a dot>/`",
        );
    }
    if first.is_empty() || is_param(first) {
        return Err("a template outside `/_matrix/` starts with a literal segment");
    }
    if first == "_synapse" && (second == "admin" || is_param(second)) {
        return Err("admin paths (`/_synapse/admin/`) cannot be declared");
    }
    Ok(())
}

/// Checks the policy setting `endpoints` against DECISIONS.md v4 "Path matching" (the first
/// offence is the error, `policy.invalid`).
pub fn check(declared: &[DeclaredEndpoint]) -> Result<(), PolicyError> {
    if declared.is_empty() {
        return Ok(());
    }
    if declared.len() > MAX_DECLARED {
        let error = PolicyError::invalid(format!("`endpoints` may declare at most {MAX_DECLARED} endpoints"));
        return Err(error.at(["endpoints"]));
    }
    // Every spelling of every template as segment patterns, built once: the overlap checks
    // below only compare them.
    let builtin_spellings = spellings();
    let builtins: Vec<(Vec<Vec<Piece<'_>>>, &Endpoint)> =
        builtin_spellings.iter().map(|(template, e)| (patterns(template, true), *e)).collect();
    let own_spellings: Vec<Vec<String>> = declared.iter().map(|d| template_spellings(&d.path).collect()).collect();
    let own: Vec<Vec<Vec<Piece<'_>>>> =
        own_spellings.iter().map(|all| all.iter().flat_map(|t| patterns(t, false)).collect()).collect();
    let overlaps = |a: &[Vec<Piece<'_>>], b: &[Vec<Piece<'_>>]| a.iter().any(|x| b.iter().any(|y| overlap(x, y)));
    let mut new_ids: Vec<&str> = Vec::new();
    for (at, (d, mine)) in declared.iter().zip(&own).enumerate() {
        check_method(&d.method).map_err(|what| invalid(at, what))?;
        // An exact redeclaration has the built-in's template, wherever that starts.
        if let Some(builtin) = d.redeclares() {
            check_redeclaration(d, builtin).map_err(|what| invalid(at, what))?;
        } else {
            check_template(&d.path).map_err(|what| invalid(at, what))?;
            if d.path.starts_with(SYNAPSE_ADMIN) {
                return Err(invalid(at, "admin paths (`/_synapse/admin/`) cannot be declared"));
            }
            let Some(id) = d.operation_id.as_deref() else {
                return Err(invalid(at, "a new endpoint needs an `operation_id`"));
            };
            check_operation_id(id).map_err(|what| invalid(at, what))?;
            if super::by_operation_id(id).is_some() || new_ids.contains(&id) {
                return Err(invalid(at, "its `operation_id` is already taken"));
            }
            new_ids.push(id);
            let same_method = builtins.iter().filter(|(_, e)| e.method.name() == d.method);
            if let Some((_, e)) = same_method.into_iter().find(|(theirs, _)| overlaps(mine, theirs)) {
                let what = format!(
                    "`{}` overlaps the built-in `{}` ({} {})",
                    d.path,
                    e.operation_id(),
                    e.method.name(),
                    e.path
                );
                return Err(invalid(at, &what));
            }
        }
        let earlier = declared
            .iter()
            .zip(&own)
            .take(at)
            .position(|(other, theirs)| other.method == d.method && overlaps(mine, theirs));
        if let Some(earlier) = earlier {
            return Err(invalid(at, &format!("`{}` overlaps `endpoints[{earlier}]`", d.path)));
        }
    }
    Ok(())
}

/// The order in which a redeclaration may make a token stricter.
fn strictness(token: TokenRequirement) -> Option<u8> {
    match token {
        TokenRequirement::None => Some(0),
        TokenRequirement::Optional => Some(1),
        TokenRequirement::Required => Some(2),
        TokenRequirement::Appservice => None,
    }
}

fn check_redeclaration(d: &DeclaredEndpoint, builtin: &'static Endpoint) -> Result<(), &'static str> {
    if protected(builtin) {
        return Err("this endpoint is named by a rule of steps 1-3, 8 or 13-15 and cannot be redeclared");
    }
    if d.operation_id.as_deref().is_some_and(|id| !builtin.operation_ids.contains(&id)) {
        return Err("a redeclaration keeps the built-in's `operation_id`");
    }
    if d.guest.is_some() {
        return Err("a redeclaration keeps the built-in's guest flag (add guests with `guest_endpoints`)");
    }
    match (strictness(builtin.token), strictness(d.token)) {
        (Some(old), Some(new)) if new >= old => Ok(()),
        _ => Err("a redeclaration may only make the token stricter (`none` -> `optional` -> `required`)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(method: &str, path: &str, id: &str) -> DeclaredEndpoint {
        DeclaredEndpoint::new(method, path, id, TokenRequirement::Required)
    }

    fn redeclare(method: &str, path: &str, token: TokenRequirement) -> DeclaredEndpoint {
        DeclaredEndpoint { operation_id: None, ..DeclaredEndpoint::new(method, path, "", token) }
    }

    fn ok(declared: &[DeclaredEndpoint]) -> bool {
        check(declared).is_ok()
    }

    #[test]
    fn where_templates_may_start() {
        assert!(ok(&[new("GET", "/_matrix/client/v3/com.example/thing/{id}", "a")]));
        assert!(ok(&[new("POST", "/_matrix/client/v1/thing", "a")]));
        assert!(ok(&[new("GET", "/_matrix/media/v3/thing", "a")]));
        assert!(ok(&[new("GET", "/_matrix/client/unstable/org.example.msc1/thing", "a")]));
        assert!(ok(&[new("GET", "/_synapse/client/pick_idp", "a")]));
        assert!(ok(&[new("PATCH", "/custom/{x}", "a")]));
        for bad in [
            "/_matrix/client/r0/thing",
            "/_matrix/client/unstable/nodot/thing",
            "/_matrix/client/unstable/org.example.msc1/",
            "/_matrix/client/versions2",
            "/_matrix/federation/v1/thing",
            "/_synapse/admin/v1/thing",
            "/_synapse/{x}/thing",
            "/{x}/thing",
            "thing",
            "/x/a{b}",
            "/x/{}",
            "/x//y",
            "/x/%41",
            "/x/{a}/{b}/{c}/{d}/{e}",
        ] {
            assert!(!ok(&[new("GET", bad, "a")]), "{bad}");
        }
        assert!(!ok(&[new("HEAD", "/x", "a")]));
        assert!(!ok(&[new("OPTIONS", "/x", "a")]));
        assert!(!ok(&[new("get", "/x", "a")]));
        assert!(!ok(&[new("GET", "/x", "a b")]));
    }

    #[test]
    fn overlaps_are_refused() {
        // With a built-in of the same method, directly or through a spelling.
        assert!(!ok(&[new("GET", "/_matrix/client/v3/{a}/joined_rooms", "a")]));
        assert!(!ok(&[new("GET", "/_matrix/client/v3/room_summary/{x}", "a")]));
        assert!(ok(&[new("POST", "/_matrix/client/v3/room_summary/{x}", "a")]));
        assert!(ok(&[new("GET", "/_matrix/client/v3/rooms/{r}/state/{t}/{k}/x", "a")]));
        // The state key may be left out: `.../state/{t}` is a path of the state-key template.
        assert!(!ok(&[new("PUT", "/_matrix/client/v3/rooms/{r}/state/{t}/", "a")]));
        // With each other, and duplicates.
        assert!(!ok(&[new("GET", "/x/{a}", "a"), new("GET", "/x/y", "b")]));
        assert!(!ok(&[new("GET", "/x", "a"), new("GET", "/x", "b")]));
        assert!(ok(&[new("GET", "/x", "a"), new("PUT", "/x", "b")]));
        assert!(!ok(&[new("GET", "/_matrix/client/v3/x", "a"), new("GET", "/_matrix/client/v1/x", "b")]));
        // Operation ids.
        assert!(!ok(&[new("GET", "/x", "sync")]));
        assert!(!ok(&[new("GET", "/x", "a"), new("PUT", "/x", "a")]));
        assert!(!ok(&[DeclaredEndpoint { operation_id: None, ..new("GET", "/x", "a") }]));
    }

    #[test]
    fn redeclarations_only_tighten() {
        assert!(ok(&[redeclare("GET", "/_matrix/client/versions", TokenRequirement::Required)]));
        assert!(ok(&[redeclare("GET", "/_matrix/client/versions", TokenRequirement::Optional)]));
        assert!(!ok(&[redeclare("GET", "/_matrix/client/versions", TokenRequirement::None)]));
        assert!(!ok(&[redeclare("GET", "/_matrix/client/versions", TokenRequirement::Appservice)]));
        assert!(ok(&[redeclare("GET", "/_matrix/client/v3/rooms/{x}/members", TokenRequirement::Required)]));
        assert!(ok(&[new("GET", "/_matrix/client/v3/rooms/{x}/members", "getMembersByRoom")]));
        assert!(!ok(&[new("GET", "/_matrix/client/v3/rooms/{x}/members", "other")]));
        let guest = DeclaredEndpoint {
            guest: Some(false),
            ..redeclare("GET", "/_matrix/client/versions", TokenRequirement::Required)
        };
        assert!(!ok(&[guest]));
        for protected in [
            ("POST", "/_matrix/client/v3/login"),
            ("POST", "/_matrix/client/v3/keys/device_signing/upload"),
            ("DELETE", "/_matrix/client/v3/devices/{d}"),
            ("POST", "/_matrix/client/v3/join/{r}"),
            ("GET", "/_matrix/static/client/login/"),
            ("POST", "/_matrix/client/v1/appservice/{a}/ping"),
        ] {
            assert!(!ok(&[redeclare(protected.0, protected.1, TokenRequirement::Required)]), "{protected:?}");
        }
    }

    #[test]
    fn the_most_declarations_check_quickly() {
        let many: Vec<DeclaredEndpoint> = (0..MAX_DECLARED)
            .map(|i| new("GET", &format!("/_matrix/client/v3/org.example/{i}/{{x}}"), &format!("op{i}")))
            .collect();
        let started = std::time::Instant::now();
        assert!(ok(&many));
        // Generous: a debug build on a loaded machine; the point is no quadratic blow-up per byte.
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
        let too_many: Vec<DeclaredEndpoint> = many.iter().cloned().chain([new("GET", "/y", "y")]).collect();
        assert!(!ok(&too_many));
    }

    #[test]
    fn routes() {
        let declared = [
            DeclaredEndpoint {
                guest: Some(true),
                ..new("GET", "/_matrix/client/v3/com.example/thing/{id}", "getThing")
            },
            redeclare("GET", "/_matrix/client/versions", TokenRequirement::Required),
        ];
        assert!(ok(&declared));
        let op = |method, path| {
            route(&declared, method, path).operation(&declared).map(|o| (o.operation_id(), o.token, o.guest()))
        };
        let thing = Some(("getThing", TokenRequirement::Required, Guest::Yes));
        assert_eq!(op("GET", "/_matrix/client/v3/com.example/thing/1"), thing);
        assert_eq!(op("HEAD", "/_matrix/client/r0/com.example/thing/1"), thing);
        assert_eq!(op("GET", "/_matrix/client/unstable/com.example/thing/1"), thing);
        assert_eq!(op("GET", "/_matrix/client/v3/com.example/thing/"), None);
        assert_eq!(op("PUT", "/_matrix/client/v3/com.example/thing/1"), None);
        assert_eq!(op("GET", "/_matrix/client/versions"), Some(("getVersions", TokenRequirement::Required, Guest::No)));
        assert_eq!(op("GET", "/_matrix/client/v3/sync"), Some(("sync", TokenRequirement::Required, Guest::Yes)));
        assert_eq!(route(&declared, "GET", "/_synapse/admin/v1/x"), Lookup::Admin);
        assert_eq!(route(&declared, "GET", "/nothing"), Lookup::Unknown);
    }
}
