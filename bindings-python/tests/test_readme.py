"""The README's Python gate runs as written and answers as its comments say."""

import json
import pathlib
from typing import Any, Callable

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"
API_SCOPE = "urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ"


def readme_gate() -> Callable[..., Any]:
    """The `gate` function of the first Python block in the README's Python section."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Python (PyO3)") :]
    start = section.index("```python\n") + len("```python\n")
    code = section[start : section.index("```\n", start)]
    names: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), names)
    gate: Callable[..., Any] = names["gate"]
    return gate


def test_gate_lets_an_active_api_token_through() -> None:
    assert readme_gate()("GET", "/_matrix/client/v3/sync", {"active": True, "scope": API_SCOPE}, 0) is None


def test_gate_answers_a_missing_token_with_401() -> None:
    status, headers, body = readme_gate()("GET", "/_matrix/client/v3/sync", None, 0)
    assert (status, headers, json.loads(body)["errcode"]) == (401, {}, "M_MISSING_TOKEN")


def test_gate_answers_an_inactive_token_with_401() -> None:
    # RFC 7662 section 2.2: an inactive token's answer need carry nothing but `active: false`.
    status, _, body = readme_gate()("GET", "/_matrix/client/v3/sync", {"active": False}, 0)
    assert (status, json.loads(body)["errcode"]) == (401, "M_UNKNOWN_TOKEN")


def test_gate_refuses_a_token_without_the_api_scope() -> None:
    # The README's gate runs the `synapse` preset: DECISIONS.md step 10 answers 401
    # M_UNKNOWN_TOKEN there, as Synapse does (403 M_FORBIDDEN under `default` and `mas`).
    status, _, body = readme_gate()("GET", "/_matrix/client/v3/sync", {"active": True, "scope": "openid"}, 0)
    assert (status, json.loads(body)["errcode"]) == (401, "M_UNKNOWN_TOKEN")
