#!/usr/bin/env python3
"""Writes core/src/endpoint/catalogue.rs from core/gen/endpoints.tsv (the spec's operations),
core/gen/endpoints-prose.tsv (the endpoints the spec defines in prose), core/gen/spellings.tsv
(the other spellings under which servers serve them, DECISIONS.md v4) and
core/gen/endpoint-facts.tsv (the rule columns the spec's file lacks, each with its source: the
rules read these columns, never an operation id).

Run from the repository root: python3 core/gen/catalogue.py [--check]
(--check writes nothing and fails when the checked-in file differs from what it would write.)
The tsv is the project's one copy of the stable spec's operation list (matrix-spec d0ba2aae,
v1.19, with the v4 change its header notes).

Besides the catalogue itself it writes the path-matching trie (rooted at `FROM_ROOT`, see
core/src/endpoint/matching.rs): one node per distinct template prefix, split on `/`, with its
literal children sorted by length, then bytes, each with its first eight bytes as a number (the
matcher binary-searches them on length and that number, and only pieces longer than eight
bytes ever compare more), its `{param}` child,
and the catalogue entries whose template ends there. Everything is static data, so matching
builds nothing at run time. The generator also checks the properties the matcher relies on and
refuses to write a catalogue that breaks them:

- no two endpoints of one method can match the same path under any of their spellings (so neither
  the order in which the trie is walked nor the order of the prefix spellings can change the
  answer: the first operation id is the one reported either way);
- `{stateKey}`, the one parameter that may be empty or left out, only ever ends a template;
- no template has more than MAX_PARAMS parameters, and every segment is ASCII.

It also writes the trie's entry points (`ENTRIES`): the prefixes `/a/b/c/` of four pieces that
lead from the root through literals only, past nodes without a `{param}` child. A path that
starts with one of them can only match below its node (the walk from the root has nowhere else
to go), so the matcher starts there and skips the first levels.

The prefix spellings are entry points too: each lists the nodes of the prefixes it stands for,
where the rest of a path that starts with the spelling is matched after the spelling's own node
(when the trie has one). The explicit spellings are templates of the trie like the canonical
ones, pointing at the same catalogue entry, and are listed in `SPELLINGS`.
"""
import csv
import difflib
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
TSV = ROOT / "core/gen/endpoints.tsv"
PROSE = ROOT / "core/gen/endpoints-prose.tsv"
SPELLINGS = ROOT / "core/gen/spellings.tsv"
FACTS = ROOT / "core/gen/endpoint-facts.tsv"
OUT = ROOT / "core/src/endpoint/catalogue.rs"

TOKEN = {"none": "None", "optional": "Optional", "required": "Required", "appservice": "Appservice"}
GUEST = {"no": "No", "yes": "Yes", "displayname-only": "DisplaynameOnly"}
# The overlay's columns: each value as the generated Rust, and the default of a column not listed.
YES_NO = {"yes": "true", "no": "false"}
RULE = {
    "none": "Rule::None",
    "appservice_login": "Rule::AppserviceLogin",
    "registration": "Rule::Registration",
    "guest_join": "Rule::GuestJoin",
    "device_deletion": "Rule::DeviceDeletion",
    "cross_signing_upload": "Rule::CrossSigningUpload",
}
ACCOUNT_ACTION = {
    "none": "None",
    "org.matrix.account_deactivate": "Some(AccountAction::Deactivate)",
    "org.matrix.device_delete": "Some(AccountAction::DeviceDelete)",
    "org.matrix.devices_list": "Some(AccountAction::DevicesList)",
}
FACT_COLUMNS = {
    "legacy_only": (YES_NO, "no"),
    "rule": (RULE, "none"),
    "account_action": (ACCOUNT_ACTION, "none"),
    "server_administration": (YES_NO, "no"),
}
MAX_PARAMS = 4  # matching::MAX_PARAMS
STATE_KEY = "stateKey"
ENTRY_DEPTH = 4  # pieces in an entry point's prefix, the leading empty one included


def rust_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def key(literal):
    """matching::key: the first 8 bytes, big-endian, zero-padded (so that for pieces of one length,
    keys order like the bytes)."""
    return int.from_bytes(literal.encode()[:8].ljust(8, b"\0"), "big")


def param_name(segment):
    return segment[1:-1] if segment.startswith("{") and segment.endswith("}") else None


def variants(segments):
    """The segment lists a template matches, as patterns: None is any non-empty segment,
    "" | None (the empty state key) is written as the tuple ("", None)."""
    out = [[]]
    for s in segments:
        name = param_name(s)
        if name == STATE_KEY:
            # Non-empty, empty, or left out (it is the last segment, checked in main).
            out = [v + [None] for v in out] + [v + [""] for v in out] + [list(v) for v in out]
        else:
            out = [v + [None if name else s] for v in out]
    return out


def overlap(a, b):
    """Whether some path matches both segment patterns."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if x is None and y is None:
            continue
        if x is None or y is None:
            if (y if x is None else x) == "":  # a parameter is never empty
                return False
            continue
        if x != y:
            return False
    return True


class Node:
    def __init__(self):
        self.literals = {}
        self.param = None  # (name, Node)
        self.endpoints = []


def read_tsv(path):
    lines = [l for l in path.read_text().splitlines() if l and not l.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def build_trie(templates):
    """templates: (path, endpoint index) pairs, canonical templates and explicit spellings."""
    nodes = [Node()]
    for path, index in templates:
        node = nodes[0]
        for s in path.split("/"):
            name = param_name(s)
            if name is None:
                if s not in node.literals:
                    node.literals[s] = Node()
                    nodes.append(node.literals[s])
                node = node.literals[s]
            else:
                if node.param is None:
                    node.param = (name, Node())
                    nodes.append(node.param[1])
                assert node.param[0] == name, f"two parameter names at one place: {path}"
                node = node.param[1]
        node.endpoints.append(index)
    return nodes


def spellings_of(templates, aliases):
    """Every spelling of every trie template: itself, and for each prefix spelling whose target
    starts it, the template with the prefix replaced (what the matcher's alias walk matches)."""
    out = []
    for path, index in templates:
        out.append((path, index))
        for spelling, target in aliases:
            if path.startswith(target):
                out.append((spelling + path[len(target):], index))
    return out


def check(rows, templates, aliases):
    for path, index in templates:
        segments = path.split("/")
        assert path.isascii(), path
        assert sum(1 for s in segments if param_name(s)) <= MAX_PARAMS, path
        for at, s in enumerate(segments):
            assert param_name(s) != STATE_KEY or at == len(segments) - 1, path
    for spelling, target in aliases:
        assert spelling.endswith("/") and target.endswith("/"), (spelling, target)
        assert all(not param_name(s) for s in target.split("/")), target
    ids = [r["operation_id"] for r in rows]
    assert len(set(ids)) == len(ids), "an operation id twice"
    every = spellings_of(templates, aliases)
    for i, (a, ia) in enumerate(every):
        va = variants(a.split("/"))
        for b, ib in every[i + 1:]:
            if ia == ib or rows[ia]["method"] != rows[ib]["method"]:
                continue
            vb = variants(b.split("/"))
            assert not any(overlap(x, y) for x in va for y in vb), f"ambiguous: {a} {b}"


def emit_trie(templates, aliases):
    nodes = build_trie(templates)
    ids = {id(n): i for i, n in enumerate(nodes)}
    entries = []

    def size(n):
        return 1 + sum(size(c) for c in n.literals.values()) + (size(n.param[1]) if n.param else 0)

    def descend(n, pieces):
        if len(pieces) == ENTRY_DEPTH:
            if n.literals or n.param:
                entries.append(("/".join(pieces) + "/", n))
            return
        if n.param is not None:
            return  # a parameter here could take the next piece: no shortcut past this node
        for k, child in n.literals.items():
            descend(child, pieces + [k])

    def node_of(prefix):
        n = nodes[0]
        for piece in prefix.rstrip("/").split("/"):
            n = n.literals.get(piece)
            if n is None:
                return None
        return n

    descend(nodes[0], [])
    # The prefixes the spellings stand for (v3, v1, media v3) first, where most paths start;
    # then the largest subtrie first.
    canonical = {target for _, target in aliases}
    entries.sort(key=lambda e: (e[0] not in canonical, -size(e[1]), e[0]))
    # The prefix spellings join the entry points: a path that starts with a spelling is walked
    # below the spelling's own node, if the trie has one, then below each target's node. Both
    # are prefixes of ENTRY_DEPTH pieces, so a path starts with an entry point and a spelling
    # only when they are the same prefix.
    own = {prefix: n for prefix, n in entries}
    targets = {}
    for spelling, target in aliases:
        assert len(spelling.split("/")) == ENTRY_DEPTH + 1, f"a prefix spelling of {ENTRY_DEPTH} pieces: {spelling}"
        assert node_of(spelling) is None or spelling in own, f"{spelling} has a node but is no entry point"
        assert node_of(target) is not None, f"no templates under {target}"
        targets.setdefault(spelling, []).append(node_of(target))
    rows = [(prefix, n, targets.get(prefix, [])) for prefix, n in entries]
    rows += [(spelling, None, t) for spelling, t in targets.items() if spelling not in own]
    longest = max(len(path.split("/")) for path, _ in templates)
    out = [
        "",
        "/// The most `/`-separated pieces of any template (the leading empty one included): the",
        "/// depth of the trie, so the most branch points a walk can pass.",
        f"pub(super) const MAX_SEGMENTS: usize = {longest};",
        "",
        "/// Where a path that starts with one of these prefixes can only match: below these nodes, in",
        "/// order: the prefix's own node, if the trie has one, then, for a prefix spelling, the node of",
        "/// each prefix it stands for (the canonical prefixes first, then the largest subtrie first).",
        f"pub(super) static ENTRIES: [(&str, &[&Node]); {len(rows)}] = [",
    ]
    for prefix, n, t in rows:
        walks = ([n] if n is not None else []) + t
        out.append(f"    ({rust_str(prefix)}, &[{', '.join(f'&N{ids[id(x)]}' for x in walks)}]),")
    out += [
        "];",
        "",
        "/// The walk of a path that starts with no entry prefix: from the root of the trie (templates",
        "/// split on `/`, the first piece of a path that starts with `/` is empty; literal children",
        "/// sorted by length, then bytes).",
        "pub(super) static FROM_ROOT: [&Node; 1] = [&N0];",
    ]
    for n in nodes:
        lits = ", ".join(
            f"(0x{key(k):016x}, {rust_str(k)}, &N{ids[id(v)]})"
            for k, v in sorted(n.literals.items(), key=lambda kv: (len(kv[0]), kv[0].encode()))
        )
        param = f"Some(({rust_str(n.param[0])}, &N{ids[id(n.param[1])]}))" if n.param else "None"
        ends = ", ".join(str(e) for e in n.endpoints)
        out += [
            f"static N{ids[id(n)]}: Node = Node {{",
            f"    literals: &[{lits}],",
            f"    param: {param},",
            f"    endpoints: &[{ends}],",
            "};",
        ]
    return out


def generate():
    rows = read_tsv(TSV) + read_tsv(PROSE)
    rows.sort(key=lambda r: r["path"])  # stable: the spec file's method order within one path
    index = {r["operation_id"].split("+")[0]: i for i, r in enumerate(rows)}
    aliases, explicit = [], []
    for s in read_tsv(SPELLINGS):
        assert s["source"].strip(), f"a spelling without its source: {s}"
        if s["kind"] == "prefix":
            aliases.append((s["spelling"], s["target"]))
        else:
            assert s["kind"] == "path", s
            at = index[s["target"]]
            assert rows[at]["method"] == s["method"], s
            explicit.append((s["spelling"], at))
    templates = [(r["path"], i) for i, r in enumerate(rows)] + explicit
    by_id = {i: r for r in rows for i in r["operation_id"].split("+")}
    for r in rows:
        for column, (_, default) in FACT_COLUMNS.items():
            r[column] = default
    seen = set()
    for f in read_tsv(FACTS):
        assert f["source"].strip(), f"a fact without its source: {f}"
        assert f["operation_id"] in by_id, f"unknown operation id: {f}"
        assert f["column"] in FACT_COLUMNS, f"unknown column: {f}"
        assert f["value"] in FACT_COLUMNS[f["column"]][0], f"unknown value: {f}"
        assert (f["operation_id"], f["column"]) not in seen, f"a fact twice: {f}"
        seen.add((f["operation_id"], f["column"]))
        by_id[f["operation_id"]][f["column"]] = f["value"]
    for r in rows:
        if r["account_action"] == "org.matrix.device_delete":
            assert "{deviceId}" in r["path"], f"org.matrix.device_delete needs {{deviceId}}: {r}"
    check(rows, templates, aliases)
    assert len(rows) <= 256, "trie endpoint indices are u8"
    out = [
        "// @generated by core/gen/catalogue.py from core/gen/endpoints.tsv, endpoints-prose.tsv,",
        "// spellings.tsv and endpoint-facts.tsv: do not edit.",
        "//! Every client-server operation of the stable spec (v1.19) and the ones it defines in prose,",
        "//! one entry per method and path, their other spellings, and the static trie that `matching`",
        "//! walks to find the entry a path names.",
        "",
        "use super::matching::Node;",
        "use super::{AccountAction, Endpoint, Guest, Method, Rule, TokenRequirement};",
        "",
        f"/// The {len(rows)} method-and-path templates, sorted by path.",
        "pub static ENDPOINTS: &[Endpoint] = &[",
    ]
    for r in rows:
        ids = ", ".join(rust_str(i) for i in r["operation_id"].split("+"))
        out += [
            "    Endpoint {",
            f"        method: Method::{r['method'].capitalize()},",
            f"        path: {rust_str(r['path'])},",
            f"        operation_ids: &[{ids}],",
            f"        token: TokenRequirement::{TOKEN[r['token']]},",
            f"        uia: {'true' if r['uia'] == 'yes' else 'false'},",
            f"        guest: Guest::{GUEST[r['guest']]},",
            f"        deprecated: {'true' if r['deprecated'] == 'yes' else 'false'},",
            f"        legacy_only: {YES_NO[r['legacy_only']]},",
            f"        rule: {RULE[r['rule']]},",
            f"        account_action: {ACCOUNT_ACTION[r['account_action']]},",
            f"        server_administration: {YES_NO[r['server_administration']]},",
            "    },",
        ]
    out += [
        "];",
        "",
        "/// The prefix spellings, `(spelling, target)`: a path that starts with `spelling` names what",
        "/// the same path with `target` instead names (core/gen/spellings.tsv has the source of each).",
        f"pub static PREFIX_SPELLINGS: [(&str, &str); {len(aliases)}] = [",
    ]
    out += [f"    ({rust_str(a)}, {rust_str(t)})," for a, t in aliases]
    out += [
        "];",
        "",
        "/// The explicit spellings, `(template, index into ENDPOINTS)`: MSC-prefixed and other",
        "/// unstable paths of an endpoint (core/gen/spellings.tsv has the source of each).",
        f"pub static SPELLINGS: [(&str, u8); {len(explicit)}] = [",
    ]
    out += [f"    ({rust_str(t)}, {i})," for t, i in explicit]
    out += ["];"]
    out += emit_trie(templates, aliases)
    out += [""]
    # The trie's long literal lists are laid out by rustfmt, so `cargo fmt --all -- --check`
    # passes on the file exactly as generated.
    formatted = subprocess.run(
        ["rustfmt", "--edition", "2024", "--config-path", str(ROOT / "rustfmt.toml"), "--emit", "stdout"],
        input="\n".join(out),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return rows, formatted


def main():
    rows, text = generate()
    if "--check" in sys.argv[1:]:
        old = OUT.read_text()
        if old != text:
            sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), text.splitlines(True), str(OUT), "generated"))
            sys.exit(f"{OUT.relative_to(ROOT)} is out of date: run python3 core/gen/catalogue.py")
        print(f"{OUT.relative_to(ROOT)} is up to date ({len(rows)} endpoints)")
        return
    OUT.write_text(text)
    print(f"wrote {len(rows)} endpoints to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
