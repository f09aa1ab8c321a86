#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target>/ from the conformance vectors (core/conformance/*.json).

Each target reads its own input layout (see the target's module doc and fuzz/README.md); this
script writes every vector input in that layout. Files are named by the SHA-1 of their bytes,
as libFuzzer names them, so re-running adds nothing twice. The corpora are generated, never
committed (.gitignore). Usage: python3 fuzz/seed.py
"""

import hashlib
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
VECTORS = ROOT / "core" / "conformance"
ENDPOINTS_TSV = ROOT / "core" / "gen" / "endpoints.tsv"
CORPUS = ROOT / "fuzz" / "corpus"

# The device target's header: alphabet pick (0 scope_token, 1 unreserved, 2 mas), minimum
# length, maximum length / 2, generated length.
DEVICE_HEADER = {"mas": bytes([2, 10, 127, 10])}
DEFAULT_DEVICE_HEADER = bytes([0, 1, 127, 10])


def cases():
    for path in sorted(VECTORS.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")).get("cases", []):
            yield case


def preset(case):
    policy = case.get("input", {}).get("policy")
    if isinstance(policy, dict):
        policy = policy.get("preset")
    return policy if isinstance(policy, str) else "default"


def seeds():
    """Yields (target, bytes) pairs."""
    for case in cases():
        op, given = case["op"], case.get("input", {})
        yield "json_dispatch", f"{op}\n{json.dumps(given, ensure_ascii=False)}".encode()
        for field in ("scope", "granted", "required"):
            if isinstance(given.get(field), str):
                for target in ("scope_parse", "scope_peer"):
                    yield target, given[field].encode()
        header = DEVICE_HEADER.get(preset(case), DEFAULT_DEVICE_HEADER)
        if op == "device.validate" and isinstance(given.get("device_id"), str):
            yield "device", header + given["device_id"].encode()
        if isinstance(given.get("entropy"), str):
            try:
                entropy = bytes.fromhex(given["entropy"])
            except ValueError:
                entropy = None
            length = given.get("length", 10)
            if entropy is not None and isinstance(length, int) and 0 <= length < 255:
                yield "device", header[:3] + bytes([length]) + b"ABCDEFGHIJ\0" + entropy
        if op == "request.decide" and isinstance(given.get("path"), str):
            yield "endpoint_lookup", f"{given.get('method', 'GET')} {given['path']}".encode()
        if op in ("client_metadata.validate", "server_metadata.validate") and "metadata" in given:
            yield "metadata", json.dumps(given["metadata"], ensure_ascii=False).encode()
        if op == "redirect_uri.check":
            registered = [u for u in given.get("registered") or [] if isinstance(u, str)]
            lines = [str(given.get("client_uri", "")), str(given.get("redirect_uri", ""))] + registered
            yield "metadata", "\n".join(lines).encode()
    # Every catalogued template filled in, in the endpoint matcher's layout.
    for line in ENDPOINTS_TSV.read_text(encoding="utf-8").splitlines():
        columns = line.split("\t")
        if line.startswith("#") or len(columns) < 2 or columns[0] == "method":
            continue
        method, template = columns[0], columns[1]
        filled = "/".join("x" if s.startswith("{") else s for s in template.split("/"))
        yield "endpoint_lookup", f"{method} {filled}".encode()


def main():
    counts = {}
    for target, data in seeds():
        folder = CORPUS / target
        folder.mkdir(parents=True, exist_ok=True)
        (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)
        counts[target] = counts.get(target, 0) + 1
    for target in sorted(counts):
        files = len(list((CORPUS / target).iterdir()))
        print(f"seed {target}: {counts[target]} inputs, {files} files in fuzz/corpus/{target}")


if __name__ == "__main__":
    main()
