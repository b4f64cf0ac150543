"""The layers hold: the import contracts in pyproject.toml, and a CLI that needs no Qt.

The contracts themselves (no Qt in the core; cli > app > ui > core) are import-linter's, read
from the import graph, imports inside functions included; scripts/test runs `lint-imports`
too. They run here as well so a plain `pytest` run catches a broken layer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(package_root: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` with the project's contracts on the `kiosk` package in ``package_root``."""
    env = {**os.environ, "PYTHONPATH": str(package_root)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", str(ROOT / "pyproject.toml")],
                          cwd=package_root, env=env, capture_output=True, text=True,
                          check=False, timeout=120)


def test_the_import_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contracts_see_an_import_inside_a_function(tmp_path):
    """What the old hand list could not: a core module importing Qt only when called."""
    shutil.copytree(ROOT / "kiosk", tmp_path / "kiosk",
                    ignore=shutil.ignore_patterns("__pycache__"))
    with (tmp_path / "kiosk" / "contrast.py").open("a", encoding="utf-8") as f:
        f.write("\n\ndef _later() -> None:\n    from kiosk.ui.widgets import theme  # noqa\n")
    with (tmp_path / "kiosk" / "signups" / "entry.py").open("a", encoding="utf-8") as f:
        f.write("\n\ndef _later() -> None:\n    from PySide6 import QtCore  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "The core never imports Qt BROKEN" in result.stdout
    assert "kiosk.signups.entry -> PySide6" in result.stdout
    assert "Layers: cli > app > ui > core BROKEN" in result.stdout
    assert "kiosk.contrast -> kiosk.ui.widgets.theme" in result.stdout


def test_the_command_line_works_where_qt_cannot_load(tmp_path):
    """`kiosk check` and the desk's commands import Qt only to run the kiosk, so they work
    on a machine without display libraries (the contracts allow cli -> app -> Qt, which is
    lazy; this checks that it stays lazy)."""
    code = (
        "import sys\n"
        "sys.modules['PySide6'] = None\n"  # any `import PySide6...` now raises ImportError
        "sys.modules['shiboken6'] = None\n"
        "from kiosk.cli import main\n"
        f"code = main(['kiosk', 'check', {str(ROOT / 'resources' / 'content')!r}])\n"
        "assert not any(m.startswith(('PySide6', 'shiboken6')) for m in sys.modules\n"
        "               if sys.modules[m])\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False, cwd=ROOT, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert "OK: " in result.stdout


def test_the_kiosk_starts_without_the_checker_the_sign_up_stack_or_the_server_driver() -> None:
    """Issue 14: what the start screen needs is imported before its first paint, and nothing
    more: the content checker, the sign-up stack and psycopg (for a kiosk without a server)
    come when first used. Each costs tens of milliseconds at every boot."""
    heavy = ("psycopg", "nacl", "argon2", "phonenumbers", "babel", "markdown", "markdown_it",
             "PIL", "segno", "defusedxml")
    code = (
        "import sys\n"
        "import kiosk.app\n"
        "from kiosk.config import load_settings\n"
        "load_settings(None, environ={})\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False, cwd=ROOT, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
