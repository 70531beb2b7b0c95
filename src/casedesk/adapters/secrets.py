"""Secrets at rest: tokens, routing keys, signing secrets and secret variables are stored as
Fernet tokens (AES-128-CBC with HMAC-SHA256, from `cryptography`).

Which key: `CASEDESK_SECRET_KEY` when set; otherwise a key file, `secret.key` in the data
directory, made on first use (mode 0600) so a fresh install needs no set-up. The data
directory is `CASEDESK_DATA_DIR`, else the SQLite database's folder, else
`$XDG_DATA_HOME/casedesk` (`~/.local/share/casedesk`). Old keys still decrypt: those in
`CASEDESK_SECRET_KEYS` and the key file when an explicit key replaced it; `rotate` writes a
token again under the current key (`casedesk secrets rotate` does it for every secret).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy.engine import make_url

KEY_FILE = "secret.key"


class SecretKeyError(RuntimeError):
    """A key is malformed, or a stored secret was sealed with a key casedesk was not given."""


def default_data_dir(database_url: str) -> Path:
    """Where the key file goes when no data directory is configured."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).expanduser().resolve().parent
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "casedesk"


def new_key() -> str:
    return Fernet.generate_key().decode()


def read_or_make_key_file(path: Path) -> str:
    """The key in `path`, made first when there is none. Written to a temporary file and
    linked into place, so processes starting together all end up with the one key."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w") as out:
            out.write(new_key() + "\n")
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):  # another process made it first: theirs is the key
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path.read_text().strip()


def fernet(key: str, where: str) -> Fernet:
    try:
        return Fernet(key.strip().encode())
    except ValueError:
        raise SecretKeyError(
            f"{where} is not a Fernet key (32 bytes in url-safe base64); "
            "`casedesk secrets new-key` prints one"
        ) from None


@dataclass(frozen=True)
class KeySettings:
    secret_key: str | None
    old_keys: tuple[str, ...]
    key_file: Path


class SecretBox:
    """Seals and opens secrets; the keys are read on first use, not when it is built."""

    def __init__(self, settings: KeySettings) -> None:
        self.settings = settings
        self._keys: MultiFernet | None = None

    @property
    def keys(self) -> MultiFernet:
        if self._keys is None:
            self._keys = MultiFernet(self._load())
        return self._keys

    def _load(self) -> list[Fernet]:
        given = self.settings
        if given.secret_key:
            keys = [fernet(given.secret_key, "CASEDESK_SECRET_KEY")]
            if given.key_file.exists():  # the key an explicit one replaced still decrypts
                keys.append(fernet(given.key_file.read_text(), str(given.key_file)))
        else:
            keys = [fernet(read_or_make_key_file(given.key_file), str(given.key_file))]
        keys += [fernet(old, "a key in CASEDESK_SECRET_KEYS") for old in given.old_keys]
        return keys

    def seal(self, secrets: Mapping[str, str]) -> str:
        return self.keys.encrypt(json.dumps(dict(secrets), sort_keys=True).encode()).decode()

    def open(self, token: str) -> dict[str, str]:
        try:
            opened = json.loads(self.keys.decrypt(token.encode()))
        except InvalidToken:
            raise SecretKeyError(
                "a stored secret was encrypted with a key casedesk was not given; "
                "put the old key in CASEDESK_SECRET_KEYS"
            ) from None
        return {str(k): str(v) for k, v in opened.items()}

    def seal_text(self, text: str) -> str:
        return self.seal({"value": text})

    def open_text(self, token: str) -> str:
        return self.open(token)["value"]

    def rotate(self, token: str) -> str:
        """The same secret, sealed under the current key."""
        try:
            return self.keys.rotate(token.encode()).decode()
        except InvalidToken:
            raise SecretKeyError(
                "a stored secret was encrypted with a key casedesk was not given; "
                "put the old key in CASEDESK_SECRET_KEYS"
            ) from None
