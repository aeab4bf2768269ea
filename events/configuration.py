"""The service's settings: every ``CONSORTIUM_*`` environment variable, read once at start.

Each process builds one :class:`Settings` when it starts (``load_settings``: the ``consortium``
command, ``celery -A workers``, ``python -m workers embedded``) and hands it to what it runs: the
Flask app factory, the Celery app, the store. Nothing else reads the environment, and nothing
reads it at import time. Every variable is optional; unset (or empty) means the embedded
default of DESIGN.md. A value the service cannot use stops the start with one line naming the
variable and what is wrong with it (:class:`events.settings.SettingsError`).

``consortium config`` prints the effective settings (:meth:`Settings.shown`), secrets masked.
"""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Final, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from events.audit.keys import decode_public
from events.secret_key import SECRET_KEY_FILE, service_secret
from events.settings import DEFAULT_SQLITE_FILE, SettingsError, StoreSettings, check_database_url
from events.webhook_addresses import WebhookAddresses

PREFIX: Final = "CONSORTIUM_"
MASK: Final = "***"
DEFAULT_BASE_URL: Final = "http://127.0.0.1:8000"
DEFAULT_MAIL_FROM: Final = "Consortium <noreply@consortium.localhost>"
DEFAULT_OUTBOX: Final = Path("var") / "outbox"
_ONLY_GIVEN: ContextVar[bool] = ContextVar("settings_only_given", default=False)


def variable(field: str) -> str:
    """The environment variable of a setting: ``scan_interval`` is CONSORTIUM_SCAN_INTERVAL."""
    return PREFIX + field.upper()


class Settings(BaseSettings):
    """What the service is configured with; see the README's table of variables."""

    model_config = SettingsConfigDict(
        env_prefix=PREFIX, env_ignore_empty=True, frozen=True, extra="ignore"
    )

    # -- where things are -----------------------------------------------------------------------
    database_url: str = ""  # empty: the SQLite file var/consortium.sqlite3
    broker_url: str = ""  # empty: no broker, `consortium serve` runs the reminder scan itself
    smtp_url: str = ""  # empty: mails are written to the outbox as .eml files
    outbox: Path = DEFAULT_OUTBOX
    base_url: str = DEFAULT_BASE_URL
    bind: str = "127.0.0.1:8000"
    read_model: Literal["embedded", "external"] = "embedded"

    # -- background work ------------------------------------------------------------------------
    mail_from: str = DEFAULT_MAIL_FROM
    queue: str = "consortium"
    scan_interval: float = Field(default=300.0, gt=0, le=86_400, allow_inf_nan=False)
    broker_visibility_timeout: int = Field(default=300, gt=0, le=86_400)

    # -- operations -----------------------------------------------------------------------------
    log_format: Literal["json", "text"] = "json"
    ready_max_lag_seconds: float = Field(default=60.0, gt=0, lt=86_400, allow_inf_nan=False)
    webhook_allow_http_hosts: Annotated[frozenset[str], NoDecode] = frozenset()
    # Public keys of signing keys used before the current one (base64, comma-separated): the
    # checkpoints they signed still verify after the key was changed (docs/audit.md).
    audit_retired_public_keys: Annotated[tuple[str, ...], NoDecode] = ()

    # -- secrets (SecretStr: masked wherever settings are shown) --------------------------------
    secret_key: SecretStr | None = None  # unset: a random key kept in var/secret_key
    metrics_token: SecretStr | None = None  # unset: /metrics is off (404)
    # The audit chain's Ed25519 signing key (base64 of 32 bytes); unset: one kept in var/.
    audit_signing_key: SecretStr | None = None
    # Further secrets go here, as ``SecretStr | None`` (shown masked by ``consortium config``);
    # e.g. the audit chain's signing key, CONSORTIUM_AUDIT_SIGNING_KEY, as ``audit_signing_key``.

    @classmethod
    def given(cls, **values: Any) -> Settings:
        """Settings of these values and the defaults, the environment left out (tests)."""
        token = _ONLY_GIVEN.set(True)
        try:
            return cls(**values)
        finally:
            _ONLY_GIVEN.reset(token)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The values given, then the environment (unless :meth:`given`); no other source."""
        return (init_settings,) if _ONLY_GIVEN.get() else (init_settings, env_settings)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_unset(cls, values: Any) -> Any:
        """A value of only spaces counts as unset, as an empty one does; others are stripped."""
        if not isinstance(values, dict):
            return values
        return {
            key: value.strip() if isinstance(value, str) else value
            for key, value in values.items()
            if not (isinstance(value, str) and not value.strip())
        }

    @field_validator("read_model", "log_format", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        check_database_url(value)
        return value

    @field_validator("broker_url")
    @classmethod
    def _broker(cls, value: str) -> str:
        return _url_of(value, ("redis", "rediss", "memory"), "redis://host:6379/0")

    @field_validator("smtp_url")
    @classmethod
    def _smtp(cls, value: str) -> str:
        return _url_of(value, ("smtp", "smtps"), "smtp://user:password@host:587")

    @field_validator("base_url")
    @classmethod
    def _base(cls, value: str) -> str:
        return _url_of(value, ("http", "https"), "https://consortium.example.org").rstrip("/")

    @field_validator("webhook_allow_http_hosts", mode="before")
    @classmethod
    def _hosts(cls, value: Any) -> Any:
        if isinstance(value, str):
            return frozenset(
                h.strip().lower().removesuffix(".") for h in value.split(",") if h.strip()
            )
        return value

    @field_validator("audit_retired_public_keys", mode="before")
    @classmethod
    def _retired_keys(cls, value: Any) -> Any:
        keys = value.split(",") if isinstance(value, str) else value
        cleaned = tuple(k.strip() for k in keys if k.strip())
        for key in cleaned:
            try:
                decode_public(key)
            except SettingsError as error:
                raise ValueError(str(error)) from None
        return cleaned

    # -- what the rest of the service is built from ---------------------------------------------

    def store_settings(self) -> StoreSettings:
        """Where events are kept (makes the default var/ directory when it is the SQLite one)."""
        return StoreSettings.from_url(self.database_url)

    def service_secret(self) -> str:
        """The secret sessions, invitations and webhook keys derive from (kept in var/ if unset)."""
        return service_secret(self.secret_key.get_secret_value() if self.secret_key else "")

    @property
    def audit_signing_key_value(self) -> str:
        return self.audit_signing_key.get_secret_value() if self.audit_signing_key else ""

    def webhook_addresses(self) -> WebhookAddresses:
        return WebhookAddresses(self.webhook_allow_http_hosts)

    @property
    def follows_elsewhere(self) -> bool:
        """A projection process of its own follows the log (CONSORTIUM_READ_MODEL=external)."""
        return self.read_model == "external"

    @property
    def metrics_token_value(self) -> str:
        return self.metrics_token.get_secret_value() if self.metrics_token else ""

    def shown(self) -> list[tuple[str, str, bool]]:
        """(variable, effective value, whether it was set) for each setting, with secrets and
        the passwords in addresses masked."""
        defaults = {
            "database_url": f"sqlite:///{DEFAULT_SQLITE_FILE.absolute()}",
            "broker_url": "(none: the reminder scan runs beside the web)",
            "smtp_url": f"(none: mails go to {self.outbox})",
            "secret_key": f"{MASK} (kept in {SECRET_KEY_FILE.absolute()})",
            "metrics_token": "(none: /metrics is off)",
            "audit_signing_key": f"{MASK} (kept in var/audit_signing_key)",
        }
        rows = []
        for name in type(self).model_fields:
            given = name in self.model_fields_set
            value = getattr(self, name)
            if not given and name in defaults:
                text = defaults[name]
            elif isinstance(value, SecretStr):
                text = MASK
            elif isinstance(value, frozenset):
                text = ",".join(sorted(value))
            elif name.endswith("_url"):
                text = masked_url(str(value))
            else:
                text = str(value)
            rows.append((variable(name), text, given))
        return rows


def load_settings() -> Settings:
    """The settings from this process's environment; SettingsError names each unusable variable
    and says what is wrong (never quoting a secret's value)."""
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError(describe(error)) from None


def describe(error: ValidationError) -> str:
    """One line: each variable with what is wrong with its value."""
    secret = {name for name, f in Settings.model_fields.items() if "SecretStr" in str(f.annotation)}
    parts = []
    for each in error.errors(include_url=False):
        field = str(each["loc"][0]) if each["loc"] else ""
        message = str(each["msg"]).removeprefix("Value error, ")
        if message.startswith(variable(field)):
            parts.append(message.rstrip("."))  # said by events/settings.py, which names it
        elif field in secret or field.endswith("_url"):
            parts.append(f"{variable(field)}: {message}")  # may hold a password: never quoted
        else:
            parts.append(f"{variable(field)}={each['input']!r}: {message}")
    return "; ".join(parts)


def masked_url(url: str) -> str:
    """The address with its password (and a Redis URL's lone password) as ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:{MASK}@{host}"))


def _url_of(value: str, schemes: tuple[str, ...], example: str) -> str:
    if not value:
        return value
    parts = urlsplit(value)
    if parts.scheme not in schemes:
        raise ValueError(
            f"must start with {' or '.join(s + '://' for s in schemes)} (like {example})"
        )
    if parts.scheme != "memory" and not parts.hostname:
        raise ValueError(f"names no host (like {example})")
    try:
        parts.port  # noqa: B018 - a port that is no number raises here
    except ValueError:
        raise ValueError("its port must be a number") from None
    return value
