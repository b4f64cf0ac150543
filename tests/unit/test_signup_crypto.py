"""The clinic's keys: only the passphrase opens what the kiosk sealed."""

from __future__ import annotations

import base64
import inspect
import json
import stat
import unicodedata

import nacl.exceptions
import nacl.public
import nacl.pwhash.argon2id as argon2id
import pytest

from kiosk.signups import crypto
from kiosk.signups.crypto import (
    KeysDamaged,
    KeysExist,
    KeysMissing,
    WeakPassphrase,
    WrongPassphrase,
    change_passphrase,
    create_keys,
    load_public_key,
    seal,
    unlock,
    unseal,
)

PASSPHRASE = "maple street front desk"
CHEAP = {"opslimit": argon2id.OPSLIMIT_MIN, "memlimit": argon2id.MEMLIMIT_MIN}


@pytest.fixture
def keys(tmp_path):
    path = tmp_path / "data" / "clinic-keys.json"
    create_keys(path, PASSPHRASE, **CHEAP)
    return path


def test_keys_file_is_private_and_holds_no_plain_private_key(keys):
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    assert stat.S_IMODE(keys.parent.stat().st_mode) == 0o700
    document = json.loads(keys.read_text())
    assert document["format"] == 1
    assert set(document["kdf"]) == {"algorithm", "salt", "opslimit", "memlimit"}
    assert document["kdf"]["opslimit"] == argon2id.OPSLIMIT_MIN
    private_key = bytes(unlock(keys, PASSPHRASE))
    raw = keys.read_bytes()
    for form in (private_key, base64.b64encode(private_key), private_key.hex().encode()):
        assert form not in raw


def test_seal_and_unseal_round_trip(keys):
    blob = seal(load_public_key(keys), "Zoë 李小龍".encode())
    assert "Zoë".encode() not in blob
    assert unseal(unlock(keys, PASSPHRASE), blob) == "Zoë 李小龍".encode()


def test_each_seal_differs_and_another_key_cannot_open_it(keys):
    public_key = load_public_key(keys)
    assert seal(public_key, b"same") != seal(public_key, b"same")
    with pytest.raises(nacl.exceptions.CryptoError):
        unseal(nacl.public.PrivateKey.generate(), seal(public_key, b"secret"))


def test_wrong_passphrase(keys):
    with pytest.raises(WrongPassphrase):
        unlock(keys, PASSPHRASE + "!")


def test_the_passphrase_is_compared_after_unicode_normalisation(tmp_path):
    path = tmp_path / "keys.json"
    create_keys(path, "crème brûlée", **CHEAP)
    unlock(path, unicodedata.normalize("NFD", "crème brûlée"))


def test_never_overwrites_existing_keys(keys):
    before = keys.read_bytes()
    with pytest.raises(KeysExist):
        create_keys(keys, "another passphrase", **CHEAP)
    assert keys.read_bytes() == before
    assert [p.name for p in keys.parent.iterdir()] == [keys.name]  # no temp file left


@pytest.mark.parametrize("weak", ["", "short", "1234567", "ëëëëëë\u0308"])
def test_weak_passphrase_is_refused_and_nothing_written(tmp_path, weak):
    with pytest.raises(WeakPassphrase, match="at least 8"):
        create_keys(tmp_path / "keys.json", weak, **CHEAP)
    assert not (tmp_path / "keys.json").exists()


def test_missing_keys(tmp_path):
    with pytest.raises(KeysMissing):
        load_public_key(tmp_path / "nope.json")
    with pytest.raises(KeysMissing):
        unlock(tmp_path / "nope.json", PASSPHRASE)


@pytest.mark.parametrize("damage", [
    lambda d: b"\x00garbage",
    lambda d: b"[1, 2]",
    lambda d: json.dumps({**d, "format": 99}).encode(),
    lambda d: json.dumps({**d, "public_key": "!!!"}).encode(),
    lambda d: json.dumps({**d, "public_key": base64.b64encode(b"short").decode()}).encode(),
])
def test_damaged_keys_file_for_the_public_key(keys, damage):
    keys.write_bytes(damage(json.loads(keys.read_text())))
    with pytest.raises(KeysDamaged):
        load_public_key(keys)


@pytest.mark.parametrize("damage", [
    lambda d: {**d, "kdf": "nope"},
    lambda d: {**d, "kdf": {**d["kdf"], "salt": "AAAA"}},
    lambda d: {**d, "kdf": {**d["kdf"], "memlimit": 2**50}},
    lambda d: {**d, "kdf": {**d["kdf"], "algorithm": "md5"}},
    lambda d: {**d, "private_key": d["private_key"][:20]},
    lambda d: {key: value for key, value in d.items() if key != "private_key"},
    lambda d: {**d, "public_key": base64.b64encode(
        bytes(nacl.public.PrivateKey.generate().public_key)).decode()},
])
def test_damaged_keys_file_for_unlocking(keys, damage):
    keys.write_text(json.dumps(damage(json.loads(keys.read_text()))))
    with pytest.raises(KeysDamaged):
        unlock(keys, PASSPHRASE)


def test_change_passphrase_keeps_old_entries_readable(keys):
    blob = seal(load_public_key(keys), b"entry before the change")
    change_passphrase(keys, PASSPHRASE, "a brand new passphrase", **CHEAP)
    with pytest.raises(WrongPassphrase):
        unlock(keys, PASSPHRASE)
    assert unseal(unlock(keys, "a brand new passphrase"), blob) == b"entry before the change"
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600


def test_change_passphrase_refuses_wrong_old_or_weak_new(keys):
    before = keys.read_bytes()
    with pytest.raises(WrongPassphrase):
        change_passphrase(keys, "not the passphrase", "a brand new passphrase", **CHEAP)
    with pytest.raises(WeakPassphrase):
        change_passphrase(keys, PASSPHRASE, "short", **CHEAP)
    assert keys.read_bytes() == before


def test_real_defaults_are_libsodiums_moderate_costs():
    for function in (create_keys, change_passphrase):
        parameters = inspect.signature(function).parameters
        assert parameters["opslimit"].default == argon2id.OPSLIMIT_MODERATE
        assert parameters["memlimit"].default == argon2id.MEMLIMIT_MODERATE
    assert crypto.MIN_PASSPHRASE == 8
