"""The engine (plugin/engine) imports no QGIS: it runs in scripts, tests and other tools, and
the QGIS glue stays a thin layer on top."""
import ast
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
ENGINE = REPO_ROOT / "plugin" / "engine"
QT_MODULES = ("qgis", "PyQt5", "PyQt6", "sip")


def imported_modules(path):
    """Every module a file imports, at the top or inside functions (absolute names)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_no_engine_module_imports_qgis_or_qt():
    files = sorted(ENGINE.rglob("*.py"))
    assert len(files) > 20
    offending = [f"{path.relative_to(REPO_ROOT)}: {module}" for path in files
                 for module in imported_modules(path) if module.split(".")[0] in QT_MODULES]
    assert not offending, offending


def test_importing_every_engine_module_loads_no_qgis():
    # In a fresh interpreter, so that nothing the other tests imported can hide an import.
    modules = sorted(".".join(("colormap_decoder",) + path.relative_to(REPO_ROOT).with_suffix("").parts)
                     .removesuffix(".__init__") for path in ENGINE.rglob("*.py"))
    script = (f"import sys; sys.path.insert(0, {str(REPO_ROOT / 'tests')!r})\n"
              "from sample_figure import expose_package; expose_package()\n"
              "import importlib\n"
              f"for name in {modules!r}: importlib.import_module(name)\n"
              f"loaded = sorted(m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r})\n"
              "print(len(sys.modules)); assert not loaded, loaded\n")
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                               timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr
