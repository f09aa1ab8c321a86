#!/usr/bin/env python3
"""Writes core/src/endpoint/catalogue.rs from core/gen/endpoints.tsv (the spec's operations).

Run from the repository root: python3 core/gen/catalogue.py
The tsv is a copy of the stable spec's operation list (matrix-spec d0ba2aae, v1.19).

Besides the catalogue itself it writes the path-matching trie (`ROUTES`, see
core/src/endpoint/matching.rs): one node per distinct template prefix, split on `/`, with its
literal children sorted by length, then bytes, each with its first eight bytes as a number (the
matcher binary-searches them on length and that number, and only pieces longer than eight
bytes ever compare more), its `{param}` child,
and the catalogue entries whose template ends there. Everything is static data, so matching
builds nothing at run time. The generator also checks the properties the matcher relies on and
refuses to write a catalogue that breaks them:

- no two templates of one method can match the same path (so the order in which the trie is
  walked cannot change the answer: the first operation id is the one reported either way);
- `{stateKey}`, the one parameter that may be empty or left out, only ever ends a template;
- no template has more than MAX_PARAMS parameters, and every segment is ASCII.

It also writes the trie's entry points (`ENTRIES`): the prefixes `/a/b/c/` of four pieces that
lead from the root through literals only, past nodes without a `{param}` child. A path that
starts with one of them can only match below its node (the walk from the root has nowhere else
to go), so the matcher starts there and skips the first levels. `CLIENT_V3` is the node of
`/_matrix/client/v3/`, where `r0` paths start.
"""
import csv
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
TSV = ROOT / "core/gen/endpoints.tsv"
OUT = ROOT / "core/src/endpoint/catalogue.rs"

TOKEN = {"none": "None", "optional": "Optional", "required": "Required", "appservice": "Appservice"}
GUEST = {"no": "No", "yes": "Yes", "displayname-only": "DisplaynameOnly"}
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


def build_trie(rows):
    nodes = [Node()]
    for index, r in enumerate(rows):
        node = nodes[0]
        for s in r["path"].split("/"):
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
                assert node.param[0] == name, f"two parameter names at one place: {r['path']}"
                node = node.param[1]
        node.endpoints.append(index)
    return nodes


def check(rows):
    for r in rows:
        segments = r["path"].split("/")
        assert r["path"].isascii(), r["path"]
        assert sum(1 for s in segments if param_name(s)) <= MAX_PARAMS, r["path"]
        for at, s in enumerate(segments):
            assert param_name(s) != STATE_KEY or at == len(segments) - 1, r["path"]
    for i, a in enumerate(rows):
        for b in rows[i + 1:]:
            if a["method"] != b["method"]:
                continue
            va, vb = variants(a["path"].split("/")), variants(b["path"].split("/"))
            assert not any(overlap(x, y) for x in va for y in vb), f"ambiguous: {a['path']} {b['path']}"


def emit_trie(rows):
    nodes = build_trie(rows)
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

    descend(nodes[0], [])
    entries.sort(key=lambda e: (-size(e[1]), e[0]))
    v3 = [n for prefix, n in entries if prefix == "/_matrix/client/v3/"]
    assert len(v3) == 1, "the r0 alias needs /_matrix/client/v3/ as an entry point"
    longest = max(len(r["path"].split("/")) for r in rows)
    out = [
        "",
        "/// The most `/`-separated pieces of any template (the leading empty one included): the",
        "/// depth of the trie, so the most branch points a walk can pass.",
        f"pub(super) const MAX_SEGMENTS: usize = {longest};",
        "",
        "/// The root of the path-matching trie: templates split on `/` (the first piece of a path that",
        "/// starts with `/` is empty), literal children sorted by length, then bytes.",
        "pub(super) static ROUTES: &Node = &N0;",
        "",
        "/// Where a path that starts with one of these prefixes can only match (largest subtrie first).",
        f"pub(super) static ENTRIES: [(&str, &Node); {len(entries)}] = [",
    ]
    out += [f"    ({rust_str(prefix)}, &N{ids[id(n)]})," for prefix, n in entries]
    out += [
        "];",
        "",
        "/// The node of `/_matrix/client/v3/`, where the pieces after `/_matrix/client/r0/` are matched.",
        f"pub(super) static CLIENT_V3: &Node = &N{ids[id(v3[0])]};",
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


def main():
    lines = [l for l in TSV.read_text().splitlines() if l and not l.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    check(rows)
    assert len(rows) <= 256, "trie endpoint indices are u8"
    out = [
        "// @generated by core/gen/catalogue.py from core/gen/endpoints.tsv: do not edit.",
        "//! Every client-server operation of the stable spec (v1.19), one entry per method and path,",
        "//! and the static trie that `matching` walks to find the entry a path names.",
        "",
        "use super::matching::Node;",
        "use super::{Endpoint, Guest, Method, TokenRequirement};",
        "",
        f"/// The {len(rows)} method-and-path templates of the spec, sorted by path then method.",
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
            f"        since_r0: {'true' if r['added_in'] == '-' else 'false'},",
            f"        deprecated: {'true' if r['deprecated'] == 'yes' else 'false'},",
            "    },",
        ]
    out += ["];"]
    out += emit_trie(rows)
    out += [""]
    OUT.write_text("\n".join(out))
    # The trie's long literal lists are laid out by rustfmt, so `cargo fmt --all -- --check`
    # passes on the file exactly as generated.
    subprocess.run(["rustfmt", "--edition", "2024", "--config-path", str(ROOT / "rustfmt.toml"), str(OUT)], check=True)
    print(f"wrote {len(rows)} endpoints to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
