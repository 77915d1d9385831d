"""Settings from environment variables (documented in the README)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

import attrs
from attrs import frozen
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from adapters.crypto import new_key
from adapters.persistence.key_check import stored_encrypted_value
from application.residents.town import Town
from domain.errors import InvalidValue
from entrypoints.case_settings import case_settings
from entrypoints.line_settings import line_settings
from entrypoints.local_secrets import local_secret
from entrypoints.logging_setup import FORMATS, log_format_from
from entrypoints.mail_settings import mail_settings
from entrypoints.map_settings import GSI_ATTRIBUTION, GSI_TILES, map_settings
from entrypoints.originator_settings import originator_settings
from entrypoints.plugins import chosen_adapters
from entrypoints.pool_settings import POOL_DEFAULTS, pool_settings
from entrypoints.postal_code_settings import postal_code_settings
from entrypoints.rate_limit_settings import RATE_LIMITS, rate_limit_settings
from entrypoints.sms_settings import DEV_TWILIO_SID, DEV_TWILIO_TOKEN, sms_settings

__all__ = ["RATE_LIMITS", "ConfigurationError", "Settings"]

ENVIRONMENTS = {"development", "test", "production"}
DEV_LINE_SECRET = "madoguchi-development-channel-secret"
DEV_LINE_TOKEN = "madoguchi-development-access-token"
QUEUES = {"in_process", "eager", "celery"}


class ConfigurationError(Exception):
    """The configuration cannot work; the message says which variable to set."""


@frozen
class Settings:
    environment: str
    data_dir: Path
    database_url: str
    data_keys: tuple[str, ...]
    secret_key: str
    task_queue: str
    broker_url: str
    town_name: str
    line_channel_secret: str
    line_access_token: str
    line_api_base_url: str
    public_url: str
    match_key: str
    identity_provider: str
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_key_file: str = ""
    # the town itself: 都道府県, 市区町村 and 市区町村コード (6 digits with its check digit); used
    # by registry matching and shown wherever the town is named ("" = not set)
    town_prefecture: str = ""
    town_city: str = ""
    town_code: str = ""
    town_full_name: str = "見本町"  # how pages and slips name the town: 岡山県総社市, or the name
    line_api_data_url: str = ""  # images residents sent; "" = api-data.line.me for LINE itself
    # the rich menus are set on LINE (`madoguchi line rich-menu`, ADR 0049): link a resident who
    # verifies to the verified one (`serve --line-sim` sets them and links without it)
    line_rich_menus: bool = False
    # 依頼人 of the Zengin transfer file: the town's account at its bank (demo values outside
    # production; in production an export is refused until they are set)
    originator_code: str = ""
    originator_name: str = ""
    originator_bank: str = ""
    originator_branch: str = ""
    originator_account_type: str = "1"
    originator_account: str = ""
    # the payouts' adapters, plug-ins chosen by name (entrypoints/plugins.py, ADR 0069): cash by
    # ATM ("fake" outside production, "none" in production), the transfer file with the bank's
    # results, the bank master, the banks' calendar
    cash_provider: str = "fake"
    transfer_format: str = "zengin"
    bank_master: str = "zengin-code"
    bank_calendar: str = "japanese-banks"
    payment_provider: str = "fake"
    paypay_api_key: str = ""
    paypay_api_secret: str = ""
    paypay_merchant_id: str = ""
    paypay_base_url: str = ""
    linepay_channel_id: str = ""
    linepay_channel_secret: str = ""
    linepay_base_url: str = ""
    certificate_fees: tuple[tuple[str, int], ...] = ()  # kind value → yen, overrides
    certificate_postage: int = 110
    certificate_verification_days: int = 180
    certificate_household_kinds: tuple[str, ...] = ("resident_record", "income", "taxation")
    keys_from: str = "MADOGUCHI_DATA_KEYS"  # where the data keys were read: said at start-up
    # rate limits (entrypoints/web/rate_limits.py, ADR 0032): where they count, and how many
    # requests per window each allows ("5/minute;20/hour")
    rate_limit_storage: str = "memory://"
    rate_limit_sign_in_address: str = RATE_LIMITS["MADOGUCHI_RATE_LIMIT_SIGN_IN_ADDRESS"]
    rate_limit_sign_in_account: str = RATE_LIMITS["MADOGUCHI_RATE_LIMIT_SIGN_IN_ACCOUNT"]
    rate_limit_verification_address: str = RATE_LIMITS[
        "MADOGUCHI_RATE_LIMIT_VERIFICATION_ADDRESS"]
    rate_limit_api_key_failures: str = RATE_LIMITS["MADOGUCHI_RATE_LIMIT_API_KEY_FAILURES"]
    trusted_proxies: int = 0  # proxies in front of the app whose X-Forwarded-For is believed
    log_format: str = "text"  # "json" lines (production's default) or "text"
    log_level: str = "INFO"
    metrics_token: str = ""  # the bearer /metrics asks for; "" = /metrics answers 404
    # the web channel opened in LINE's in-app browser as a LIFF app (ADR 0038); "" = not a LIFF
    liff_id: str = ""
    line_mark_as_read: bool = False  # 既読 once handled (entrypoints/line_settings.py, ADR 0051)
    inbound_lease_seconds: int = 60  # a worker's hold on a stored event (ADR 0062)
    # the SMS channel (entrypoints/sms_settings.py, ADR 0039); "none" = no SMS
    sms_provider: str = "none"
    twilio_account_sid: str = DEV_TWILIO_SID
    twilio_auth_token: str = DEV_TWILIO_TOKEN
    sms_from: str = "+815000000000"
    twilio_api_base_url: str = "https://api.twilio.com"
    sms_yen_per_segment: float = 10.0
    # e-mail (ADR 0040, entrypoints/mail_settings.py): the sender ("" = off), the SMTP server
    mail_from: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    # the inbox (ADR 0047, entrypoints/case_settings.py): working days until an open case is
    # 「滞留」, and days after closing until its personal data is erased (0: never)
    case_untouched_days: int = 2
    case_retention_days: int = 365
    # the staff map of open cases (ADR 0048, entrypoints/map_settings.py): "" = no tiles
    map_tiles: str = GSI_TILES
    map_attribution: str = GSI_ATTRIBUTION
    # Japan Post's KEN_ALL.CSV (entrypoints/postal_code_settings.py); "" = the bundled excerpt
    postal_codes_file: str = ""
    # each process's database pool (entrypoints/pool_settings.py, ADR 0066)
    db_pool_size: int = POOL_DEFAULTS["MADOGUCHI_DB_POOL_SIZE"]
    db_max_overflow: int = POOL_DEFAULTS["MADOGUCHI_DB_MAX_OVERFLOW"]
    db_pool_recycle: int = POOL_DEFAULTS["MADOGUCHI_DB_POOL_RECYCLE"]
    db_pool_timeout: int = POOL_DEFAULTS["MADOGUCHI_DB_POOL_TIMEOUT"]
    import_cache_mib: int = POOL_DEFAULTS["MADOGUCHI_IMPORT_CACHE_MIB"]  # SQLite, ADR 0081
    # the settings of the chosen plug-ins that are not fields here (a vendor's, ADR 0069): the
    # container has them by name like every other setting
    plugin_settings: tuple[tuple[str, object], ...] = ()

    @property
    def town(self) -> Town:
        return Town(prefecture=self.town_prefecture, city=self.town_city, code=self.town_code)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        environment = env.get("MADOGUCHI_ENV", "development")
        if environment not in ENVIRONMENTS:
            raise ConfigurationError(f"MADOGUCHI_ENV must be one of {sorted(ENVIRONMENTS)}")
        production = environment == "production"
        database_url = env.get("DATABASE_URL") or ""
        data_dir = _data_dir(env.get("MADOGUCHI_DATA_DIR", ""), database_url)
        if not database_url:
            if production:
                raise ConfigurationError("DATABASE_URL is required in production")
            database_url = f"sqlite:///{data_dir / 'madoguchi.db'}"
        task_queue = env.get("MADOGUCHI_TASK_QUEUE", "in_process")
        if task_queue not in QUEUES:
            raise ConfigurationError(f"MADOGUCHI_TASK_QUEUE must be one of {sorted(QUEUES)}")
        keys = tuple(k.strip() for k in env.get("MADOGUCHI_DATA_KEYS", "").split(",") if k.strip())
        secret = env.get("MADOGUCHI_SECRET_KEY", "")
        if production and not keys:
            raise ConfigurationError("MADOGUCHI_DATA_KEYS is required in production")
        if production and len(secret) < 32:
            raise ConfigurationError("MADOGUCHI_SECRET_KEY (32+ characters) is required in "
                                     "production")
        line_secret = env.get("LINE_CHANNEL_SECRET", "")
        line_token = env.get("LINE_CHANNEL_ACCESS_TOKEN", "")
        if production and not (line_secret and line_token):
            raise ConfigurationError("LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are "
                                     "required in production")
        # Each port's adapter (identity, payments, SMS, payouts) and its plug-in's settings
        # (ADR 0069).
        adapters = _checked(chosen_adapters, env, production, _FIELDS)
        match_key = env.get("MADOGUCHI_MATCH_KEY", "")
        if production and len(match_key) < 32:
            raise ConfigurationError("MADOGUCHI_MATCH_KEY (32+ characters) is required in "
                                     "production")
        if not match_key:
            match_key = local_secret(data_dir / "match.key", lambda: os.urandom(32).hex())
        keys_from = "MADOGUCHI_DATA_KEYS"
        if not keys:
            key_file = data_dir / "data.key"
            if not key_file.exists() and _holds_encrypted_data(database_url):
                raise ConfigurationError(
                    f"the database {_shown(database_url)} already holds encrypted data but "
                    f"the data directory {data_dir} has no data.key: a new key ring would not "
                    "open it. Set MADOGUCHI_DATA_DIR to the directory that holds its data.key "
                    "(or MADOGUCHI_DATA_KEYS)")
            keys = (local_secret(key_file, new_key),)
            keys_from = str(key_file)
        if not secret:
            secret = local_secret(data_dir / "secret.key", lambda: os.urandom(32).hex())
        broker_url = (env.get("CELERY_BROKER_URL") or env.get("REDIS_URL")
                      or "redis://127.0.0.1:6379/0")
        return cls(
            environment=environment,
            data_dir=data_dir,
            database_url=database_url,
            data_keys=keys,
            keys_from=keys_from,
            secret_key=secret,
            task_queue=task_queue,
            broker_url=broker_url,
            **_town(env),
            # Outside production the defaults fit the LINE simulator (`madoguchi line-sim`).
            line_channel_secret=line_secret or DEV_LINE_SECRET,
            line_access_token=line_token or DEV_LINE_TOKEN,
            line_api_base_url=env.get("LINE_API_BASE_URL", "https://api.line.me"),
            public_url=env.get("MADOGUCHI_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
            match_key=match_key,
            **adapters,
            line_api_data_url=env.get("LINE_API_DATA_URL", ""),
            line_rich_menus=env.get("LINE_RICH_MENUS", "").strip().lower() in ("1", "true", "yes"),
            liff_id=env.get("MADOGUCHI_LIFF_ID", "").strip(),
            **line_settings(env, ConfigurationError),
            **_checked(originator_settings, env, production),
            **_checked(pool_settings, env),
            **_certificate_settings(env),
            **rate_limit_settings(env, task_queue, broker_url, ConfigurationError),
            **_observing(env),
            **_checked(sms_settings, env, production),
            **_checked(mail_settings, env, production),
            **_checked(case_settings, env),
            **_checked(postal_code_settings, env),
            **map_settings(env, production, ConfigurationError),
        )


_FIELDS = frozenset(attrs.fields_dict(Settings))


def _checked(read: Callable[..., Mapping[str, object]], *args: object) -> Mapping[str, object]:
    """A settings module's reading, its ValueError said as a configuration error."""
    try:
        return read(*args)
    except ValueError as error:
        raise ConfigurationError(str(error)) from None


def _observing(env: Mapping[str, str]) -> dict[str, str]:
    """MADOGUCHI_LOG_FORMAT (json in production, else text), MADOGUCHI_LOG_LEVEL and
    MADOGUCHI_METRICS_TOKEN (none: no /metrics; when set, 32+ characters)."""
    log_format = log_format_from(env)
    if log_format not in FORMATS:
        raise ConfigurationError(f"MADOGUCHI_LOG_FORMAT must be one of {list(FORMATS)}")
    level = env.get("MADOGUCHI_LOG_LEVEL", "INFO").upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ConfigurationError("MADOGUCHI_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR")
    token = env.get("MADOGUCHI_METRICS_TOKEN", "").strip()
    if token and len(token) < 32:
        raise ConfigurationError("MADOGUCHI_METRICS_TOKEN must have 32+ characters")
    return {"log_format": log_format, "log_level": level, "metrics_token": token}


def _town(env: Mapping[str, str]) -> dict[str, str]:
    """MADOGUCHI_TOWN_PREFECTURE (岡山県), _CITY (総社市), _CODE (332089, checked); the display
    name MADOGUCHI_TOWN_NAME defaults to the city (見本町 when nothing is set)."""
    try:
        town = Town.of(prefecture=env.get("MADOGUCHI_TOWN_PREFECTURE", ""),
                       city=env.get("MADOGUCHI_TOWN_CITY", ""),
                       code=env.get("MADOGUCHI_TOWN_CODE", ""))
    except InvalidValue as error:
        raise ConfigurationError("MADOGUCHI_TOWN_PREFECTURE, MADOGUCHI_TOWN_CITY, "
                                 f"MADOGUCHI_TOWN_CODE: {error.message}") from None
    name = env.get("MADOGUCHI_TOWN_NAME", "").strip() or town.city.rpartition("郡")[2] or "見本町"
    return {"town_name": name, "town_prefecture": town.prefecture, "town_city": town.city,
            "town_code": town.code, "town_full_name": town.full_name or name}


def _sqlite_file(database_url: str) -> Path | None:
    """The database file of a SQLite URL (None: another database, or one in memory)."""
    if not database_url.startswith("sqlite"):
        return None
    database = make_url(database_url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).resolve()


def _data_dir(configured: str, database_url: str) -> Path:
    """MADOGUCHI_DATA_DIR; without it the directory of a SQLite database file, so its keys
    stay beside it wherever the command runs; otherwise ./var."""
    if configured:
        return Path(configured).resolve()
    database = _sqlite_file(database_url)
    return database.parent if database is not None else Path("var").resolve()


def _holds_encrypted_data(database_url: str) -> bool:
    """Whether an existing SQLite database already holds encrypted values (checked before a
    key ring is made; another database is checked when the app starts, see key_ring.py)."""
    database = _sqlite_file(database_url)
    if database is None or not database.is_file() or database.stat().st_size == 0:
        return False
    engine = create_engine(f"sqlite:///file:{database}?mode=ro&uri=true")
    try:
        return stored_encrypted_value(engine) is not None
    finally:
        engine.dispose()


def _shown(database_url: str) -> str:
    return make_url(database_url).render_as_string(hide_password=True)


CERTIFICATE_KINDS = ("resident_record", "seal_registration", "income", "taxation")


def _certificate_settings(env: Mapping[str, str]) -> dict[str, object]:
    """The town's certificate fees (the payment provider is a plug-in: entrypoints/plugins.py)."""
    fees = []
    for pair in filter(None, (p.strip() for p in
                              env.get("MADOGUCHI_CERTIFICATE_FEES", "").split(","))):
        kind, _, yen = pair.partition("=")
        if kind.strip() not in CERTIFICATE_KINDS or not yen.strip().isdigit():
            raise ConfigurationError("MADOGUCHI_CERTIFICATE_FEES is a list like "
                                     "resident_record=300,income=350 (kinds: "
                                     f"{', '.join(CERTIFICATE_KINDS)})")
        fees.append((kind.strip(), int(yen)))
    numbers = {}
    for name, default in (("MADOGUCHI_CERTIFICATE_POSTAGE", "110"),
                          ("MADOGUCHI_CERTIFICATE_VERIFICATION_DAYS", "180")):
        value = env.get(name, default).strip()
        if not value.isdigit():
            raise ConfigurationError(f"{name} must be a whole number")
        numbers[name] = int(value)
    household = tuple(k.strip() for k in env.get(
        "MADOGUCHI_CERTIFICATE_HOUSEHOLD_KINDS", "resident_record,income,taxation").split(",")
        if k.strip())
    if not set(household) <= set(CERTIFICATE_KINDS):
        raise ConfigurationError("MADOGUCHI_CERTIFICATE_HOUSEHOLD_KINDS lists kinds among "
                                 f"{', '.join(CERTIFICATE_KINDS)}")
    return {
        "certificate_fees": tuple(fees),
        "certificate_postage": numbers["MADOGUCHI_CERTIFICATE_POSTAGE"],
        "certificate_verification_days": numbers["MADOGUCHI_CERTIFICATE_VERIFICATION_DAYS"],
        "certificate_household_kinds": household,
    }
