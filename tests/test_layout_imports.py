"""The server's modules import each other without a cycle, each one imports on its own, and the
sync core imports no feature and no HTTP layer (issue 13 items 4 and 5)."""
import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "server"

# Layers the sync core must not know: it is called by them, and features hang on its hooks.
NOT_FOR_THE_SYNC_CORE = ("server.api", "server.office", "server.reminders")


def modules() -> dict:
    """Every module under server/ by dotted name (alembic's migration scripts are run, not imported)."""
    found = {}
    for path in sorted(SERVER.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "migrations" in parts:
            continue
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _known(name: str, known) -> str | None:
    """The module `name` is, or the package it is in, if under server/."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(name: str, path: Path, known) -> set:
    """The server modules `name` imports, at module level or inside a function alike."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            # `from package import module` imports the module; `from module import name` the module
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        found.update(t for t in map(lambda target: _known(target, known), targets) if t and t != name)
    return found


def graph() -> dict:
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def find_cycle(edges: dict) -> list | None:
    """One import cycle as [a, b, ..., a], or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_graph_is_read_from_the_source():
    edges = graph()
    assert "server.sync.push" in edges and "server.db.checkpoint" in edges
    assert "server.extensions" in edges["server.models.customer"]
    assert "server.reminders.run" in edges["server.reminders.cli"]  # an import inside a function counts
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_even_through_imports_inside_functions():
    """An import moved into a function to dodge a cycle still counts: the cycle is still there."""
    assert find_cycle(graph()) is None


def test_the_sync_core_imports_no_feature_and_no_http():
    wrong = sorted((name, target) for name, targets in graph().items() if name.startswith("server.sync.")
                   for target in targets if target.startswith(NOT_FOR_THE_SYNC_CORE))
    assert wrong == []


# Import each module first, in a fresh child process: a cycle through a package's __init__ breaks
# only in some orders, so every module gets to be the first. The third-party libraries are loaded
# once before forking, which keeps ~100 imports to seconds.
ISOLATED = r"""
import importlib, json, os, sys, traceback
request = json.loads(sys.stdin.read())
for lib in request["preload"]:
    try:
        importlib.import_module(lib)
    except Exception:
        pass
failed = {}
for name in request["modules"]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            importlib.import_module(name)
            code = 0
        except BaseException:
            os.write(write, traceback.format_exc()[-2000:].encode())
            code = 1
        os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        message = pipe.read().decode()
    if os.waitpid(pid, 0)[1] != 0:
        failed[name] = message or "died"
print(json.dumps(failed))
"""


def test_every_module_imports_on_its_own():
    known = modules()
    preload = sorted({alias.name.split(".")[0] for path in known.values()
                      for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Import)
                      for alias in node.names if not alias.name.startswith("server")} |
                     {node.module.split(".")[0] for path in known.values()
                      for node in ast.walk(ast.parse(path.read_text()))
                      if isinstance(node, ast.ImportFrom) and not node.level and node.module
                      and not node.module.startswith("server")})
    done = subprocess.run([sys.executable, "-c", ISOLATED], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          input=json.dumps({"preload": preload, "modules": sorted(known)}))
    assert done.returncode == 0, done.stderr
    failed = json.loads(done.stdout.strip().splitlines()[-1])
    assert failed == {}, "\n\n".join(f"{name}:\n{error}" for name, error in failed.items())
