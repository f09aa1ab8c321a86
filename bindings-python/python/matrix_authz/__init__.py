"""matrix-authz: authorization policy for Matrix next-gen auth (MSC3861 and its family).

Scopes (MSC2967), device ids, the homeserver's decision on each request with the exact HTTP
answer (guest access, UIA, ``m.oauth`` approval, RFC 9470 step-up), the authorization server's
grant decision, client helpers and registration checks. The engine is the Rust crate
``matrix-authz``; this package is its PyO3 binding and holds no logic and no state of its own.
"""

from . import _native
from ._native import *  # noqa: F403 (every name the extension module adds to its __all__)

__all__ = list(_native.__all__)
