"""Start the kiosk: `python main.py [options]` (same as the `kiosk` command)."""

import sys

from kiosk import app

if __name__ == "__main__":
    sys.exit(app.run(sys.argv))
