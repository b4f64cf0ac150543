"""The clinic's keys: only the passphrase opens what the kiosk sealed, at an honest cost."""

from __future__ import annotations

import base64
import inspect
import json
import stat
import unicodedata

import nacl.exceptions
import nacl.public
import nacl.pwhash.argon2id as argon2id
import nacl.secret
import nacl.utils
import pytest

from kiosk.signups import crypto
from kiosk.signups.crypto import (
    MEMLIMIT_FLOOR,
    OPSLIMIT_FLOOR,
    KdfCost,
    KeysDamaged,
    KeysExist,
    KeysMissing,
    WeakKeyCost,
    WeakPassphrase,
    WrongPassphrase,
    change_passphrase,
    create_keys,
    load_public_key,
    seal,
    unlock,
    unseal,
)
from kiosk.signups.service import SignupService
from tests.small_disk import fill, small_tmpfs

PASSPHRASE = "maple street front desk"
CHEAP = {"opslimit": OPSLIMIT_FLOOR, "memlimit": MEMLIMIT_FLOOR}


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
    assert document["kdf"]["opslimit"] == OPSLIMIT_FLOOR
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


def write_keys_at(path, passphrase, opslimit, memlimit):
    """A genuine keys file locked at any cost, as an older tool or an attacker could write."""
    private_key = nacl.public.PrivateKey.generate()
    salt = nacl.utils.random(argon2id.SALTBYTES)
    key = argon2id.kdf(32, passphrase.encode(), salt, opslimit=opslimit, memlimit=memlimit)
    path.write_text(json.dumps({
        "format": 1, "public_key": base64.b64encode(bytes(private_key.public_key)).decode(),
        "kdf": {"algorithm": "argon2id13", "salt": base64.b64encode(salt).decode(),
                "opslimit": opslimit, "memlimit": memlimit},
        "private_key": base64.b64encode(
            bytes(nacl.secret.SecretBox(key).encrypt(bytes(private_key)))).decode()}))
    return private_key


@pytest.mark.parametrize(("opslimit", "memlimit"), [
    (argon2id.OPSLIMIT_MIN, argon2id.MEMLIMIT_MIN),  # t=1, 8 KiB: what issue 13 found accepted
    (1, MEMLIMIT_FLOOR),
    (OPSLIMIT_FLOOR, MEMLIMIT_FLOOR - 1024),
])
def test_a_keys_file_below_the_owasp_floor_is_refused_even_with_the_right_passphrase(
        tmp_path, opslimit, memlimit):
    path = tmp_path / "clinic-keys.json"
    write_keys_at(path, PASSPHRASE, opslimit, memlimit)
    before = path.read_bytes()
    with pytest.raises(WeakKeyCost, match=r"too cheap.*at least 2 passes and 19 MiB"):
        unlock(path, PASSPHRASE, rewrap_at=crypto.CURRENT_COST)
    assert path.read_bytes() == before
    assert issubclass(WeakKeyCost, KeysDamaged)  # the panel's message for a damaged file


def test_new_keys_below_the_floor_are_refused_and_nothing_written(tmp_path):
    with pytest.raises(WeakKeyCost):
        create_keys(tmp_path / "keys.json", PASSPHRASE, opslimit=1, memlimit=MEMLIMIT_FLOOR)
    assert not (tmp_path / "keys.json").exists()


def test_a_right_passphrase_locks_a_cheaper_file_again_at_the_current_cost(keys):
    public_key = load_public_key(keys)
    old = json.loads(keys.read_text())["kdf"]
    target = KdfCost(OPSLIMIT_FLOOR + 1, 2 * MEMLIMIT_FLOOR)
    private_key = unlock(keys, PASSPHRASE, rewrap_at=target)
    new = json.loads(keys.read_text())["kdf"]
    assert (new["opslimit"], new["memlimit"]) == (target.opslimit, target.memlimit)
    assert new["salt"] != old["salt"]
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    assert load_public_key(keys) == public_key
    assert bytes(unlock(keys, PASSPHRASE)) == bytes(private_key)
    once = keys.read_bytes()
    unlock(keys, PASSPHRASE, rewrap_at=target)  # already at the cost: left alone
    assert keys.read_bytes() == once
    with pytest.raises(WrongPassphrase):
        unlock(keys, "not the passphrase", rewrap_at=KdfCost(OPSLIMIT_FLOOR + 2,
                                                             MEMLIMIT_FLOOR))
    assert keys.read_bytes() == once


def test_the_service_locks_again_at_libsodiums_moderate_cost_by_default():
    default = inspect.signature(SignupService).parameters["key_cost"].default
    assert default == KdfCost(argon2id.OPSLIMIT_MODERATE, argon2id.MEMLIMIT_MODERATE)


@pytest.mark.expect_log("kiosk.signups.crypto", r"could not raise the keys file's cost")
def test_locking_again_on_a_full_disk_keeps_the_old_file(tmp_path, caplog):
    with small_tmpfs(tmp_path / "disk", size="128k") as disk:
        path = disk / "clinic-keys.json"
        create_keys(path, PASSPHRASE, **CHEAP)
        before = path.read_bytes()
        fill(disk)
        private_key = unlock(path, PASSPHRASE,
                             rewrap_at=KdfCost(OPSLIMIT_FLOOR + 1, MEMLIMIT_FLOOR))
        assert "could not raise the keys file's cost" in caplog.text
        assert path.read_bytes() == before
        assert sorted(p.name for p in disk.iterdir()) == ["clinic-keys.json", "filler"]
        assert bytes(unlock(path, PASSPHRASE)) == bytes(private_key)
