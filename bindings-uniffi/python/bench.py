"""Per-call cost of `evaluate("request.decide", ...)` from Python (ctypes). Not a test: run by
`bindings-uniffi/bench.sh python`. Prints microseconds per call after a warm-up."""

import os
import pathlib
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, os.environ.get("MATRIX_AUTHZ_PYTHON", str(HERE.parent / "out" / "python")))

from matrix_authz import evaluate  # noqa: E402

input_json = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else HERE.parent / "bench-input.json").read_text()
calls = int(sys.argv[2]) if len(sys.argv) > 2 else 50000
for _ in range(calls // 10):
    evaluate("request.decide", input_json)
start = time.perf_counter_ns()
for _ in range(calls):
    evaluate("request.decide", input_json)
ns = (time.perf_counter_ns() - start) / calls
print(f"python: request.decide via evaluate: {ns:.0f} ns per call ({calls} calls)")
