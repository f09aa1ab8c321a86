//! Path matching: which catalogue entry a request line names (DECISIONS.md "Path matching").
//!
//! Paths are compared segment by segment on the raw, still percent-encoded text, so `%2F` never
//! splits a segment. A `{param}` is exactly one non-empty segment. The one optional trailing
//! segment is an empty `{stateKey}` (`.../state/{eventType}` and `.../state/{eventType}/` both
//! name the state-key template); any other trailing slash makes the path unknown. Paths under
//! `/_synapse/admin/` are admin paths, recognised before any template. `HEAD` names what `GET`
//! names (servers run the GET handler for it).
//!
//! Every spelling a server serves is the same endpoint (v4). The spellings are data
//! (`core/gen/spellings.tsv`, with the source of each): prefix spellings such as
//! `/_matrix/client/r0/` for `/_matrix/client/v3/`, and explicit MSC-prefixed
//! templates, which sit in the trie beside the canonical ones and lead to the same entry.
//!
//! This runs on every request, so it allocates nothing and builds nothing at run time. The path
//! is read one piece at a time as the walk goes down, each `/` found a word (8 bytes) at a time;
//! a path with more pieces than the trie is deep runs out of nodes and matches nothing. Most
//! paths start with one of a few prefixes (`/_matrix/client/v3/`, ...) that lead through
//! literals only: the generator lists them ([`ENTRIES`]) with their nodes, and the walk starts
//! there. The prefix spellings are entry points too: the rest of a path that starts with one is
//! walked below the spelling's own node, when the trie has one, then below the node of each
//! prefix it stands for, until an entry is found. The pieces walk a trie that
//! `core/gen/catalogue.py` generates as static data
//! ([`FROM_ROOT`]): each node holds its literal children ordered by length, then bytes (found by binary
//! search on the length and the first eight bytes read as one number, [`key`], which the split
//! has in hand already: longer pieces compare their other bytes only on a tie), its
//! `{param}` child, and the catalogue entries whose template ends there. A literal child is tried
//! before the `{param}` child; a dead end backs off to the parameter (templates of other methods
//! can share a prefix). The generator proves that no two entries of one method match a common
//! path under any of their spellings, so neither the walk's order nor the order of the prefix
//! spellings can change which entry, and which first operation id, is found.
//! The walk is as deep as the path has pieces, at most as deep as the trie, and each step costs
//! one binary search over a few dozen short strings at most.

use super::catalogue::{ENTRIES, FROM_ROOT, MAX_SEGMENTS};
use super::{DeclaredEndpoint, ENDPOINTS, Endpoint, Method};

/// Synapse's admin API.
pub(crate) const SYNAPSE_ADMIN: &str = "/_synapse/admin/";
/// The most `{param}` segments any template has.
pub const MAX_PARAMS: usize = 4;
/// The one parameter that may be empty or left out at the end of a path.
const STATE_KEY: &str = "stateKey";

/// A node of the generated path trie (see the module doc).
#[derive(Debug)]
pub(super) struct Node {
    /// Literal next pieces with their [`key`], sorted by length, then bytes, and where each leads.
    pub(super) literals: &'static [(u64, &'static str, &'static Node)],
    /// The `{param}` next piece, by name, and where it leads.
    pub(super) param: Option<(&'static str, &'static Node)>,
    /// Indices into [`ENDPOINTS`] of the templates that end here (one per method).
    pub(super) endpoints: &'static [u8],
}

impl Node {
    /// The entry ending here for `method`.
    fn endpoint(&self, method: Method) -> Option<&'static Endpoint> {
        self.endpoints.iter().filter_map(|&i| ENDPOINTS.get(usize::from(i))).find(|e| e.method == method)
    }

    /// The child for the literal piece `piece`, whose [`key`] is `key`.
    fn literal(&self, piece: &str, key: u64) -> Option<&'static Node> {
        let at = self
            .literals
            .binary_search_by(|(literal_key, literal, _)| {
                if literal.len() != piece.len() {
                    literal.len().cmp(&piece.len())
                } else if *literal_key != key || piece.len() <= 8 {
                    literal_key.cmp(&key)
                } else {
                    // Equal keys and lengths: only bytes past the eighth can differ.
                    literal.as_bytes().get(8..).cmp(&piece.as_bytes().get(8..))
                }
            })
            .ok()?;
        self.literals.get(at).map(|(_, _, child)| *child)
    }
}

/// The first eight bytes of `piece` as a big-endian number, zero-padded: for pieces of one length
/// these numbers order like the bytes.
fn key(piece: &[u8]) -> u64 {
    match piece.first_chunk::<8>() {
        Some(word) => u64::from_be_bytes(*word),
        None => piece.iter().enumerate().fold(0, |key, (at, &b)| key | u64::from(b) << (56 - 8 * at)),
    }
}

/// What a request line names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// A catalogued endpoint, with the raw text of its path parameters.
    Known(&'static Endpoint, Params<'a>),
    /// An endpoint a policy declares ([`super::route`] only; its parameters are not captured: no
    /// rule reads them).
    Declared(&'a DeclaredEndpoint),
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
    /// The names, each borrowed from its place in the trie: a pointer rather than a `&str` keeps
    /// the whole small enough to be copied without a `memcpy` call.
    names: [&'static &'static str; MAX_PARAMS],
    values: [&'a str; MAX_PARAMS],
    len: usize,
}

impl<'a> Params<'a> {
    /// No parameters.
    pub const EMPTY: Self = Self { names: [&""; MAX_PARAMS], values: [""; MAX_PARAMS], len: 0 };

    /// The raw value of the parameter named `name` (as in the template, without braces).
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The `(name, raw value)` pairs in template order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &'a str)> + '_ {
        self.names.iter().zip(self.values).take(self.len).map(|(name, value)| (**name, value))
    }

    /// How many parameters were captured.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether none were captured.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn push(&mut self, name: &'static &'static str, value: &'a str) -> bool {
        match (self.names.get_mut(self.len), self.values.get_mut(self.len)) {
            (Some(name_slot), Some(value_slot)) => {
                *name_slot = name;
                *value_slot = value;
                self.len += 1;
                true
            }
            _ => false,
        }
    }

    /// Keeps the first `len` parameters (backing off a dead end in the walk), leaving the other
    /// slots as [`Self::EMPTY`]'s so that equal captures compare equal.
    fn truncate(&mut self, len: usize) {
        while self.len > len {
            self.len -= 1;
            if let (Some(name), Some(value)) = (self.names.get_mut(self.len), self.values.get_mut(self.len)) {
                *name = &"";
                *value = "";
            }
        }
    }
}

/// Finds the built-in endpoint `method` and the raw `path` (without query string) name, under
/// any of its spellings. `HEAD` is looked up as `GET`.
pub fn lookup<'a>(method: &str, path: &'a str) -> Lookup<'a> {
    if path.starts_with(SYNAPSE_ADMIN) {
        return Lookup::Admin;
    }
    let Some(method) = Method::for_lookup(method) else { return Lookup::Unknown };
    let (nodes, rest) = start(path);
    // One call site of `walk`, so that it is inlined here.
    for node in nodes {
        let mut params = Params::EMPTY;
        if let Some(endpoint) = walk(node, Some(rest), method, &mut params) {
            return Lookup::Known(endpoint, params);
        }
    }
    Lookup::Unknown
}

/// Where the walks start: for an entry prefix of `path`, its own node (if any) and the nodes of
/// the prefixes it stands for, with the rest of the path after it; else the root and the whole
/// path.
fn start(path: &str) -> (&'static [&'static Node], &str) {
    for (prefix, nodes) in &ENTRIES {
        if let Some(rest) = path.strip_prefix(prefix) {
            return (nodes, rest);
        }
    }
    (&FROM_ROOT, path)
}

/// Splits off the first piece of `pieces` (up to the first `/`), with its [`key`], and the
/// pieces after it, if there is a `/`.
fn next_piece(pieces: &str) -> (&str, u64, Option<&str>) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let bytes = pieces.as_bytes();
    let first = bytes.first_chunk::<8>().map(|word| u64::from_be_bytes(*word));
    let mut at = 0;
    // A word at a time: the bytes equal to `/` become zero, and the lowest flagged zero byte is
    // exact (the borrows that cause false flags only run upwards from a true one).
    let slash = loop {
        let Some(word) = bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) else {
            break bytes.get(at..).and_then(|tail| tail.iter().position(|&b| b == b'/')).map(|p| at + p);
        };
        let x = u64::from_le_bytes(*word) ^ (ONES * u64::from(b'/'));
        let zeros = x.wrapping_sub(ONES) & !x & HIGH;
        if zeros != 0 {
            break Some(at + (zeros.trailing_zeros() / 8) as usize);
        }
        at += 8;
    };
    let (piece, rest) = match slash {
        // `/` is ASCII, so both sides are on character boundaries.
        Some(at) => (pieces.get(..at).unwrap_or_default(), pieces.get(at + 1..)),
        None => (pieces, None),
    };
    // The first word, read already, is the key once the bytes past the piece are cleared.
    let key = match first {
        Some(first) if piece.len() >= 8 => first,
        Some(first) => first & !(u64::MAX >> (8 * piece.len())),
        None => key(piece.as_bytes()),
    };
    (piece, key, rest)
}

/// A place where the walk took a literal child and could still take the `{param}` child:
/// the node, the piece, the pieces after it, and how many parameters were captured before it.
type Branch<'a> = (&'static Node, &'a str, Option<&'a str>, usize);

/// Walks the `/`-separated `pieces` (`None`: no piece left) down from `node`, literal child first,
/// then the `{param}` child, capturing parameters into `params`.
///
/// A loop, not a recursion (the calls cost more than the steps): each literal step taken where a
/// `{param}` child also exists is remembered, and a dead end resumes from the latest one with
/// the parameter. The trie is [`MAX_SEGMENTS`] deep, so that many places are enough.
fn walk<'a>(
    mut node: &'static Node,
    mut pieces: Option<&'a str>,
    method: Method,
    params: &mut Params<'a>,
) -> Option<&'static Endpoint> {
    let mut branches: [Option<Branch<'a>>; MAX_SEGMENTS] = [None; MAX_SEGMENTS];
    let mut taken = 0;
    loop {
        // Take the next step down, or fall through to back off.
        match pieces {
            None => {
                if let Some(found) = node.endpoint(method) {
                    return Some(found);
                }
                // `.../{eventType}`: the state-key piece left out (it only ever ends a template).
                if let Some((name, child)) = node.param.as_ref().filter(|(name, _)| *name == STATE_KEY)
                    && let Some(found) = child.endpoint(method)
                    && params.push(name, "")
                {
                    return Some(found);
                }
            }
            Some(rest) => {
                let (piece, key, rest) = next_piece(rest);
                if let Some(child) = node.literal(piece, key) {
                    if node.param.is_some()
                        && let Some(slot) = branches.get_mut(taken)
                    {
                        *slot = Some((node, piece, rest, params.len()));
                        taken += 1;
                    }
                    node = child;
                    pieces = rest;
                    continue;
                }
                if let Some(child) = take_param(node, piece, rest, params) {
                    node = child;
                    pieces = rest;
                    continue;
                }
            }
        }
        // A dead end: resume at the latest literal step with its parameter instead.
        loop {
            taken = taken.checked_sub(1)?;
            let (at, piece, rest, captured) = branches.get(taken).copied().flatten()?;
            params.truncate(captured);
            if let Some(child) = take_param(at, piece, rest, params) {
                node = child;
                pieces = rest;
                break;
            }
        }
    }
}

/// The `{param}` child of `node` for `piece` (with `rest` after it), the parameter captured; a
/// parameter is one non-empty piece, and only the last, the state key, may be empty.
fn take_param<'a>(
    node: &'static Node,
    piece: &'a str,
    rest: Option<&'a str>,
    params: &mut Params<'a>,
) -> Option<&'static Node> {
    let (name, child) = node.param.as_ref()?;
    if piece.is_empty() && !(*name == STATE_KEY && rest.is_none()) {
        return None;
    }
    params.push(name, piece).then_some(*child)
}

#[cfg(test)]
mod tests {
    use super::super::PREFIX_SPELLINGS;
    use super::*;

    fn op(method: &str, path: &str) -> Option<&'static str> {
        lookup(method, path).endpoint().map(Endpoint::operation_id)
    }

    const CLIENT_V3: &str = "/_matrix/client/v3";
    const CLIENT_R0: &str = "/_matrix/client/r0";

    /// The plain reading of DECISIONS.md "Path matching", for comparison with the trie: admin
    /// paths first, then every spelling of every catalogue entry in order, template against
    /// path, segment by segment.
    fn reference<'a>(spellings: &[(&'static str, &'static Endpoint)], method: &str, path: &'a str) -> Lookup<'a> {
        if path.starts_with(SYNAPSE_ADMIN) {
            return Lookup::Admin;
        }
        let method = if method == "HEAD" { "GET" } else { method };
        let found = spellings
            .iter()
            .filter(|(_, e)| Some(e.method) == Method::from_name(method))
            .find_map(|(template, e)| reference_segments(template, path).map(|p| (*e, p)));
        match found {
            Some((e, params)) => Lookup::Known(e, params),
            None => Lookup::Unknown,
        }
    }

    fn reference_segments<'a>(template: &'static str, path: &'a str) -> Option<Params<'a>> {
        // A quick count first (the reading below allocates): the state key may be left out.
        let slashes = |s: &str| s.bytes().filter(|&b| b == b'/').count();
        let (t, p) = (slashes(template), slashes(path));
        if t != p && !(t == p + 1 && template.ends_with("/{stateKey}")) {
            return None;
        }
        let wanted: Vec<&'static str> = template.split('/').collect();
        let mut given: Vec<&'a str> = path.split('/').collect();
        let state_key = wanted.last().is_some_and(|s| *s == "{stateKey}");
        if state_key && given.len() + 1 == wanted.len() {
            given.push("");
        }
        if wanted.len() != given.len() {
            return None;
        }
        let mut params = Params::EMPTY;
        for (at, (t, p)) in wanted.iter().zip(&given).enumerate() {
            match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some(name) if !p.is_empty() || (state_key && at + 1 == wanted.len()) => {
                    assert!(params.push(Box::leak(Box::new(name)), p));
                }
                Some(_) => return None,
                None if t == p => {}
                None => return None,
            }
        }
        Some(params)
    }

    #[test]
    fn the_catalogue_is_sorted_and_small_enough() {
        assert!(ENDPOINTS.windows(2).all(|w| matches!(w, [a, b] if a.path <= b.path)));
        for e in ENDPOINTS {
            assert!(e.path.split('/').filter(|s| s.starts_with('{')).count() <= MAX_PARAMS, "{}", e.path);
        }
    }

    #[test]
    fn the_trie_agrees_with_the_plain_reading() {
        let fills = ["x", "x%2Fy", "", "r0", "v3", "state", "global", "keys", "version", "rooms", "{roomId}"];
        let mut paths: Vec<String> =
            vec![String::new(), "/".into(), "/_synapse/admin/".into(), "/_synapse/admin".into()];
        for e in ENDPOINTS {
            let pieces: Vec<&str> = e.path.split('/').collect();
            for fill in fills {
                let filled: Vec<&str> = pieces.iter().map(|s| if s.starts_with('{') { fill } else { s }).collect();
                let path = filled.join("/");
                for variant in [
                    path.clone(),
                    format!("{path}/"),
                    format!("{path}//"),
                    format!("{path}/{fill}"),
                    format!("{path}/{fill}/"),
                    filled.get(..filled.len() - 1).unwrap_or_default().join("/"),
                    format!("/_synapse/admin{path}"),
                ] {
                    for (spelling, target) in PREFIX_SPELLINGS {
                        if let Some(rest) = variant.strip_prefix(target) {
                            paths.push(format!("{spelling}{rest}"));
                            paths.push(format!("{}x/{rest}", spelling.trim_end_matches('/')));
                        }
                    }
                    paths.push(variant);
                }
            }
        }
        let spellings: Vec<(&'static str, &'static Endpoint)> = super::super::spellings()
            .into_iter()
            .map(|(template, e)| (&*Box::leak(template.into_boxed_str()), e))
            .collect();
        for path in &paths {
            for method in ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"] {
                assert_eq!(lookup(method, path), reference(&spellings, method, path), "{method} {path}");
            }
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
                // Every v3 endpoint under r0 and unstable, whenever it was added (v4).
                for prefix in [CLIENT_R0, "/_matrix/client/unstable"] {
                    let alias = format!("{prefix}{rest}");
                    assert_eq!(op(e.method.name(), &alias), Some(e.operation_id()), "{alias}");
                }
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
        assert_eq!(op("GET", "/_matrix/client/unstable/room_summary/x"), Some("getRoomSummary"));
        assert_eq!(op("GET", "/_matrix/client/r0/room_summary/x"), None);
        assert_eq!(op("GET", "/_matrix/media/r0/config"), Some("getConfig"));
        assert_eq!(op("GET", "/_matrix/media/v1/config"), Some("getConfig"));
        assert_eq!(op("POST", "/_matrix/media/v1/create"), Some("createContent"));
        assert_eq!(op("GET", "/_matrix/media/unstable/config"), None);
        assert_eq!(op("GET", "/_matrix/client/v2/sync"), None);
        assert_eq!(op("GET", "/_matrix/client/unstable/v3/sync"), None);
        assert_eq!(op("HEAD", "/_matrix/client/v3/sync"), Some("sync"));
        assert_eq!(op("HEAD", "/_matrix/client/v3/createRoom"), None);
        assert_eq!(op("OPTIONS", "/_matrix/client/v3/sync"), None);
        assert_eq!(op("GET", "/_matrix/client/unstable/org.matrix.msc2965/auth_metadata"), Some("getAuthMetadata"));
        assert_eq!(op("GET", "/_matrix/client/unstable/org.matrix.msc2965/auth_issuer"), Some("getAuthIssuer"));
        assert_eq!(op("GET", "/_matrix/client/v1/auth_issuer"), None);
        assert_eq!(op("POST", "/_matrix/client/unstable/keys/device_signing/upload"), Some("uploadCrossSigningKeys"));
        assert_eq!(op("POST", "/_matrix/client/r0/keys/device_signing/upload"), Some("uploadCrossSigningKeys"));
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
    fn pieces_are_split_at_every_slash() {
        for len in 0..30 {
            for slash in 0..=len {
                let mut text = "x".repeat(len);
                if slash < len {
                    text.replace_range(slash..=slash, "/");
                }
                let expected = text.split_once('/');
                let (piece, piece_key, rest) = next_piece(&text);
                assert_eq!(expected.map_or((text.as_str(), None), |(a, b)| (a, Some(b))), (piece, rest), "{text}");
                assert_eq!(piece_key, key(piece.as_bytes()), "{text}");
            }
        }
    }

    #[test]
    fn literal_keys_and_order_match_the_text() {
        fn check(node: &Node) {
            for (literal_key, literal, child) in node.literals {
                assert_eq!(*literal_key, key(literal.as_bytes()), "{literal}");
                check(child);
            }
            assert!(node.literals.windows(2).all(|w| matches!(w, [(_, a, _), (_, b, _)]
                if (a.len(), a.as_bytes()) < (b.len(), b.as_bytes()))));
            if let Some((_, child)) = node.param {
                check(child);
            }
        }
        check(FROM_ROOT[0]);
    }

    #[test]
    fn spellings_lead_to_their_targets() {
        let node_of = |prefix: &str| {
            let mut at = Some(FROM_ROOT[0]);
            for piece in prefix.trim_end_matches('/').split('/') {
                at = at.and_then(|n| n.literal(piece, key(piece.as_bytes())));
            }
            at
        };
        for (spelling, target) in PREFIX_SPELLINGS {
            let Some((_, nodes)) = ENTRIES.iter().find(|(prefix, _)| *prefix == spelling) else {
                panic!("{spelling} is no entry point")
            };
            // The spelling's own node, when the trie has one, is walked first.
            if let Some(own) = node_of(spelling) {
                assert!(nodes.first().is_some_and(|n| std::ptr::eq(*n, own)), "{spelling}");
            }
            let Some(target) = node_of(target) else { panic!("{target}") };
            assert!(nodes.iter().any(|t| std::ptr::eq(*t, target)), "{spelling}");
        }
    }

    #[test]
    fn entry_points_lead_through_literals_only() {
        for (prefix, nodes) in &ENTRIES {
            // The prefix's own node, reached through literals only, past no `{param}` child; a
            // prefix spelling may have none (its nodes are then all targets, checked above).
            let mut at = Some(FROM_ROOT[0]);
            for piece in prefix.trim_end_matches('/').split('/') {
                assert!(at.is_none_or(|n| n.param.is_none()), "{prefix}");
                at = at.and_then(|n| n.literal(piece, key(piece.as_bytes())));
            }
            match at {
                Some(own) => assert!(nodes.first().is_some_and(|n| std::ptr::eq(*n, own)), "{prefix}"),
                None => assert!(PREFIX_SPELLINGS.iter().any(|(s, _)| s == prefix), "{prefix}"),
            }
        }
    }

    #[test]
    fn admin_paths() {
        assert_eq!(lookup("GET", "/_synapse/admin/v2/users/x"), Lookup::Admin);
        assert_eq!(lookup("OPTIONS", "/_synapse/admin/v2/users/x"), Lookup::Admin);
        assert_eq!(lookup("PATCH", "/_synapse/admin/"), Lookup::Admin);
        assert_eq!(lookup("GET", "/_synapse/admin"), Lookup::Unknown);
        assert_eq!(lookup("GET", "/_synapse/client/pick_idp"), Lookup::Unknown);
    }
}
