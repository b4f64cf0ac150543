"""A stand-in sound card for the speech tests and the bench: the speech player reads a WAV
stream on its standard input; this one appends it to a file instead of playing it.

    python wav_sink.py OUT [--paced] [--pids FILE]

``--paced`` takes as long as a sound card would (the stream's duration from its header), so
a test can stop a reading that is still going; ``--pids`` appends this process's id, so a
test can see that a stopped reading leaves no player behind.
"""

from __future__ import annotations

import os
import struct
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    out = argv[1]
    paced = "--paced" in argv
    if "--pids" in argv:
        with Path(argv[argv.index("--pids") + 1]).open("a", encoding="ascii") as f:
            f.write(f"{os.getpid()}\n")
    source = sys.stdin.buffer
    header = source.read(44)
    # Bytes per second from the WAV header (fmt chunk, canonical 44-byte layout).
    rate = struct.unpack_from("<I", header, 28)[0] if len(header) >= 32 else 0
    started = time.monotonic()
    played = 0
    with Path(out).open("ab") as sink:
        sink.write(header)
        sink.flush()
        while chunk := source.read1(4096):
            sink.write(chunk)
            sink.flush()
            played += len(chunk)
            if paced and rate:
                ahead = played / rate - (time.monotonic() - started)
                if ahead > 0:
                    time.sleep(ahead)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
