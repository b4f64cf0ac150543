"""Readers of kiosk.toml's values and optional tables ([speech], [take_home]), each checking
types and ranges and naming the file and key in its ConfigError. Qt-free."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from kiosk.server.config import ServerConfig
from kiosk.server.errors import ServerUnavailable
from kiosk.speech import SpeechConfig
from kiosk.take_home import TakeHomeConfig


class ConfigError(Exception):
    """The clinic's settings file cannot be used; the message says where and why."""


def typed(table: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in table:
        raise ConfigError(f"{where}: '{key}' is missing")
    value = table[key]
    # bool is an int in Python; a clinic writing `body_px = true` means a mistake.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(f"{where}: '{key}' must be {kind.__name__}, not {value!r}")
    return value



def speech_table(table: Mapping[str, Any], where: str) -> SpeechConfig:
    """[speech]: a key left out keeps the default (espeak-ng piped to aplay)."""
    known = {"enabled", "engine", "player", "voices", "rate", "volume"}
    for key in table:
        if key not in known:
            raise ConfigError(f"{where}: unknown key '{key}' in [speech]")
    defaults = SpeechConfig()
    values: dict[str, Any] = {}
    if "enabled" in table:
        values["enabled"] = typed(table, "enabled", bool, where)
    for key in ("engine", "player"):
        if key in table:
            command = table[key]
            if (not isinstance(command, list) or not command
                    or not all(isinstance(x, str) and x for x in command)):
                raise ConfigError(f"{where}: '{key}' in [speech] must be a command as a list "
                                  f"of words, like [\"aplay\", \"-q\"]")
            for word in command:
                try:
                    word.format(voice="", rate="", volume="")
                except (KeyError, IndexError, ValueError) as e:
                    raise ConfigError(f"{where}: '{key}' in [speech]: {word!r} may hold only "
                                      "{voice}, {rate} and {volume}") from e
            values[key] = tuple(command)
    if "voices" in table:
        voices = table["voices"]
        if not isinstance(voices, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) and v for k, v in voices.items()):
            raise ConfigError(f"{where}: 'voices' in [speech] must be like "
                              f"{{ en = \"en-us\", es = \"es\" }}")
        values["voices"] = {**defaults.voices, **voices}
    for key, lowest, highest in (("rate", 80, 450), ("volume", 10, 200)):
        if key in table:
            value = typed(table, key, int, where)
            if not lowest <= value <= highest:
                raise ConfigError(f"{where}: '{key}' in [speech] must be between "
                                  f"{lowest} and {highest}")
            values[key] = value
    return replace(defaults, **values)


_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def take_home_table(table: Mapping[str, Any], where: str) -> TakeHomeConfig:
    """[take_home]: off unless switched on; the clinic's domains, phone and address."""
    for key in table:
        if key not in TakeHomeConfig.__dataclass_fields__:
            raise ConfigError(f"{where}: unknown key '{key}' in [take_home]")
    enabled = typed(table, "enabled", bool, where) if "enabled" in table else False
    domains = table.get("domains", [])
    if not isinstance(domains, list) or not all(
            isinstance(d, str) and _DOMAIN.match(d) for d in domains):
        raise ConfigError(f"{where}: 'domains' in [take_home] must be a list of the clinic's "
                          f"web domains, like [\"example-clinic.com\"]")
    text = {key: typed(table, key, str, where) if key in table else ""
            for key in ("phone", "address")}
    for key, value in text.items():
        if len(value) > 200 or any(ch in value for ch in "\n\r"):
            raise ConfigError(f"{where}: '{key}' in [take_home] must be one line")
    return TakeHomeConfig(enabled, tuple(domains), text["phone"], text["address"])


def server_table(table: Mapping[str, Any], where: str) -> ServerConfig | None:
    """[server]: absent or without a conninfo, None (the embedded default: local SQLite).

    The connection string is checked as far as it can be without the network: libpq must
    read it, no password may be written in it (.pgpass holds it), and a host written in it
    that is not this computer needs sslmode=verify-full (checked again at each connect,
    with the service file and the PG* variables too).
    """
    known = set(ServerConfig.__dataclass_fields__)
    for key in table:
        if key not in known:
            raise ConfigError(f"{where}: unknown key '{key}' in [server]")
    if not table.get("conninfo"):
        if table:
            raise ConfigError(f"{where}: [server] needs 'conninfo', like "
                              f"\"service=clinic-kiosk\"")
        return None
    conninfo = typed(table, "conninfo", str, where)
    # Only a kiosk needs a name (a desk is not one): `kiosk run` refuses to start without it.
    kiosk_name = typed(table, "kiosk_name", str, where) if "kiosk_name" in table else ""
    if "kiosk_name" in table and (not 1 <= len(kiosk_name) <= 100
                                  or any(ch in kiosk_name for ch in "\n\r")):
        raise ConfigError(f"{where}: 'kiosk_name' in [server] must be one line of 1 to 100 "
                          f"characters, like \"Waiting room 1\"")
    # Here, not at the top: psycopg is loaded only by a kiosk that has a server (issue 14's
    # start-up: the embedded default imports none of it).
    from kiosk.server.transport import parse, require_safe_transport

    try:
        written = parse(conninfo)
        if "password" in written:
            raise ConfigError(f"{where}: 'conninfo' in [server] must not hold the password; "
                              f"put it in the kiosk user's ~/.pgpass (mode 0600)")
        if written.get("host") or written.get("hostaddr"):
            require_safe_transport(conninfo, environ={})
    except ServerUnavailable as e:
        raise ConfigError(f"{where}: 'conninfo' in [server]: {e}") from e
    values: dict[str, Any] = {}
    for key, lowest, highest in (("heartbeat_seconds", 5, 3600),
                                 ("connect_timeout_seconds", 1, 120)):
        if key in table:
            value = typed(table, key, int, where)
            if not lowest <= value <= highest:
                raise ConfigError(f"{where}: '{key}' in [server] must be between "
                                  f"{lowest} and {highest}")
            values[key] = value
    if "poll_seconds" in table:
        poll = table["poll_seconds"]
        if isinstance(poll, bool) or not isinstance(poll, int | float) or not 0.2 <= poll <= 60:
            raise ConfigError(f"{where}: 'poll_seconds' in [server] must be a number "
                              f"between 0.2 and 60")
        values["poll_seconds"] = float(poll)
    return ServerConfig(conninfo=conninfo, kiosk_name=kiosk_name, **values)
