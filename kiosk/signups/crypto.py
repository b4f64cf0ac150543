"""The clinic's key pair: the kiosk seals with the public key, only the passphrase opens.

The keys file (JSON, 0600) holds the public key in the clear and the private key inside a
``SecretBox`` whose key is derived from the front-desk passphrase with Argon2id (random
salt; the cost settings are stored so they can be raised for new files without breaking
old ones). A stolen disk therefore holds sealed entries and a passphrase-locked key, and
the running kiosk, which only ever loads the public key, cannot read what it wrote.

The stored cost is not trusted: a file asking for less than the OWASP floor for Argon2id
(19 MiB, 2 passes) is refused before any work is done, since whoever could write it could
make an offline guess of the passphrase cheap. After a right passphrase a file below the
current cost is locked again at it (a new salt, written atomically, 0600; if that cannot be
written, the old file stays and still unlocks).

Passphrases are compared after Unicode NFC normalisation, so one typed on the kiosk's
on-screen keyboard and one typed in a terminal give the same key. Qt-free.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nacl.exceptions
import nacl.public
import nacl.pwhash.argon2id as argon2id
import nacl.secret
import nacl.utils

from kiosk.private_files import create_exclusive, private_dir, write_atomic

log = logging.getLogger(__name__)

FORMAT = 1
MIN_PASSPHRASE = 8
# Unlocking happens a few times a day at the desk, so spend about half a second and 256 MiB
# on it (libsodium's "moderate"); tests pass the FLOOR values.
OPSLIMIT = argon2id.OPSLIMIT_MODERATE
MEMLIMIT = argon2id.MEMLIMIT_MODERATE
# The least a keys file may ask for: OWASP's Password Storage Cheat Sheet minimum for
# Argon2id (m=19 MiB, t=2, p=1; libsodium always uses p=1).
OPSLIMIT_FLOOR = 2
MEMLIMIT_FLOOR = 19 * 1024 * 1024
# Refuse absurd costs from a damaged file rather than try to allocate terabytes.
_MEMLIMIT_CEILING = 4 * 1024**3
_LOCKED_SIZE = (nacl.secret.SecretBox.NONCE_SIZE + nacl.secret.SecretBox.MACBYTES
                + nacl.public.PrivateKey.SIZE)


class KeysError(Exception):
    """Base class; messages never contain the passphrase or any key material."""


class KeysExist(KeysError):  # noqa: N818 - reads better at the call site
    pass


class KeysMissing(KeysError):  # noqa: N818 - reads better at the call site
    pass


class KeysDamaged(KeysError):  # noqa: N818 - reads better at the call site
    pass


class WrongPassphrase(KeysError):  # noqa: N818 - reads better at the call site
    pass


class WeakPassphrase(KeysError):  # noqa: N818 - reads better at the call site
    pass


class PublicKeyOnly(KeysError):  # noqa: N818 - reads better at the call site
    """This kiosk holds only the clinic's public key (server mode): it seals, it never reads."""


class WeakKeyCost(KeysDamaged):
    """The keys file asks for less Argon2id work than the floor: refused, never used."""


@dataclass(frozen=True)
class KdfCost:
    opslimit: int
    memlimit: int

    def check(self, where: object) -> None:
        if self.opslimit < OPSLIMIT_FLOOR or self.memlimit < MEMLIMIT_FLOOR:
            raise WeakKeyCost(
                f"{where}: the passphrase's key derivation is set too cheap "
                f"({self.opslimit} passes, {self.memlimit // 1024} KiB; at least "
                f"{OPSLIMIT_FLOOR} passes and {MEMLIMIT_FLOOR // 1024**2} MiB): the file may "
                "have been tampered with; restore it from the clinic's backup")

    def below(self, other: KdfCost) -> bool:
        return self.opslimit < other.opslimit or self.memlimit < other.memlimit


CURRENT_COST = KdfCost(OPSLIMIT, MEMLIMIT)
FLOOR_COST = KdfCost(OPSLIMIT_FLOOR, MEMLIMIT_FLOOR)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def _passphrase_bytes(passphrase: str) -> bytes:
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _check_strength(passphrase: str) -> None:
    if len(unicodedata.normalize("NFC", passphrase)) < MIN_PASSPHRASE:
        raise WeakPassphrase(f"the passphrase must be at least {MIN_PASSPHRASE} characters")


def _lock_private_key(
    private_key: nacl.public.PrivateKey, passphrase: str, opslimit: int, memlimit: int
) -> dict[str, Any]:
    KdfCost(opslimit, memlimit).check("the new keys")
    salt = nacl.utils.random(argon2id.SALTBYTES)
    key = argon2id.kdf(nacl.secret.SecretBox.KEY_SIZE, _passphrase_bytes(passphrase), salt,
                       opslimit=opslimit, memlimit=memlimit)
    box = nacl.secret.SecretBox(key)
    return {
        "format": FORMAT,
        "public_key": _b64(bytes(private_key.public_key)),
        "kdf": {"algorithm": "argon2id13", "salt": _b64(salt), "opslimit": opslimit,
                "memlimit": memlimit},
        "private_key": _b64(bytes(box.encrypt(bytes(private_key)))),
    }


def _encode(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=2) + "\n").encode("ascii")


def create_keys(
    path: Path, passphrase: str, *, opslimit: int = OPSLIMIT, memlimit: int = MEMLIMIT
) -> None:
    """Make a new key pair and store it locked under ``passphrase``.

    Raises KeysExist rather than replace a keys file: that would make every stored sign-up
    unreadable. Raises WeakPassphrase for fewer than MIN_PASSPHRASE characters.
    """
    _check_strength(passphrase)
    if path.exists():
        raise KeysExist(f"{path} already exists; keeping it")
    private_dir(path.parent)
    document = _lock_private_key(nacl.public.PrivateKey.generate(), passphrase, opslimit,
                                 memlimit)
    try:
        create_exclusive(path, _encode(document))
    except FileExistsError as e:
        raise KeysExist(f"{path} already exists; keeping it") from e


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as e:
        raise KeysMissing(f"{path} does not exist; run 'kiosk setup'") from e
    except OSError as e:
        raise KeysDamaged(f"{path} cannot be read: {e.strerror}") from e
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise KeysDamaged(f"{path} is not a keys file") from e
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise KeysDamaged(f"{path} is not a keys file this version understands")
    return document


def _public_key(document: dict[str, Any], path: Path) -> nacl.public.PublicKey:
    try:
        return nacl.public.PublicKey(_unb64(document.get("public_key")))
    except (ValueError, binascii.Error, nacl.exceptions.CryptoError) as e:
        raise KeysDamaged(f"{path}: the public key is damaged") from e


def load_public_key(path: Path) -> nacl.public.PublicKey:
    """The key the kiosk seals new sign-ups to; raises KeysMissing or KeysDamaged."""
    return _public_key(_read(path), path)


def save_public_key(path: Path, public_key: bytes) -> None:
    """Keep only the clinic's public key (a kiosk in server mode: it can seal, never read).

    Raises KeysExist rather than replace any keys file, KeysDamaged for bytes that are not a
    public key.
    """
    try:
        key = nacl.public.PublicKey(public_key)
    except (ValueError, TypeError, nacl.exceptions.CryptoError) as e:
        raise KeysDamaged("that is not the clinic's public key (32 bytes)") from e
    private_dir(path.parent)
    try:
        create_exclusive(path, _encode({"format": FORMAT, "public_key": _b64(bytes(key))}))
    except FileExistsError as e:
        raise KeysExist(f"{path} already exists; keeping it") from e


def public_key_from_file(path: Path) -> bytes:
    """The public key in ``path``: a keys file (only its public half is read), the key in
    base64 on one line, or its 32 raw bytes. Raises KeysMissing or KeysDamaged."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as e:
        raise KeysMissing(f"{path} does not exist") from e
    except OSError as e:
        raise KeysDamaged(f"{path} cannot be read: {e.strerror}") from e
    if len(raw) == nacl.public.PublicKey.SIZE:
        return raw
    if raw.lstrip().startswith(b"{"):
        return bytes(_public_key(_read(path), path))
    try:
        key = _unb64(raw.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError, binascii.Error) as e:
        raise KeysDamaged(f"{path} holds no public key (a keys file, base64 or 32 bytes)") \
            from e
    if len(key) != nacl.public.PublicKey.SIZE:
        raise KeysDamaged(f"{path}: a public key is 32 bytes, not {len(key)}")
    return key


def holds_private_key(path: Path) -> bool:
    """False for a public-key-only keys file (`save_public_key`); raises like `_read`."""
    return "private_key" in _read(path)


def unlock(path: Path, passphrase: str, *,
           rewrap_at: KdfCost | None = None) -> nacl.public.PrivateKey:
    """The private key; raises WrongPassphrase, KeysMissing, PublicKeyOnly or KeysDamaged
    (WeakKeyCost).

    With ``rewrap_at``, a file locked more cheaply than that is locked again at that cost
    once the passphrase proved right.
    """
    document = _read(path)
    public_key = _public_key(document, path)
    if "private_key" not in document and "kdf" not in document:
        raise PublicKeyOnly(f"{path} holds only the clinic's public key: sign-ups are read "
                            "at the front desk")
    try:
        kdf = document["kdf"]
        salt = _unb64(kdf["salt"])
        opslimit, memlimit = kdf["opslimit"], kdf["memlimit"]
        locked = _unb64(document["private_key"])
        if (kdf.get("algorithm") != "argon2id13" or len(salt) != argon2id.SALTBYTES
                or len(locked) != _LOCKED_SIZE
                or not isinstance(opslimit, int) or not isinstance(memlimit, int)
                or not argon2id.OPSLIMIT_MIN <= opslimit <= argon2id.OPSLIMIT_MAX
                or not argon2id.MEMLIMIT_MIN <= memlimit <= _MEMLIMIT_CEILING):
            raise ValueError("bad key derivation settings")
    except (KeyError, TypeError, ValueError, binascii.Error) as e:
        raise KeysDamaged(f"{path}: the locked private key is damaged") from e
    stored = KdfCost(opslimit, memlimit)
    stored.check(path)  # before any work: a cheap file is not a cheap guess
    key = argon2id.kdf(nacl.secret.SecretBox.KEY_SIZE, _passphrase_bytes(passphrase), salt,
                       opslimit=opslimit, memlimit=memlimit)
    try:
        secret = nacl.secret.SecretBox(key).decrypt(locked)
    except nacl.exceptions.CryptoError as e:
        # A damaged ciphertext looks the same; the passphrase is by far the likelier cause.
        raise WrongPassphrase("that passphrase does not unlock the keys") from e
    try:
        private_key = nacl.public.PrivateKey(secret)
    except (ValueError, nacl.exceptions.CryptoError) as e:
        raise KeysDamaged(f"{path}: the private key is damaged") from e
    if private_key.public_key != public_key:
        raise KeysDamaged(f"{path}: the public and private keys do not match")
    if rewrap_at is not None and stored.below(rewrap_at):
        _rewrap(path, private_key, passphrase, KdfCost(max(opslimit, rewrap_at.opslimit),
                                                       max(memlimit, rewrap_at.memlimit)))
    return private_key


def _rewrap(path: Path, private_key: nacl.public.PrivateKey, passphrase: str,
            cost: KdfCost) -> None:
    """Lock the key again at ``cost``; on a full or read-only disk keep the old file."""
    document = _lock_private_key(private_key, passphrase, cost.opslimit, cost.memlimit)
    try:
        write_atomic(path, _encode(document))  # a new 0600 file renamed over the old
    except OSError as e:
        log.warning("could not raise the keys file's cost (%s); it still unlocks as before",
                    e.strerror or e)
        return
    log.info("the keys file is now locked at %d passes, %d MiB", cost.opslimit,
             cost.memlimit // 1024**2)


def change_passphrase(
    path: Path, old: str, new: str, *, opslimit: int = OPSLIMIT, memlimit: int = MEMLIMIT
) -> None:
    """Lock the same private key under a new passphrase (old entries stay readable)."""
    _check_strength(new)
    private_key = unlock(path, old)
    write_atomic(path, _encode(_lock_private_key(private_key, new, opslimit, memlimit)))


def seal(public_key: nacl.public.PublicKey, data: bytes) -> bytes:
    """Encrypt so that only the holder of the private key can read it (not even we can)."""
    return bytes(nacl.public.SealedBox(public_key).encrypt(data))


def unseal(private_key: nacl.public.PrivateKey, blob: bytes) -> bytes:
    """Raise nacl.exceptions.CryptoError if ``blob`` was not sealed to this key or is damaged."""
    return nacl.public.SealedBox(private_key).decrypt(blob)
