"""The package's architecture, as tests: layers that follow the chapters, no import cycle,
short modules, no private MNE API. Everything is read from the source with ``ast``, imports
inside functions included (a function-level import is still a dependency)."""

import ast
from pathlib import Path

import pytest

import minnorm_teach

PACKAGE = Path(minnorm_teach.__file__).parent
MAX_LINES = 300

#: The math layers in the order of the chapters. A module may import modules of its own layer
#: or of earlier layers, never of a later one. Entries are top-level modules or subpackages.
LAYERS = (
    ("notation", "check", "validation"),          # notation table, self-checks, input checks
    ("linalg",),                                  # 02-04 generalized inverse, SVD, Tikhonov
    ("covariance", "whitening"),                  # 05 noise covariance and whitening
    ("lead_field", "priors", "operator"),         # 06 source priors and the inverse operator
    ("kernel",),                                  # 07 the kernel and applying it
    ("eloreta", "noise_norm"),                    # 08 noise normalisation, the method dispatch
    ("apply", "inverse"),                         # 07-08 the MNE-object edge
    ("resolution",),                              # 09 resolution
    ("sparse",),                                  # 10-12 sparse solvers (and 15 gamma-MAP)
    ("beamformer",),                              # 15 the LCMV beamformer
    ("viz",),                                     # figures
)
#: Beside the layers: the data, the course tooling (website, student notebooks, command line),
#: the exercise helpers and the benchmark of chapter 14. They may import any layer; no layer
#: imports them.
OUTSIDE = ("datasets", "tooling", "exercises", "benchmark", "__main__")

LAYER_OF = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}


def _modules():
    """{dotted module name: path} for every module of the package (packages as __init__)."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


MODULES = _modules()


def _resolve(module, node):
    """The package modules that one Import / ImportFrom node of ``module`` imports."""
    is_package = MODULES[module].name == "__init__.py"
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module.split(".")
        base = base[: len(base) - node.level + (1 if is_package else 0)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    targets = []
    for alias in node.names:
        candidate = f"{prefix}.{alias.name}"
        targets.append(candidate if candidate in MODULES else prefix)
    return targets


def _imports(module):
    """Package-internal modules imported anywhere in ``module`` (functions included)."""
    tree = ast.parse(MODULES[module].read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for target in _resolve(module, node):
                while target and target not in MODULES:       # import a.b.c -> the module a.b
                    target = target.rpartition(".")[0]
                if target.startswith("minnorm_teach.") and target != module:
                    found.add(target)
    return found


GRAPH = {module: _imports(module) for module in MODULES}


def _unit(module):
    """The top-level component a module belongs to: minnorm_teach.linalg.svd -> 'linalg'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def test_every_module_has_a_place():
    units = {_unit(m) for m in MODULES} - {None}
    unplaced = sorted(units - set(LAYER_OF) - set(OUTSIDE))
    assert not unplaced, (f"add {unplaced} to LAYERS (math, in chapter order) or OUTSIDE "
                          f"(data, tooling) in tests/test_architecture.py")


def test_import_graph_has_no_cycle():
    state = {}

    def visit(module, path):
        state[module] = "open"
        for target in sorted(GRAPH[module]):
            if state.get(target) == "open":
                cycle = path[path.index(target):] + [target]
                pytest.fail(f"import cycle: {' -> '.join(cycle)}")
            if target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in sorted(MODULES):
        if module not in state:
            visit(module, [module])


def test_layers_import_only_earlier_layers():
    wrong = []
    for module, targets in GRAPH.items():
        unit = _unit(module)
        if unit not in LAYER_OF:
            continue
        for target in targets:
            other = _unit(target)
            if other is None or other == unit:
                continue
            if other in OUTSIDE:
                wrong.append(f"{module} imports {target} (outside the math layers)")
            elif LAYER_OF[other] > LAYER_OF[unit]:
                wrong.append(f"{module} (layer {LAYER_OF[unit]}) imports {target} "
                             f"(later layer {LAYER_OF[other]})")
    assert not wrong, "\n".join(wrong)


def test_no_math_module_is_too_long():
    long = {m: n for m, p in MODULES.items()
            if _unit(m) in LAYER_OF and (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them by topic): {long}"


def _private_mne_uses(path):
    """Underscored MNE names: from mne.x._y import ..., from mne.x import _z, mne.x._z."""
    tree = ast.parse(path.read_text())
    roots, uses = set(), []

    def private(name):
        return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "mne":
                    roots.add((alias.asname or alias.name).split(".")[0])
                    if any(private(p) for p in alias.name.split(".")):
                        uses.append(f"line {node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "mne":
            if any(private(p) for p in node.module.split(".")):
                uses.append(f"line {node.lineno}: from {node.module} import ...")
            for alias in node.names:
                roots.add(alias.asname or alias.name)
                if private(alias.name):
                    uses.append(f"line {node.lineno}: from {node.module} import {alias.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and private(node.attr):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in roots:
                uses.append(f"line {node.lineno}: {ast.unparse(node)}")
    return uses


def test_no_private_mne_api():
    uses = {m: u for m, p in MODULES.items() if (u := _private_mne_uses(p))}
    assert not uses, f"private MNE names (they change in any MNE release): {uses}"


def test_the_private_mne_check_catches_each_form(tmp_path):
    source = ("import mne\nfrom mne.minimum_norm.inverse import _assemble_kernel\n"
              "from mne.minimum_norm import _eloreta\nfrom mne.utils import logger as log\n"
              "K = mne.minimum_norm.inverse._assemble_kernel\nx = log._level\n"
              "ok = mne.__version__, mne.minimum_norm.apply_inverse\n")
    path = tmp_path / "example.py"
    path.write_text(source)
    assert [u.split(":")[0] for u in _private_mne_uses(path)] == [
        "line 2", "line 3", "line 5", "line 6"]
