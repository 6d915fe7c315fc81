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


# QgsField takes a QMetaType.Type from QGIS 3.38 and nothing else in QGIS 4 (Qt 6 has no
# QVariant.Type): a QVariant.Type may only be the fallback of a QGIS version test whose other
# branch is the QMetaType.Type (decode_map_algorithm.field_type).
QVARIANT_TYPE = re.compile(r"\bQVariant\.(Type\b|[A-Z]\w*\b(?!\s*[.(]))")
QMETATYPE_BRANCH = re.compile(r"QGIS_VERSION_INT[^\n]*>=\s*33800[\s\S]*QMetaType\.Type")


def test_the_lint_catches_a_qvariant_type_without_its_qmetatype_branch():
    assert offences("fields.append(QgsField('v', QVariant.Type.Double))\n", QVARIANT_TYPE)
    assert offences("kind = QVariant.Int\n", QVARIANT_TYPE)
    assert not offences("value = QVariant()\n", QVARIANT_TYPE)
    gated = ("if Qgis.QGIS_VERSION_INT >= 33800:\n    return QMetaType.Type.Double\n"
             "return QVariant.Type.Double\n")
    assert QMETATYPE_BRANCH.search(gated)
    assert not QMETATYPE_BRANCH.search("return QVariant.Type.Double\n")


def test_qvariant_types_only_as_the_fallback_for_old_qgis():
    problems, gated = [], 0
    for path in python_files():
        if path == Path(__file__):
            continue
        text = path.read_text(encoding="utf-8")
        found = offences(text, QVARIANT_TYPE)
        if found and QMETATYPE_BRANCH.search(text):
            gated += 1
            continue
        problems += [f"{path.relative_to(REPO_ROOT)}:{number}: {line}  -> use QMetaType.Type "
                     "from QGIS 3.38 (see decode_map_algorithm.field_type)"
                     for number, line in found]
    assert problems == [], "QVariant types QGIS 4 will refuse:\n" + "\n".join(problems)
    assert gated >= 1  # field_type's fallback is seen: the lint still looks at real code
