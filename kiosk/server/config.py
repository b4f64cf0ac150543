"""The ``[server]`` table of kiosk.toml as a value (parsed by kiosk/config_tables.py).

``conninfo`` is a libpq connection string, so everything libpq knows applies: a service
name (``service=clinic-kiosk`` read from ``~/.pg_service.conf``), the password from
``~/.pgpass`` (never in kiosk.toml), ``sslmode`` and ``sslrootcert``. Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServerConfig:
    conninfo: str
    # Shown on the desk beside each sign-up and heartbeat: which waiting room.
    kiosk_name: str
    heartbeat_seconds: int = 30
    # How often the desk looks for changes when LISTEN/NOTIFY is not available.
    poll_seconds: float = 2.0
    connect_timeout_seconds: int = 5
