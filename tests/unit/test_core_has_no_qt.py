"""The core (content, config, i18n, logging, CLI check) must work where Qt cannot load."""

import subprocess
import sys

CORE_MODULES = [
    "kiosk.config", "kiosk.content", "kiosk.content.last_good", "kiosk.i18n",
    "kiosk.logging_setup", "kiosk.cli", "kiosk.app", "kiosk.error_guard",
    "kiosk.signups.entry", "kiosk.signups.crypto", "kiosk.signups.store",
    "kiosk.signups.export", "kiosk.signups.service", "kiosk.security", "kiosk.audit",
    "kiosk.private_files", "kiosk.session", "kiosk.staff_session", "kiosk.speech",
]


def test_core_imports_with_pyside6_blocked():
    code = (
        "import sys\n"
        "sys.modules['PySide6'] = None\n"  # any `import PySide6...` now raises ImportError
        f"for name in {CORE_MODULES!r}:\n"
        "    __import__(name)\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules if sys.modules[m])\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_blocking_trick_really_blocks_qt():
    code = "import sys\nsys.modules['PySide6'] = None\nimport kiosk.ui.shell.window\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode != 0
    assert "PySide6" in result.stderr
