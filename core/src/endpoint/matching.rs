//! Path matching: which catalogue entry a request line names (DECISIONS.md "Path matching").
//!
//! Paths are compared segment by segment on the raw, still percent-encoded text, so `%2F` never
//! splits a segment. A `{param}` is exactly one non-empty segment. `/_matrix/client/r0/X` is the
//! pre-v1.1 spelling of `/_matrix/client/v3/X`, served only for endpoints that existed then. The
//! one optional trailing segment is an empty `{stateKey}` (`.../state/{eventType}` and
//! `.../state/{eventType}/` both name the state-key template); any other trailing slash makes
//! the path unknown. Paths under `/_synapse/admin/` are admin paths.
//!
//! This runs on every request, so it allocates nothing and builds nothing at run time: the
//! catalogue is sorted by path, and every template's first four segments are literal, so the
//! candidates for a path are one contiguous run of the catalogue, found by binary search on the
//! path's own first four segments. Only that run (at most a few dozen templates) is compared
//! segment by segment.

use std::cmp::Ordering;

use super::{ENDPOINTS, Endpoint, Method};

/// The v3 client-server prefix, which `r0` aliases.
const CLIENT_V3: &str = "/_matrix/client/v3";
/// The pre-v1.1 client-server prefix.
const CLIENT_R0: &str = "/_matrix/client/r0";
/// Synapse's admin API.
const SYNAPSE_ADMIN: &str = "/_synapse/admin/";
/// How many leading segments every template spells literally (the search key's length).
const LITERAL_SEGMENTS: usize = 4;
/// The most `{param}` segments any template has.
pub const MAX_PARAMS: usize = 4;
/// The one parameter that may be empty or left out at the end of a path.
const STATE_KEY: &str = "stateKey";

/// What a request line names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// A catalogued endpoint, with the raw text of its path parameters.
    Known(&'static Endpoint, Params<'a>),
    /// A path under `/_synapse/admin/`.
    Admin,
    /// Anything else.
    Unknown,
}

impl<'a> Lookup<'a> {
    /// The endpoint, when known.
    pub fn endpoint(&self) -> Option<&'static Endpoint> {
        match self {
            Self::Known(endpoint, _) => Some(endpoint),
            _ => None,
        }
    }

    /// The captured parameters (empty unless known).
    pub fn params(&self) -> Params<'a> {
        match self {
            Self::Known(_, params) => *params,
            _ => Params::EMPTY,
        }
    }
}

/// The path parameters of a match: raw (percent-encoded) text, in template order, held inline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params<'a> {
    items: [(&'static str, &'a str); MAX_PARAMS],
    len: usize,
}

impl<'a> Params<'a> {
    /// No parameters.
    pub const EMPTY: Self = Self { items: [("", ""); MAX_PARAMS], len: 0 };

    /// The raw value of the parameter named `name` (as in the template, without braces).
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The `(name, raw value)` pairs in template order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &'a str)> + '_ {
        self.items.iter().take(self.len).copied()
    }

    /// How many parameters were captured.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether none were captured.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn push(&mut self, name: &'static str, value: &'a str) -> bool {
        match self.items.get_mut(self.len) {
            Some(slot) => {
                *slot = (name, value);
                self.len += 1;
                true
            }
            None => false,
        }
    }
}

/// Finds the endpoint `method` and the raw `path` (without query string) name.
pub fn lookup<'a>(method: &str, path: &'a str) -> Lookup<'a> {
    if let Some(method) = Method::from_name(method) {
        let found = match path.strip_prefix(CLIENT_R0) {
            // Only `/_matrix/client/r0/...`: `/_matrix/client/r0x` is no alias.
            Some(rest) if rest.starts_with('/') => find(method, CLIENT_V3, rest, true),
            _ => find(method, "", path, false),
        };
        if let Some((endpoint, params)) = found {
            return Lookup::Known(endpoint, params);
        }
    }
    if path.starts_with(SYNAPSE_ADMIN) { Lookup::Admin } else { Lookup::Unknown }
}

/// The template matching `head` + `tail` (`head` is a literal prefix that replaces the request's
/// own, for the `r0` alias).
fn find<'a>(method: Method, head: &'static str, tail: &'a str, r0: bool) -> Option<(&'static Endpoint, Params<'a>)> {
    let key = Joined { head, tail: search_key(tail, LITERAL_SEGMENTS.saturating_sub(segment_count(head))) };
    let start = ENDPOINTS.partition_point(|e| key.cmp_from(e.path) == Ordering::Less);
    ENDPOINTS
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(|e| key.prefixes(e.path))
        .filter(|e| e.method == method && (!r0 || e.since_r0))
        .find_map(|e| {
            let template = e.path.strip_prefix(head)?;
            match_segments(template, tail).map(|params| (e, params))
        })
}

/// How many `/`-separated segments a literal prefix like `/_matrix/client/v3` has (3).
fn segment_count(prefix: &str) -> usize {
    prefix.bytes().filter(|&b| b == b'/').count()
}

/// The leading part of `path` that covers its first `segments` segments.
fn search_key(path: &str, segments: usize) -> &str {
    let mut slashes = 0;
    for (at, b) in path.bytes().enumerate() {
        if b == b'/' {
            slashes += 1;
            if slashes > segments {
                return path.get(..at).unwrap_or(path);
            }
        }
    }
    path
}

/// The string `head` followed by `tail`, compared without being built.
#[derive(Debug, Clone, Copy)]
struct Joined<'a> {
    head: &'static str,
    tail: &'a str,
}

impl Joined<'_> {
    fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        self.head.bytes().chain(self.tail.bytes())
    }

    /// How `template` orders against this string.
    fn cmp_from(&self, template: &str) -> Ordering {
        template.bytes().cmp(self.bytes())
    }

    /// Whether `template` starts with this string.
    fn prefixes(&self, template: &str) -> bool {
        let mut t = template.bytes();
        self.bytes().all(|b| t.next() == Some(b))
    }
}

/// Matches a template against a raw path, segment by segment, capturing the parameters.
fn match_segments<'a>(template: &'static str, path: &'a str) -> Option<Params<'a>> {
    let mut params = Params::EMPTY;
    let mut wanted = template.split('/');
    let mut given = path.split('/');
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return Some(params),
            (Some(t), Some(p)) => match param_name(t) {
                Some(name) if !p.is_empty() => {
                    if !params.push(name, p) {
                        return None;
                    }
                }
                Some(name) if name == STATE_KEY => {
                    // `.../{eventType}/`: the empty state key must end the path.
                    return (wanted.next().is_none() && given.next().is_none() && params.push(name, p))
                        .then_some(params);
                }
                Some(_) => return None,
                None if t == p => {}
                None => return None,
            },
            // `.../{eventType}`: the state-key segment left out altogether.
            (Some(t), None) if param_name(t) == Some(STATE_KEY) && wanted.next().is_none() => {
                return params.push(STATE_KEY, "").then_some(params);
            }
            _ => return None,
        }
    }
}

/// The name inside a `{param}` segment.
fn param_name(segment: &'static str) -> Option<&'static str> {
    segment.strip_prefix('{')?.strip_suffix('}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(method: &str, path: &str) -> Option<&'static str> {
        lookup(method, path).endpoint().map(Endpoint::operation_id)
    }

    #[test]
    fn the_catalogue_is_sorted_and_its_heads_are_literal() {
        assert!(ENDPOINTS.windows(2).all(|w| matches!(w, [a, b] if a.path <= b.path)));
        for e in ENDPOINTS {
            let head: Vec<&str> = e.path.split('/').take(LITERAL_SEGMENTS + 1).collect();
            assert!(head.iter().all(|s| !s.contains('{')), "{}", e.path);
            assert!(e.path.split('/').filter(|s| s.starts_with('{')).count() <= MAX_PARAMS, "{}", e.path);
        }
    }

    #[test]
    fn every_template_matches_itself_filled_in() {
        for e in ENDPOINTS {
            let filled: String =
                e.path.split('/').map(|s| if s.starts_with('{') { "x%2Fy" } else { s }).collect::<Vec<_>>().join("/");
            let found = lookup(e.method.name(), &filled);
            assert_eq!(found.endpoint().map(|f| f.operation_id()), Some(e.operation_id()), "{filled}");
            if let Some(rest) = filled.strip_prefix(CLIENT_V3) {
                let r0 = format!("{CLIENT_R0}{rest}");
                let expected = e.since_r0.then(|| e.operation_id());
                assert_eq!(op(e.method.name(), &r0), expected, "{r0}");
            }
        }
    }

    #[test]
    fn params_are_raw_segments() {
        let found = lookup("PUT", "/_matrix/client/v3/rooms/%21a%3Ab/send/m.room.message/t%2F1");
        assert_eq!(found.endpoint().map(|e| e.operation_id()), Some("sendMessage"));
        let params = found.params();
        assert_eq!(params.get("roomId"), Some("%21a%3Ab"));
        assert_eq!(params.get("txnId"), Some("t%2F1"));
        assert_eq!(params.len(), 3);
        assert_eq!(op("GET", "/_matrix/client/v3/devices/AB/CD"), None);
        assert_eq!(op("GET", "/_matrix/client/v3/devices/"), None);
    }

    #[test]
    fn the_state_key_may_be_empty_or_left_out() {
        let room = "/_matrix/client/v3/rooms/!r:x/state";
        assert_eq!(op("GET", &format!("{room}/m.room.name")), Some("getRoomStateWithKey"));
        assert_eq!(op("GET", &format!("{room}/m.room.name/")), Some("getRoomStateWithKey"));
        assert_eq!(op("PUT", &format!("{room}/m.room.name")), Some("setRoomStateWithKey"));
        assert_eq!(lookup("GET", &format!("{room}/m.room.name")).params().get("stateKey"), Some(""));
        assert_eq!(op("GET", &format!("{room}/m.room.name//")), None);
        assert_eq!(op("GET", &format!("{room}/")), None);
        assert_eq!(op("GET", &format!("{room}//")), None);
        assert_eq!(op("GET", room), Some("getRoomState"));
        assert_eq!(op("GET", &format!("{room}/m.room.name/k/")), None);
    }

    #[test]
    fn trailing_slashes_and_prefixes() {
        assert_eq!(op("GET", "/_matrix/client/v3/sync/"), None);
        assert_eq!(op("GET", "/_matrix/client/v3/pushrules/"), Some("getPushRules"));
        assert_eq!(op("GET", "/_matrix/client/v3/pushrules"), None);
        assert_eq!(op("GET", "/_matrix/client/r0/pushrules/"), Some("getPushRules"));
        assert_eq!(op("GET", "/_matrix/client/r0sync"), None);
        assert_eq!(op("GET", "/_matrix/client/r0/media/config"), None);
        assert_eq!(op("GET", "//_matrix/client/v3/sync"), None);
        assert_eq!(op("GET", "/_matrix/client/v3//sync"), None);
        assert_eq!(op("GET", "/_matrix/client/versions"), Some("getVersions"));
        assert_eq!(op("GET", "/.well-known/matrix/client"), Some("getWellknown"));
        assert_eq!(op("GET", ""), None);
        assert_eq!(op("PATCH", "/_matrix/client/v3/sync"), None);
        assert_eq!(op("POST", "/_matrix/client/v3/sync"), None);
        assert_eq!(op("GET", "/_matrix/client/v3/events"), Some("getEvents"));
    }

    #[test]
    fn admin_paths() {
        assert_eq!(lookup("GET", "/_synapse/admin/v2/users/x"), Lookup::Admin);
        assert_eq!(lookup("PATCH", "/_synapse/admin/"), Lookup::Admin);
        assert_eq!(lookup("GET", "/_synapse/admin"), Lookup::Unknown);
        assert_eq!(lookup("GET", "/_synapse/client/pick_idp"), Lookup::Unknown);
    }
}
