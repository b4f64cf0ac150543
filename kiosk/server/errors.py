"""What can go wrong with the clinic server, each in plain words that name the cause.

Messages name hosts, users, schema versions and error classes; never a sign-up's content.
Qt-free.
"""

from __future__ import annotations


class ServerUnavailable(Exception):  # noqa: N818 (the name the shared API gave it)
    """The server cannot be used now: down, refused, TLS, wrong password, full disk...

    A kiosk keeps its entries locally and tries again later; the desk shows the message.
    """


class InsecureConnection(ServerUnavailable):
    """The settings would send the password or sealed entries over the network without
    checking the server's certificate (``sslmode=verify-full`` is required off this
    computer). Nothing was sent."""


class SchemaTooNew(ServerUnavailable):
    """The server's database was set up by a newer program; this one changes nothing."""


class WrongRole(ServerUnavailable):
    """The login lacks what this program needs (e.g. the desk on the kiosk's login)."""


class EntryRejected(ServerUnavailable):
    """The server refused this one entry as malformed (too big, an empty field...): sending
    it again will not help. Keep it locally and report it; other entries may still go."""
