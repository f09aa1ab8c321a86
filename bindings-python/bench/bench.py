"""Per-call cost of the PyO3 package beside the old uniffi module and plain Python, in one run.

Not a test (CI never runs it): the numbers are for the README and the issue's closing note.
Issue 15's targets for the PyO3 package, on a quiet machine, median of three rounds:
`Scope(login_scope)` at most 1 µs, `Policy.decide` of an allowed `GET /sync` at most 2 µs.

Usage (from anywhere in a clone; `bindings-python/bench.sh` wraps the first form):

    python bindings-python/bench/bench.py [--markdown FILE] [--old-target DIR] [--old-rev REV]
    python3 bindings-python/bench/bench.py --install [...]

Candidates. Each runs in its own subprocess of the same interpreter, because both modules are
imported as `matrix_authz`; the driver launches them alternately, round by round (old, new,
plain; old, new, plain; ...), so a burst of load on the machine hits all three alike.

- new: the `matrix_authz` package installed in the Python that runs this script, or, with
  `--install`, in a throwaway venv into which `pip install ./bindings-python` builds it (one
  release build through maturin; it uses `CARGO_TARGET_DIR` when set). An `import matrix_authz`
  that resolves to the repository's `bindings-python/python` folder or to an editable install
  is refused: only what pip installed is measured.
- old: the uniffi module with its ctypes glue, built from the last commit that had it: HEAD if
  `bindings-uniffi/python/conformance.py` exists there, else the parent of the commit that
  deleted it (`--old-rev REV` overrides). That commit is checked out in a temporary git worktree
  and its own `bindings-uniffi/build.sh` runs there; the module is imported from the worktree's
  `bindings-uniffi/out/python`. The build is one release build of the uniffi library and its
  generator, in a target directory of its own so that the clone's target directory is not
  invalidated: a temporary one by default (a few minutes on two cores, every run), or
  `--old-target DIR`, kept and reused by later runs (then only the workspace's own crates are
  rebuilt). The worktree is removed at the end, also on failure.
- plain: what a server writes without the engine: `set(scope.split(" "))`, and a request check
  that looks the route up in a dict and tests the API token's membership in the split scope.

Each subprocess checks every operation's result once (an allowed decision on `sync` for the
device `ABCDEFGHIJ`), warms up, then times each operation with `timeit` (the statement compiled
inline, `perf_counter_ns`, garbage collection paused as timeit does) for `--seconds` per
operation per round. The table gives the median of the rounds in ns per call and each round's
value, with the targets and whether the PyO3 package meets them, and the load average before
and after (the targets hold on a quiet machine only).
"""

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SOURCE_PACKAGE = ROOT / "bindings-python" / "python"
OLD_MARKER = "bindings-uniffi/python/conformance.py"

API = "urn:matrix:client:api:*"
DEVICE = "urn:matrix:client:device:ABCDEFGHIJ"
LOGIN = f"{API} {DEVICE}"
SYNC = "/_matrix/client/v3/sync"
REQUEST = {"method": "GET", "path": SYNC, "token": {"active": True, "scope": LOGIN}}

CANDIDATES = ("old", "new", "plain")
COLUMNS = {"plain": "plain Python", "old": "uniffi (old, ctypes)", "new": "PyO3 (new)"}

# (key, what is measured, the new package's target in ns or None). The statement behind each key
# is the candidate's own, below; a candidate without one shows a dash.
OPERATIONS = (
    ("scope", "`Scope(login_scope)`", 1000),
    ("decide_built", "`Policy.decide` GET /sync, request built per call", 2000),
    ("decide_reused", "`Policy.decide` GET /sync, one request object reused", 2000),
    ("evaluate_text", '`evaluate("request.decide", …)`, JSON text', None),
    ("evaluate_dict", '`evaluate("request.decide", …)`, dict', None),
    ("trivial", "trivial call: `has_api`", None),
)


# ---------------------------------------------------------------------------------------------
# Worker side: one candidate, one round.


def plain_decide(method, path, token):
    """The check a server could write by hand for the routes it knows: no engine, no grammar."""
    endpoint = PLAIN_ROUTES.get((method, path))
    if endpoint is None:
        return ("deny", 404, "M_UNRECOGNIZED")
    if token is None or not token.get("active"):
        return ("deny", 401, "M_UNKNOWN_TOKEN")
    if API not in set(token["scope"].split(" ")):
        return ("deny", 403, "M_FORBIDDEN")
    return ("allow", endpoint)


PLAIN_ROUTES = {
    ("GET", SYNC): "sync",
    ("GET", "/_matrix/client/v3/account/whoami"): "getTokenOwner",
    ("POST", "/_matrix/client/v3/createRoom"): "createRoom",
    ("POST", "/_matrix/client/v3/logout"): "logout",
}


def plain_setup():
    namespace = {"LOGIN": LOGIN, "SYNC": SYNC, "REQUEST": REQUEST, "API": API,
                 "decide": plain_decide, "scope": set(LOGIN.split(" "))}
    allowed = ("allow", "sync")
    cases = {
        "scope": ('set(LOGIN.split(" "))', lambda r: r == {API, DEVICE}),
        "decide_built": ('decide("GET", SYNC, {"active": True, "scope": LOGIN})', lambda r: r == allowed),
        "decide_reused": ('decide(REQUEST["method"], REQUEST["path"], REQUEST.get("token"))', lambda r: r == allowed),
        "trivial": ("API in scope", lambda r: r is True),
    }
    return namespace, cases


def old_setup(old_python):
    sys.path.insert(0, old_python)
    import matrix_authz as m

    imported = Path(m.__file__).resolve()
    if Path(old_python).resolve() not in imported.parents:
        raise SystemExit(f"old: `import matrix_authz` gave {imported}, not the module in {old_python}")
    namespace = {
        "LOGIN": LOGIN, "SYNC": SYNC, "TEXT": json.dumps(REQUEST),
        "Scope": m.Scope, "DecideRequest": m.DecideRequest, "TokenInfo": m.TokenInfo,
        "policy": m.Policy(), "evaluate": m.evaluate, "scope": m.Scope(LOGIN),
        "REQUEST": m.DecideRequest(method="GET", path=SYNC, token=m.TokenInfo(active=True, scope=LOGIN)),
    }

    def allowed(result):
        return (result.decision, result.endpoint, result.device) == (m.DecisionKind.ALLOW, "sync", "ABCDEFGHIJ")

    cases = {
        "scope": ("Scope(LOGIN)", lambda r: str(r) == LOGIN),
        "decide_built": (
            'policy.decide(DecideRequest(method="GET", path=SYNC, token=TokenInfo(active=True, scope=LOGIN)))',
            allowed,
        ),
        "decide_reused": ("policy.decide(REQUEST)", allowed),
        "evaluate_text": ('evaluate("request.decide", TEXT)', lambda r: evaluated_allow(json.loads(r))),
        "trivial": ("scope.has_api()", lambda r: r is True),
    }
    return namespace, cases


def installed_check():
    """Imports the new package and refuses a copy that pip did not install: the repository's
    source folder (which has no `_native` extension next to it unless built in place) or an
    editable install (a `.pth` pointing into the clone)."""
    import importlib.metadata
    import importlib.util

    # Located before it is imported: the source folder fails to import without its extension,
    # and that error would hide the reason.
    spec = importlib.util.find_spec("matrix_authz")
    if spec is None or spec.origin is None:
        raise SystemExit(f"new: no `matrix_authz` in {sys.executable}: pip install ./bindings-python "
                         "(or pass --install)")
    imported = Path(spec.origin).resolve()
    if SOURCE_PACKAGE.resolve() in imported.parents:
        raise SystemExit(f"new: `import matrix_authz` resolves to the source folder {imported.parent}: "
                         "install the package with pip (or pass --install)")
    import matrix_authz as m

    if Path(m.__file__).resolve() != imported:
        raise SystemExit(f"new: `import matrix_authz` gave {m.__file__}, expected {imported}")
    try:
        dist = importlib.metadata.distribution("matrix-authz")
    except importlib.metadata.PackageNotFoundError:
        raise SystemExit(f"new: `import matrix_authz` gave {imported}, but no `matrix-authz` distribution is "
                         f"installed in {sys.executable}: pip install ./bindings-python (or pass --install)")
    files = {Path(dist.locate_file(f)).resolve() for f in dist.files or ()}
    if imported not in files:
        raise SystemExit(f"new: {imported} is not among the files pip installed for matrix-authz "
                         f"{dist.version} (an editable install, or a folder shadowing it)")
    return m, dist.version


def new_setup():
    m, _ = installed_check()
    policy = m.Policy()
    namespace = {"LOGIN": LOGIN, "SYNC": SYNC, "REQUEST": REQUEST, "TEXT": json.dumps(REQUEST),
                 "Scope": m.Scope, "policy": policy, "evaluate": m.evaluate, "scope": m.Scope(LOGIN)}

    def allowed(result):
        return result.allowed and (result.endpoint, result.device) == ("sync", "ABCDEFGHIJ")

    cases = {
        "scope": ("Scope(LOGIN)", lambda r: str(r) == LOGIN),
        "decide_built": ('policy.decide(method="GET", path=SYNC, token={"active": True, "scope": LOGIN})', allowed),
        "decide_reused": ("policy.decide(REQUEST)", allowed),
        "evaluate_text": ('evaluate("request.decide", TEXT)', evaluated_allow),
        "evaluate_dict": ('evaluate("request.decide", REQUEST)', evaluated_allow),
        "trivial": ("scope.has_api", lambda r: r is True),
    }
    return namespace, cases


def evaluated_allow(result):
    return (result["decision"], result["endpoint"], result["device"]) == ("allow", "sync", "ABCDEFGHIJ")


def time_statement(statement, namespace, seconds):
    """ns per call of `statement`: a warm-up that also sizes the loop (doubling the count until
    one loop takes 50 ms), then one loop of about `seconds`."""
    timer = timeit.Timer(statement, timer=time.perf_counter_ns, globals=namespace)
    number = 1
    while True:
        elapsed = timer.timeit(number)
        if elapsed >= 50_000_000:
            break
        number *= 2
    calls = max(1, int(seconds * 1e9 * number / elapsed))
    return timer.timeit(calls) / calls, calls


def worker(args):
    if args.worker == "plain":
        namespace, cases = plain_setup()
    elif args.worker == "old":
        namespace, cases = old_setup(args.old_python)
    else:
        namespace, cases = new_setup()
    results = {}
    for key, (statement, check) in cases.items():
        result = eval(statement, namespace)  # noqa: S307  (our own statements)
        if not check(result):
            raise SystemExit(f"{args.worker}: `{statement}` gave an unexpected result: {result!r}")
        ns, calls = time_statement(statement, namespace, args.seconds)
        results[key] = {"ns": ns, "calls": calls, "statement": statement}
    print(json.dumps(results))


# ---------------------------------------------------------------------------------------------
# Driver side.


def git(*argv, capture=True):
    done = subprocess.run(["git", "-C", str(ROOT), *argv], check=True, text=True,
                          stdout=subprocess.PIPE if capture else None)
    return done.stdout.strip() if capture else ""


def has_marker(rev):
    return subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{rev}:{OLD_MARKER}"],
                          stderr=subprocess.DEVNULL).returncode == 0


def old_revision(requested):
    """The commit to build the uniffi module from: the requested one, HEAD while it still has the
    Python output, else the parent of the commit that deleted it."""
    if requested:
        rev = git("rev-parse", "--verify", f"{requested}^{{commit}}")
    elif has_marker("HEAD"):
        rev = git("rev-parse", "HEAD")
    else:
        deleting = git("rev-list", "-n1", "HEAD", "--", OLD_MARKER)
        if not deleting:
            raise SystemExit(f"no commit before HEAD has {OLD_MARKER}: pass --old-rev")
        rev = git("rev-parse", f"{deleting}^")
    if not has_marker(rev):
        raise SystemExit(f"{rev[:12]} has no {OLD_MARKER}: the uniffi Python module is not there")
    return rev


def build_old(rev, tree, target):
    """Runs the build.sh of the worktree `tree` (checked out at `rev`); returns the folder to
    import the old module from."""
    python = tree / "bindings-uniffi" / "out" / "python"
    env = dict(os.environ, CARGO_TARGET_DIR=str(target))
    print(f"building the uniffi module at {rev[:12]} (CARGO_TARGET_DIR={target})", file=sys.stderr, flush=True)
    returncode = run_group(["bash", str(tree / "bindings-uniffi" / "build.sh")], cwd=tree, env=env)
    package = python / "matrix_authz"
    # build.sh generates Python first, then Kotlin and Swift: a failure in those (they need only
    # the generator, but a later commit's script may want more) leaves the Python package whole.
    complete = (package / "__init__.py").is_file() and any(package.glob("*.so"))
    if returncode != 0:
        if not complete:
            raise SystemExit(f"bindings-uniffi/build.sh at {rev[:12]} failed (exit {returncode})")
        print(f"build.sh exited {returncode} after generating the Python module; using it", file=sys.stderr)
    elif not complete:
        raise SystemExit(f"build.sh at {rev[:12]} left no Python module in {package}")
    return python


def run_group(argv, **kwargs):
    """Runs `argv` in a process group of its own and, when interrupted, ends the whole group:
    killing only the shell would leave cargo building into a worktree that is being removed."""
    process = subprocess.Popen(argv, start_new_session=True, **kwargs)
    try:
        return process.wait()
    except BaseException:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()
        raise


def remove_worktree(tree):
    if subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)]).returncode != 0:
        shutil.rmtree(tree, ignore_errors=True)
        subprocess.run(["git", "-C", str(ROOT), "worktree", "prune"])


def install_new(scratch):
    """A fresh venv with the package pip builds from ./bindings-python; returns its python."""
    venv = scratch / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    print("pip install ./bindings-python into a temporary venv (a release build)", file=sys.stderr, flush=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    str(ROOT / "bindings-python")], check=True)
    return str(python)


def run_worker(python, candidate, args, old_python, scratch):
    argv = [python, str(Path(__file__).resolve()), "--worker", candidate, "--seconds", str(args.seconds)]
    if old_python:
        argv += ["--old-python", str(old_python)]
    # cwd: a folder with nothing importable in it, so no stray `matrix_authz` sits on the path.
    done = subprocess.run(argv, cwd=scratch, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the {candidate} worker failed (exit {done.returncode})")
    return json.loads(done.stdout)


def new_version(python, scratch):
    """Fails early, before the old module's build, when the new package is not installed."""
    done = subprocess.run([python, str(Path(__file__).resolve()), "--probe"], cwd=scratch,
                          stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the new package is not usable from {python}")
    return done.stdout.strip()


def cell(rounds):
    if not rounds:
        return "—"
    return f"**{statistics.median(rounds):,.0f}** ({' / '.join(f'{r:,.0f}' for r in rounds)})"


def report(results, meta):
    lines = [
        "Per-call cost in ns: **median** of the rounds (each round's value). Targets apply to the "
        "PyO3 package.",
        "",
        f"| operation | {' | '.join(COLUMNS[c] for c in ('plain', 'old', 'new'))} | target | met |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for key, label, target in OPERATIONS:
        cells = [cell([r[key]["ns"] for r in results[c] if key in r]) for c in ("plain", "old", "new")]
        new_rounds = [r[key]["ns"] for r in results["new"] if key in r]
        if target is None or not new_rounds:
            goal, met = "—", "—"
        else:
            goal = f"≤ {target:,}"
            met = "yes" if statistics.median(new_rounds) <= target else "**no**"
        lines.append(f"| {label} | {' | '.join(cells)} | {goal} | {met} |")
    lines += ["", "Statements timed, with the calls the last round made of each:", ""]
    for candidate in ("plain", "old", "new"):
        last = results[candidate][-1]
        for key, _, _ in OPERATIONS:
            if key in last:
                lines.append(f"- {COLUMNS[candidate]}: `{last[key]['statement']}` ({last[key]['calls']:,} calls)")
    lines += [""] + [f"- {name}: {value}" for name, value in meta.items()]
    return "\n".join(lines) + "\n"


def driver(args):
    started = time.monotonic()
    load_before = os.getloadavg()
    scratch = Path(tempfile.mkdtemp(prefix="matrix-authz-bench-"))
    tree = None
    # A SIGTERM (a CI timeout, `kill`) goes through the finally below like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        python = install_new(scratch) if args.install else sys.executable
        version = new_version(python, scratch)
        rev = old_revision(args.old_rev)
        target = Path(args.old_target).resolve() if args.old_target else scratch / "old-target"
        build_started = time.monotonic()
        tree = scratch / "old-tree"
        git("worktree", "add", "--detach", str(tree), rev, capture=False)
        old_python = build_old(rev, tree, target)
        build_seconds = time.monotonic() - build_started
        load_measured = os.getloadavg()
        results = {c: [] for c in CANDIDATES}
        for n in range(args.rounds):
            for candidate in CANDIDATES:
                print(f"round {n + 1}/{args.rounds}: {candidate}", file=sys.stderr, flush=True)
                results[candidate].append(run_worker(python, candidate, args, old_python, scratch))
        load_after = os.getloadavg()
        meta = {
            "clone at": f"{git('rev-parse', '--short=12', 'HEAD')} ({'with' if git('status', '--porcelain') else 'no'} uncommitted changes)",
            "old uniffi module built from": f"{rev[:12]} ({subject(rev)})",
            "new package": f"matrix-authz {version}, installed in {python}",
            "python": f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}, "
                      f"{os.cpu_count()} CPUs",
            "rounds": f"{args.rounds}, about {args.seconds} s per statement per round after a warm-up",
            "load average (1, 5, 15 min)": f"start {fmt_load(load_before)}; measuring from {fmt_load(load_measured)} "
                                           f"to {fmt_load(load_after)}",
            "wall time of this script": f"{time.monotonic() - started:.0f} s, of which the old module's build {build_seconds:.0f} s",
        }
        text = report(results, meta)
        print(text)
        if args.markdown:
            Path(args.markdown).write_text("# matrix-authz from Python: per-call cost\n\n" + text)
        return 0
    finally:
        if tree is not None:
            remove_worktree(tree)
        shutil.rmtree(scratch, ignore_errors=True)


def subject(rev):
    line = git("log", "-1", "--format=%s", rev)
    return line if len(line) <= 72 else line[:71] + "…"


def fmt_load(load):
    return " ".join(f"{x:.2f}" for x in load)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--markdown", metavar="FILE", help="also write the table as markdown to FILE")
    parser.add_argument("--install", action="store_true",
                        help="measure a copy pip installs from ./bindings-python into a temporary venv")
    parser.add_argument("--old-rev", metavar="REV", help="build the uniffi module from REV")
    parser.add_argument("--old-target", metavar="DIR",
                        help="CARGO_TARGET_DIR for the uniffi build, kept for later runs (default: a temporary one)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per candidate (default 3)")
    parser.add_argument("--seconds", type=float, default=0.3,
                        help="timed seconds per statement per round (default 0.3)")
    parser.add_argument("--worker", choices=CANDIDATES, help=argparse.SUPPRESS)
    parser.add_argument("--old-python", help=argparse.SUPPRESS)
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        print(installed_check()[1])
        return 0
    if args.worker:
        worker(args)
        return 0
    return driver(args)


if __name__ == "__main__":
    sys.exit(main())
