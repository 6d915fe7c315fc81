"""The README's "How it works" table names every engine module and package, so that a newcomer
finds each file's place (a new module without a line there fails this test)."""
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_how_it_works_names_every_engine_file():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it works", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`([A-Za-z_/.]+)`", section))
    engine = REPO_ROOT / "plugin" / "engine"
    expected = {path.name for path in engine.glob("*.py") if path.name != "__init__.py"}
    expected |= {f"{path.name}/" for path in engine.iterdir()
                 if path.is_dir() and (path / "__init__.py").is_file()}
    missing = sorted(name for name in expected if name not in named)
    assert not missing, f"README 'How it works' does not name: {missing}"
