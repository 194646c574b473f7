"""The import graph of ``src/cellbench``, read with ``ast`` (nothing is imported): layers stay layers.

- No import cycle between any two modules of ``cellbench`` (the package itself and every file under
  ``src/cellbench``, across subpackages). For cycles only **module-level** imports count: those that run when the
  module is imported (top-level statements, also inside ``if``/``try``/``with`` blocks and class bodies). Two kinds
  of import are not edges, on purpose: an import inside a function (it runs when the function is called, after
  every module has loaded, so it cannot make a half-initialised module visible: a lower layer calling up, such as
  ``Measurement.cycles()`` into ``cellbench.measurements.cycles``, imports there), and an import under
  ``if TYPE_CHECKING:`` (only type checkers run it: annotations of a higher layer's types).
- No import cycle either when **every** import counts (inside functions and under ``TYPE_CHECKING`` too, as grimp
  and import-linter count them), except the type-only back edges listed in ``TYPE_ONLY_BACK_EDGES``, each with its
  reason; the test checks that each still exists, runs only under ``TYPE_CHECKING`` and closes a circle.
- The domain packages ``cellbench.safety``, ``cellbench.sustainability`` and ``cellbench.campaigns`` never import
  ``cellbench.store``, at **any** level (module or function): the store and the web depend on them, not the reverse.

An edge ``from a.b import c`` goes to ``a.b.c`` when that is a module, else to ``a.b``; importing a submodule is not
counted as importing its parent packages (``cellbench.web.app`` importing ``cellbench.web.api`` is not an edge to
``cellbench.web``).
"""

from __future__ import annotations

import ast
from pathlib import Path


SRC = Path(__file__).resolve().parents[1] / "src"
DOMAIN = ("cellbench.safety", "cellbench.sustainability", "cellbench.campaigns")


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted((SRC / "cellbench").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _targets(node: ast.Import | ast.ImportFrom, module: str) -> list[str]:
    """The cellbench modules an import statement names."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module if _is_package(module) else module.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{base}" if base else package
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
    return sorted({n for n in names if n == "cellbench" or n.startswith("cellbench.")})


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _module_level_imports(body: list[ast.stmt]):
    """Import statements that run when the module is imported (see the module docstring)."""
    for statement in body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            yield statement
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        elif isinstance(statement, ast.If):
            if not _is_type_checking(statement.test):
                yield from _module_level_imports(statement.body)
            yield from _module_level_imports(statement.orelse)
        elif isinstance(statement, ast.Try):
            for block in (statement.body, statement.orelse, statement.finalbody,
                          *(handler.body for handler in statement.handlers)):
                yield from _module_level_imports(block)
        elif isinstance(statement, (ast.With, ast.ClassDef, ast.For, ast.While)):
            yield from _module_level_imports(statement.body)


def _imports_outside_type_checking(node: ast.AST):
    """Every import statement under `node` (functions included) except those under ``if TYPE_CHECKING:``."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for statement in child.orelse:  # an `else:` of `if TYPE_CHECKING:` runs
                if isinstance(statement, (ast.Import, ast.ImportFrom)):
                    yield statement
                else:
                    yield from _imports_outside_type_checking(statement)
        else:
            yield from _imports_outside_type_checking(child)


def graph(*, module_level_only: bool, type_checking: bool = True) -> dict[str, set[str]]:
    """Module → the cellbench modules it imports: at module level only (what runs on import), or every import
    (inside functions too; with ``type_checking=False`` leaving out those under ``if TYPE_CHECKING:``)."""
    edges: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        if module_level_only:
            statements = _module_level_imports(tree.body)
        elif type_checking:
            statements = (n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)))
        else:
            statements = _imports_outside_type_checking(tree)
        edges[name] = {target for node in statements for target in _targets(node, name) if target != name}
    return edges


def cycles(edges: dict[str, set[str]], within: str) -> list[list[str]]:
    """Strongly connected groups of more than one module (or a module importing itself) among ``within.*``."""
    nodes = sorted(n for n in edges if n == within or n.startswith(within + "."))
    inside = set(nodes)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges[node] & inside):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in edges[node]:
                found.append(sorted(group))

    for node in nodes:
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_the_imports_it_should():
    # guards the reader: were it blind, the checks below would pass on anything
    module_level = graph(module_level_only=True)
    every = graph(module_level_only=False)
    assert "cellbench.web.deps" in module_level["cellbench.web.api"]
    assert "cellbench.store.records.registry" in module_level["cellbench.store.records.rule"]
    assert "cellbench.store.records.safety" in every["cellbench.web.evaluations"]  # imported inside a function
    assert "cellbench.store.records.safety" not in module_level["cellbench.web.evaluations"]
    assert "cellbench.measurements.steps" in module_level["cellbench.analysis.steps"]  # across subpackages
    assert "cellbench.measurements.cycles" in every["cellbench.measurements.measurement"]  # Measurement.cycles()
    assert "cellbench.measurements.cycles" not in module_level["cellbench.measurements.measurement"]
    run_time = graph(module_level_only=False, type_checking=False)
    assert "cellbench.measurements.cycles" in run_time["cellbench.measurements.measurement"]  # inside a function
    assert "cellbench.measurements.measurement" in every["cellbench.measurements.cycles"]  # under TYPE_CHECKING
    assert "cellbench.measurements.measurement" not in run_time["cellbench.measurements.cycles"]
    assert "cellbench.measurements" in every["cellbench"]  # cellbench/__init__.py: under `if TYPE_CHECKING:`
    assert "cellbench.measurements" not in module_level["cellbench"]
    assert cycles({"cellbench.web.a": {"cellbench.web.b"}, "cellbench.web.b": {"cellbench.web.a"}},
                  "cellbench.web") == [["cellbench.web.a", "cellbench.web.b"]]
    assert cycles({"cellbench.a": {"cellbench.b.c"}, "cellbench.b.c": {"cellbench.a"}, "cellbench.d": set()},
                  "cellbench") == [["cellbench.a", "cellbench.b.c"]]


def test_no_module_level_import_cycle_in_the_package():
    module_level = graph(module_level_only=True)
    found = cycles(module_level, "cellbench")
    assert not found, "module-level import cycles (each group imports itself round): " + "; ".join(
        ", ".join(f"{m} -> {sorted(module_level[m] & set(group))}" for m in group) for group in found)


def test_domain_packages_do_not_import_the_store():
    every = graph(module_level_only=False)
    offending = {module: sorted(t for t in targets if t == "cellbench.store" or t.startswith("cellbench.store."))
                 for module, targets in every.items() if module.startswith(DOMAIN)}
    offending = {module: targets for module, targets in offending.items() if targets}
    assert not offending, f"domain modules importing the store (invert: the store calls them): {offending}"


# Counting every import (inside functions and under TYPE_CHECKING too, as grimp and import-linter do), four groups
# of files still go round, all of one shape: a class's method calls a module of functions of that class, and those
# functions name the class in their annotations. The annotation import is the only way back, and it runs under
# `if TYPE_CHECKING:` only (checked below: an exception cannot cover an import that runs). Removing them needs the
# functions typed against a Protocol of the class instead of the class itself, or the methods dropped.
# Each entry: edge -> why it is allowed.
TYPE_ONLY_BACK_EDGES = {
    ("cellbench.cells.figures", "cellbench.cells.design"):
        "figures(design: CellDesign); CellDesign.rated_capacity_mAh() and _repr_html_() call figures",
    ("cellbench.cells.substitution", "cellbench.cells.design"):
        "substitute(design: CellDesign) -> CellDesign; CellDesign.substitute() calls it",
    ("cellbench.measurements.steps", "cellbench.measurements.measurement"):
        "step_table(measurement: Measurement); Measurement.steps() calls it",
    ("cellbench.measurements.cycles", "cellbench.measurements.measurement"):
        "cycle_table(measurement: Measurement); Measurement.cycles() and _repr_html_() call it",
    ("cellbench.measurements.differential", "cellbench.measurements.measurement"):
        "dqdv(measurement: Measurement); Measurement.plot() reaches it through plots.test_figures",
    ("cellbench.measurements.plots", "cellbench.measurements.measurement"):
        "test_figures(measurement: Measurement); Measurement.plot() calls it",
    ("cellbench.durability.interphase", "cellbench.durability.ageing"):
        "material_laws(design, laws: AgeingLaws); ageing's storage/cycling functions call it",
    ("cellbench.evaluation.report", "cellbench.evaluation.run"):
        "results_document(ev: Evaluation); Evaluation.plot() calls it",
}


def test_no_import_cycle_counting_every_import():
    every = graph(module_level_only=False)
    run_time = graph(module_level_only=False, type_checking=False)
    for (source, target), why in TYPE_ONLY_BACK_EDGES.items():
        assert target in every[source], f"stale exception (the import is gone, drop it): {source} -> {target}"
        assert target not in run_time[source], (
            f"{source} imports {target} outside `if TYPE_CHECKING:`: a real circle, not a type-only one ({why})")
    allowed = {source: every[source] - {t for (s, t) in TYPE_ONLY_BACK_EDGES if s == source} for source in every}
    found = cycles(allowed, "cellbench")
    assert not found, "import cycles counting every import (each group imports itself round): " + "; ".join(
        ", ".join(f"{m} -> {sorted(allowed[m] & set(group))}" for m in group) for group in found)
    groups = cycles(every, "cellbench")
    for source, target in TYPE_ONLY_BACK_EDGES:  # each exception closes a circle: none is listed for nothing
        assert any(source in group and target in group for group in groups), \
            f"needless exception: {source} -> {target}"
