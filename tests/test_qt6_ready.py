"""Lint: the plugin's Python is ready for Qt 6 (QGIS 4), as metadata.txt declares.

Qt 6 (PyQt6) knows an enum member only through its enum (``Qt.AlignmentFlag.AlignLeft``, not
``Qt.AlignLeft``) and has ``exec()`` only (not its old underscore form); PyQt5 accepts both forms, so
nothing else would catch a regression before QGIS 4 does.
"""
import configparser
import os
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SKIPPED_FOLDERS = {".git", "build", "dist", "__pycache__", ".pytest_cache"}

# A Qt class (Qt, QImage, QHeaderView... not QGIS's Qgs classes) followed by a capitalised
# attribute that is not itself followed by another attribute or a call: ``Qt.AlignLeft``,
# ``QImage.Format_RGB888``, ``QVariant.Double``. Scoped forms (``Qt.AlignmentFlag.AlignLeft``)
# and nested classes being called (``QEvent.Type(...)``) pass.
UNSCOPED_ENUM = re.compile(r"\b(Qt|Q[A-Z]\w*)\.([A-Z]\w*)\b(?!\s*[.(])")
OLD_EXEC = re.compile(r"\.exec_\s*\(")


def python_files():
    for folder, subfolders, files in os.walk(REPO_ROOT):
        subfolders[:] = [s for s in subfolders if s not in SKIPPED_FOLDERS]
        for name in files:
            if name.endswith(".py"):
                yield Path(folder) / name


def offences(text, pattern):
    """(line number, line) of each match of ``pattern`` outside comments and strings' prose."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        code = line.split("#", 1)[0]
        if pattern.search(code):
            found.append((number, line.strip()))
    return found


def test_the_lint_catches_what_qt6_refuses():
    assert offences("x = Qt.AlignLeft\n", UNSCOPED_ENUM)
    assert offences("image.convertToFormat(QImage.Format_RGB888)\n", UNSCOPED_ENUM)
    assert offences("kind = QVariant.Double\n", UNSCOPED_ENUM)
    assert offences("dialog." + "exec_" + "()\n", OLD_EXEC)
    assert not offences("x = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop\n",
                        UNSCOPED_ENUM)
    assert not offences("QgsProcessing.TypeVectorPoint; QApplication.clipboard()\n", UNSCOPED_ENUM)
    assert not offences("from qgis.PyQt.QtCore import Qt, QTimer\n", UNSCOPED_ENUM)
    assert not offences("dialog.exec()\n", OLD_EXEC)


def test_no_unscoped_qt_enum_and_no_exec_underscore_anywhere():
    problems, checked = [], 0
    for path in python_files():
        if path == Path(__file__):
            continue  # its own examples
        checked += 1
        text = path.read_text(encoding="utf-8")
        for pattern, advice in ((UNSCOPED_ENUM, "scope the enum (Qt.AlignmentFlag.AlignLeft)"),
                                (OLD_EXEC, "use exec()")):
            problems += [f"{path.relative_to(REPO_ROOT)}:{number}: {line}  -> {advice}"
                         for number, line in offences(text, pattern)]
    assert checked > 30
    assert problems == [], "Not Qt 6 ready:\n" + "\n".join(problems)


def test_metadata_declares_qt6_support():
    metadata = configparser.ConfigParser()
    metadata.read(REPO_ROOT / "metadata.txt", encoding="utf-8")
    assert metadata["general"].get("supportsQt6") == "True"
