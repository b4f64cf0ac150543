"""Start the kiosk: `python main.py [options] [command]` (same as the `kiosk` command)."""

import sys

from kiosk.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv))
