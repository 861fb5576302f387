"""Configuration: TOML -> validated Settings, secrets, and default paths."""

from __future__ import annotations

import dataclasses
import re
from datetime import time
from pathlib import Path

import pytest

from daemon.config.notify import DEFAULT_MILESTONES
from daemon.config.paths import default_config_path, default_state_dir
from daemon.config.secrets import Secret, resolve_all, resolve_secret
from daemon.config.settings import MailboxSettings, defaults, load_settings
from daemon.errors import ConfigError
from parsers.amazon.marketplaces import MARKETPLACE_DOMAINS
from parsers.model import Milestone

REPO_ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = REPO_ROOT / "config.example.toml"

# Distinctive enough that finding it anywhere means it leaked.
SECRET = "s3cr3t-ZQX-7781-do-not-leak"
SECRET_URL = f"ntfys://ntfy.example/{SECRET}"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    """A clean environment: only HOME, pointing into tmp_path."""
    return {"HOME": str(home)}


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text.replace("{tmp}", str(tmp_path)), encoding="utf-8")
    return path


def config_error(tmp_path: Path, env: dict[str, str], text: str) -> ConfigError:
    """The error of a broken config, found by reading it or, for a secret that
    cannot be read, by reading its secrets as a command that uses them does."""
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        resolve_all(load_settings(path, env, required=True))
    return info.value


# --- broken configs -------------------------------------------------------------

MAILBOX_OK = '[[mailbox]]\nname = "a"\npath = "{tmp}"\n'
TARGET_OK = '[[notify.target]]\nname = "p"\nurl = "json://localhost"\n'

BROKEN = [
    # (case id, config text, key named in the error, part of the problem)
    ("unknown-general-key", '[general]\nstat_dir = "/x"\n', "general.stat_dir", "'state_dir'"),
    ("unknown-table", '[genral]\nlog_level = "info"\n', "genral", "did you mean 'general'"),
    ("unknown-far-key", "[general]\nzzz = 1\n", "general.zzz", "expected one of: state_dir"),
    (
        "unknown-mailbox-key",
        MAILBOX_OK + '[[mailbox]]\nname = "b"\npth = "/x"\n',
        "mailbox[1].pth",
        "did you mean 'path'",
    ),
    (
        "unknown-target-key",
        '[[notify.target]]\nname = "p"\nur = "json://x"\n',
        "notify.target[0].ur",
        "did you mean 'url'",
    ),
    ("general-not-table", "general = 5\n", "general", "expected a table"),
    ("mailbox-single-table", '[mailbox]\nname = "a"\n', "mailbox", "[[mailbox]]"),
    ("target-single-table", '[notify.target]\nname = "a"\n', "notify.target", "[[notify.target]]"),
    ("mailbox-not-table", "mailbox = [1]\n", "mailbox[0]", "expected a table, got an integer"),
    ("log-level-type", "[general]\nlog_level = 3\n", "general.log_level", "got an integer"),
    ("log-level-value", '[general]\nlog_level = "loud"\n', "general.log_level", "debug, info"),
    ("timezone-unknown", '[general]\ntimezone = "Mars/Olympus"\n', "general.timezone", "IANA"),
    ("timezone-typo", '[general]\ntimezone = "Europe/Berln"\n', "general.timezone", "Berlin"),
    ("state-dir-relative", '[general]\nstate_dir = "state"\n', "general.state_dir", "absolute"),
    ("state-dir-type", "[general]\nstate_dir = []\n", "general.state_dir", "got an array"),
    ("db-not-url", '[general]\ndatabase_url = "parcel.db"\n', "general.database_url", "URL"),
    ("db-empty", '[general]\ndatabase_url = ""\n', "general.database_url", "empty"),
    ("max-attempts-zero", "[notify]\nmax_attempts = 0\n", "notify.max_attempts", "at least 1"),
    ("max-attempts-bool", "[notify]\nmax_attempts = true\n", "notify.max_attempts", "boolean"),
    ("max-attempts-float", "[notify]\nmax_attempts = 1.5\n", "notify.max_attempts", "a float"),
    (
        "retry-seconds-string",
        '[notify]\nretry_seconds = "60"\n',
        "notify.retry_seconds",
        "expected an integer, got a string",
    ),
    (
        "milestone-unknown",
        '[notify]\nmilestones = ["shipped", "shiped2"]\n',
        "notify.milestones[1]",
        "did you mean 'shipped'",
    ),
    (
        "milestone-list-valid",
        '[notify]\nmilestones = ["xyzzy"]\n',
        "notify.milestones[0]",
        "expected one of: ordered, shipped",
    ),
    ("milestones-type", '[notify]\nmilestones = "shipped"\n', "notify.milestones", "an array"),
    ("milestone-item-type", "[notify]\nmilestones = [1]\n", "notify.milestones[0]", "integer"),
    (
        "marketplace-unknown",
        '[amazon]\nmarketplaces = ["amazon.cm"]\n',
        "amazon.marketplaces[0]",
        "did you mean 'amazon.com'",
    ),
    (
        "marketplace-list-valid",
        '[amazon]\nmarketplaces = ["ebay.com"]\n',
        "amazon.marketplaces[0]",
        "amazon.com, amazon.ca",
    ),
    ("marketplaces-empty", "[amazon]\nmarketplaces = []\n", "amazon.marketplaces", "at least one"),
    (
        "authentication-without-authserv-id",
        "[amazon]\nrequire_authentication = true\n",
        "amazon.authserv_id",
        "missing: require_authentication = true needs the name your mail server writes",
    ),
    (
        "authserv-id-with-a-space",
        '[amazon]\nauthserv_id = "mx.example.org; dkim=pass"\n',
        "amazon.authserv_id",
        "is not a server name",
    ),
    ("parse-budget-zero", "[general]\nparse_budget = 0\n", "general.parse_budget", "at least 1"),
    (
        "parse-budget-huge",
        "[general]\nparse_budget = 3600\n",
        "general.parse_budget",
        "at most 600",
    ),
    ("mailbox-no-name", '[[mailbox]]\npath = "{tmp}"\n', "mailbox[0].name", "required"),
    ("mailbox-no-path", '[[mailbox]]\nname = "a"\n', "mailbox[0].path", "required"),
    ("mailbox-empty-name", '[[mailbox]]\nname = " "\npath = "{tmp}"\n', "mailbox[0].name", "empty"),
    (
        "mailbox-missing-path",
        '[[mailbox]]\nname = "a"\npath = "{tmp}/nope"\n',
        "mailbox[0].path",
        "does not exist",
    ),
    (
        "mailbox-relative-path",
        '[[mailbox]]\nname = "a"\npath = "Mail"\n',
        "mailbox[0].path",
        "absolute",
    ),
    (
        "mailbox-duplicate",
        MAILBOX_OK + '[[mailbox]]\nname = "a"\npath = "{tmp}"\n',
        "mailbox[1].name",
        "duplicate name 'a' (also used by mailbox[0])",
    ),
    (
        "target-duplicate",
        TARGET_OK + '[[notify.target]]\nname = "p"\nurl = "json://other"\n',
        "notify.target[1].name",
        "duplicate",
    ),
    ("target-no-url", '[[notify.target]]\nname = "p"\n', "notify.target[0].url", "required"),
    ("target-no-name", '[[notify.target]]\nurl = "json://x"\n', "notify.target[0].name", "missing"),
    (
        "target-url-type",
        '[[notify.target]]\nname = "p"\nurl = 42\n',
        "notify.target[0].url",
        "got an integer",
    ),
    (
        "target-url-not-apprise",
        '[[notify.target]]\nname = "p"\nurl = "just-a-token"\n',
        "notify.target[0].url",
        "Apprise URL",
    ),
    (
        "secret-two-sources",
        '[[notify.target]]\nname = "p"\nurl = { env = "NTFY", file = "/x" }\n',
        "notify.target[0].url",
        "exactly one",
    ),
    (
        "secret-no-source",
        '[[notify.target]]\nname = "p"\nurl = {}\n',
        "notify.target[0].url",
        "exactly one",
    ),
    (
        "secret-unknown-source",
        '[[notify.target]]\nname = "p"\nurl = { nev = "NTFY" }\n',
        "notify.target[0].url.nev",
        "did you mean 'env'",
    ),
    (
        "secret-source-type",
        '[[notify.target]]\nname = "p"\nurl = { env = 1 }\n',
        "notify.target[0].url.env",
        "expected a string, got an integer",
    ),
    (
        "route-no-tags",
        '[[notify.route]]\nmilestones = ["delivered"]\n',
        "notify.route[0].tags",
        "missing",
    ),
    (
        "route-bad-tag",
        '[[notify.route]]\ntags = ["my phone"]\n',
        "notify.route[0].tags[0]",
        "not a tag",
    ),
    (
        "route-typo-milestone",
        '[[notify.route]]\ntags = ["a"]\nmilestones = ["deliverd"]\n',
        "notify.route[0].milestones[0]",
        "did you mean 'delivered'",
    ),
    (
        "quiet-bad-time",
        '[notify.quiet_hours]\nstart = "10pm"\nend = "07:00"\n',
        "notify.quiet_hours.start",
        '"HH:MM", 24-hour',
    ),
    (
        "quiet-no-length",
        '[notify.quiet_hours]\nstart = "07:00"\nend = "07:00"\n',
        "notify.quiet_hours.end",
        "equals start",
    ),
    (
        "quiet-no-end",
        '[notify.quiet_hours]\nstart = "22:00"\n',
        "notify.quiet_hours.end",
        "required",
    ),
    (
        "digest-bad-time",
        '[notify.digest]\ntime = "25:00"\n',
        "notify.digest.time",
        "not a time of day",
    ),
    (
        "template-unknown-placeholder",
        '[notify.templates.shipped]\ntitle = "{item}"\n',
        "notify.templates.shipped.title",
        "unknown placeholder {item}",
    ),
    (
        "template-open-brace",
        '[notify.templates.shipped]\ntitle = "{items"\n',
        "notify.templates.shipped.title",
        "write {{ for a literal brace",
    ),
    (
        "template-typo-milestone",
        '[notify.templates.shiped]\ntitle = "x"\n',
        "notify.templates.shiped",
        "did you mean 'shipped'",
    ),
    (
        "target-bad-format",
        '[[notify.target]]\nname = "a"\nurl = "json://x"\nformat = "rich"\n',
        "notify.target[0].format",
        "expected one of: auto, text, markdown, html",
    ),
    (
        "apprise-config-missing",
        '[notify]\napprise_config = "{tmp}/apprise.yml"\n',
        "notify.apprise_config",
        "does not exist",
    ),
    (
        "photo-cap-too-small",
        "[notify]\nphoto_max_bytes = 10\n",
        "notify.photo_max_bytes",
        "at least 1024",
    ),
    (
        "secret-env-unset",
        '[[notify.target]]\nname = "p"\nurl = { env = "UNSET_VAR" }\n',
        "notify.target[0].url",
        "environment variable UNSET_VAR is not set",
    ),
    (
        "secret-file-missing",
        '[general]\ndatabase_url = { file = "{tmp}/none" }\n',
        "general.database_url",
        "No such file or directory",
    ),
    (
        "secret-credential-outside-systemd",
        '[general]\ndatabase_url = { credential = "db" }\n',
        "general.database_url",
        "$CREDENTIALS_DIRECTORY is not set",
    ),
]


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [pytest.param(text, key, problem, id=case) for case, text, key, problem in BROKEN],
)
def test_broken_config_names_the_key(
    tmp_path: Path, env: dict[str, str], text: str, key: str, problem: str
) -> None:
    error = config_error(tmp_path, env, text)
    assert error.key == key
    assert problem in error.problem
    assert error.location == str(tmp_path / "config.toml")
    assert str(error).startswith(f"{error.location}: {key}: ")
    assert "\n" not in str(error)


def test_broken_config_case_ids_are_unique() -> None:
    ids = [case for case, *_ in BROKEN]
    assert len(ids) == len(set(ids))


def test_invalid_toml_names_file_and_line(tmp_path: Path, env: dict[str, str]) -> None:
    error = config_error(tmp_path, env, '[general]\nlog_level = "info"\ntimezone = \n')
    assert error.key == ""
    assert error.location == str(tmp_path / "config.toml")
    assert "line 3" in error.problem
    assert str(error).startswith(f"{tmp_path / 'config.toml'}: invalid TOML")
    assert "\n" not in str(error)


def test_non_utf8_config_is_an_error(tmp_path: Path, env: dict[str, str]) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[general]\nlog_level = "\xff"\n')
    with pytest.raises(ConfigError, match="UTF-8"):
        load_settings(path, env)


def test_unknown_key_is_reported_before_missing_key(tmp_path: Path, env: dict[str, str]) -> None:
    # A typo of a required key is a typo, not a missing key.
    error = config_error(tmp_path, env, '[[mailbox]]\nnmae = "a"\npath = "{tmp}"\n')
    assert error.key == "mailbox[0].nmae"
    assert "did you mean 'name'" in error.problem


# --- loading: missing files, defaults, a full file ------------------------------


def test_defaults(env: dict[str, str], home: Path) -> None:
    settings = defaults(env)
    state = home / ".local/state/parcelwatch"
    assert settings.source == "<defaults>"
    assert settings.state_dir == state
    assert settings.database_url.reveal() == f"sqlite:///{state}/parcelwatch.db"
    assert settings.database_url.source == "default"
    assert settings.timezone == ""
    assert settings.log_level == "info"
    assert settings.marketplaces == MARKETPLACE_DOMAINS
    assert (settings.require_authentication, settings.authserv_id) == (False, None)
    assert settings.parse_budget == 10
    assert settings.mailboxes == ()
    assert settings.notify.milestones == DEFAULT_MILESTONES
    assert Milestone.DELIVERED in settings.notify.milestones
    assert Milestone.IN_TRANSIT not in settings.notify.milestones
    assert settings.notify.targets == ()
    assert settings.notify.max_attempts == 10
    assert settings.notify.retry_seconds == 60
    assert settings.warnings == ()


def test_defaults_follow_state_directory(env: dict[str, str]) -> None:
    settings = defaults({**env, "STATE_DIRECTORY": "/var/lib/parcelwatch"})
    assert settings.state_dir == Path("/var/lib/parcelwatch")
    assert settings.database_url.reveal() == "sqlite:////var/lib/parcelwatch/parcelwatch.db"


def test_missing_file_gives_defaults(tmp_path: Path, env: dict[str, str]) -> None:
    assert load_settings(tmp_path / "absent.toml", env) == defaults(env)


def test_missing_file_is_an_error_when_required(tmp_path: Path, env: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path / "absent.toml", env, required=True)
    assert info.value.location == str(tmp_path / "absent.toml")
    assert "not found" in str(info.value)


def test_no_path_reads_the_xdg_config(tmp_path: Path, env: dict[str, str]) -> None:
    config_dir = tmp_path / "xdg" / "parcelwatch"
    config_dir.mkdir(parents=True)
    (config_dir / "config.toml").write_text('[general]\nlog_level = "debug"\n')
    settings = load_settings(None, {**env, "XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert settings.source == str(config_dir / "config.toml")
    assert settings.log_level == "debug"


def test_full_config(tmp_path: Path, env: dict[str, str], home: Path) -> None:
    (home / "Mail" / "amazon").mkdir(parents=True)
    mbox = tmp_path / "orders.mbox"
    mbox.write_text("")
    path = write_config(
        tmp_path,
        """
        [general]
        state_dir = "~/state"
        database_url = { env = "DB_URL" }
        timezone = "Europe/Berlin"
        log_level = "WARNING"

        [amazon]
        marketplaces = ["amazon.de", "Amazon.com", "amazon.de"]

        [[mailbox]]
        name = "archive"
        path = "~/Mail/amazon"

        [[mailbox]]
        name = "mbox"
        path = "{tmp}/orders.mbox"

        [notify]
        milestones = ["shipped", "delivered"]
        max_attempts = 3
        retry_seconds = 5

        [[notify.target]]
        name = "phone"
        url = { env = "NTFY" }
        """,
    )
    env = {**env, "DB_URL": "postgresql://pw@db/parcels", "NTFY": SECRET_URL}
    settings = load_settings(path, env)
    assert settings.source == str(path)
    assert settings.state_dir == home / "state"
    assert resolve_all(settings).database_url == Secret("env:DB_URL", "postgresql://pw@db/parcels")
    assert settings.timezone == "Europe/Berlin"
    assert settings.log_level == "warning"
    assert settings.marketplaces == ("amazon.de", "amazon.com")
    assert settings.mailboxes == (
        MailboxSettings("archive", home / "Mail" / "amazon"),
        MailboxSettings("mbox", mbox),
    )
    assert settings.notify.milestones == {Milestone.SHIPPED, Milestone.DELIVERED}
    assert settings.notify.max_attempts == 3
    assert settings.notify.retry_seconds == 5
    (target,) = settings.notify.targets
    assert target.name == "phone"
    assert target.url.reveal() == SECRET_URL
    assert target.url.source == "env:NTFY"
    assert settings.warnings == ()


def test_empty_milestones_notify_about_nothing(tmp_path: Path, env: dict[str, str]) -> None:
    settings = load_settings(write_config(tmp_path, "[notify]\nmilestones = []\n"), env)
    assert settings.notify.milestones == frozenset()


def test_settings_are_frozen(env: dict[str, str]) -> None:
    settings = defaults(env)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.log_level = "debug"  # type: ignore[misc]


# --- the shipped example --------------------------------------------------------


def test_example_config_loads_to_the_defaults(env: dict[str, str]) -> None:
    settings = load_settings(EXAMPLE, env, required=True)
    assert settings.source == str(EXAMPLE)
    assert dataclasses.replace(settings, source="<defaults>") == defaults(env)


def test_example_config_commented_examples_are_valid(
    tmp_path: Path, env: dict[str, str], home: Path
) -> None:
    # Lines like "#key = ..." or "#[[table]]" are examples meant to be uncommented;
    # prose comments start with "# ".
    text = re.sub(r"^#(?=[\[a-z])", "", EXAMPLE.read_text(), flags=re.MULTILINE)
    (home / "Mail" / "amazon").mkdir(parents=True)
    (home / ".config" / "parcelwatch").mkdir(parents=True)
    (home / ".config" / "parcelwatch" / "home-ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    (home / ".config" / "apprise").mkdir(parents=True)
    (home / ".config" / "apprise" / "apprise.yml").write_text("urls:\n  - json://localhost\n")
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    (credentials / "gmail-refresh-token").write_text("1//refresh\n")
    env = {
        **env,
        "CREDENTIALS_DIRECTORY": str(credentials),
        "PARCELWATCH_IMAP_PASSWORD": "imap-password",
        "PARCELWATCH_GOOGLE_CLIENT_SECRET": "google-client-secret",
        "PARCELWATCH_17TRACK_KEY": "k1",
        "PARCELWATCH_AFTERSHIP_KEY": "k2",
        "PARCELWATCH_DHL_KEY": "k3",
        "PARCELWATCH_UPS_SECRET": "s1",
        "PARCELWATCH_FEDEX_SECRET": "s2",
        "PARCELWATCH_DATABASE_URL": "postgresql://parcelwatch:pw@localhost/parcelwatch",
        "PARCELWATCH_NTFY_URL": "ntfy://parcels",
        "PARCELWATCH_TELEGRAM_URL": "tgram://123456:abc/987",
        "PARCELWATCH_DISCORD_URL": "discord://1234/abcd",
        "PARCELWATCH_PUSHOVER_URL": "pover://user@token",
        "PARCELWATCH_MQTT_PASSWORD": "mqtt-password",
        "PARCELWATCH_AFTERSHIP_WEBHOOK_SECRET": "s3",
        "PARCELWATCH_WEB_TOKEN": "a-token-of-sixteen-or-more",
    }
    settings = load_settings(write_config(tmp_path, text), env)
    assert settings.web.listen is not None and str(settings.web.listen) == "127.0.0.1:8737"
    assert settings.carriers.pushed == {"aftership"}  # 17TRACK: webhook = false
    assert settings.state_dir == home / ".local/state/parcelwatch"
    assert settings.database_url.source == "env:PARCELWATCH_DATABASE_URL"
    assert settings.marketplaces == ("amazon.com", "amazon.de")
    assert [m.name for m in settings.mailboxes] == ["archive"]
    assert settings.forwarding_addresses == ("partner@example.org",)
    assert settings.require_authentication is True
    assert settings.authserv_id == "mx.example.org"
    assert settings.parse_budget == 10
    carriers = settings.carriers
    assert carriers.order == ("ups", "dhl", "17track", "fedex", "aftership")
    assert [b.name for b in carriers.backends] == ["ups", "fedex", "dhl", "17track", "aftership"]
    fedex = carriers.backend("fedex")
    assert fedex is not None and fedex.base_url == "https://apis-sandbox.fedex.com"
    home_imap, gmail, work = settings.imap
    assert (home_imap.host, home_imap.port, home_imap.auth) == ("mail.example.org", 993, "login")
    assert home_imap.folders == ("INBOX", "Shopping")
    mqtt = settings.mqtt
    assert mqtt is not None and mqtt.address == "mqtt://homeassistant.local:1883"
    assert mqtt.password is not None and mqtt.password.source == "env:PARCELWATCH_MQTT_PASSWORD"
    assert settings.calendar.path == Path("/var/www/html/parcels.ics")
    assert (gmail.host, gmail.auth, gmail.folders) == (
        "imap.gmail.com",
        "xoauth2",
        ("[Gmail]/All Mail",),
    )
    assert gmail.oauth is not None
    assert gmail.oauth.token_endpoint == "https://oauth2.googleapis.com/token"
    assert gmail.oauth.refresh_token.reveal() == "1//refresh"
    assert (work.host, work.token_command) == (
        "outlook.office365.com",
        ("oama", "access", "me@example.com"),
    )
    notify = settings.notify
    assert [(t.name, sorted(t.tags)) for t in notify.targets] == [
        ("phone", ["phone"]),
        ("pushover", ["phone"]),
        ("family", ["family"]),
        ("discord", ["chat"]),
    ]
    assert notify.apprise_config == home / ".config/apprise/apprise.yml"
    assert [sorted(r.tags) for r in notify.routes] == [["phone"], ["family"], ["chat"]]
    assert notify.routes[2].accounts == frozenset({"work"})
    assert notify.quiet_hours is not None
    assert (notify.quiet_hours.start, notify.quiet_hours.end) == (time(22), time(7))
    assert notify.digest is not None and notify.digest.at == time(7, 30)
    assert notify.templates["delivered"].title == "📦 {items} is here"
    assert settings.warnings == ()


# --- secrets ----------------------------------------------------------------------


def resolve(raw: object, env: dict[str, str]) -> Secret:
    return resolve_secret(raw, key="notify.target[0].url", location="c.toml", env=env)


def test_secret_from_env(env: dict[str, str]) -> None:
    secret = resolve({"env": "NTFY"}, {**env, "NTFY": SECRET})
    assert secret.reveal() == SECRET
    assert secret.source == "env:NTFY"


def test_secret_from_empty_env_is_an_error(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="environment variable NTFY is empty"):
        resolve({"env": "NTFY"}, {**env, "NTFY": ""})


def test_secret_from_file_strips_one_newline(tmp_path: Path, env: dict[str, str]) -> None:
    path = tmp_path / "token"
    path.write_text(SECRET + "\n\n")
    secret = resolve({"file": str(path)}, env)
    assert secret.reveal() == SECRET + "\n"
    assert secret.source == f"file:{path}"


def test_secret_from_file_in_home(env: dict[str, str], home: Path) -> None:
    (home / "token").write_text(SECRET + "\r\n")
    secret = resolve({"file": "~/token"}, env)
    assert secret.reveal() == SECRET
    assert secret.source == f"file:{home / 'token'}"


def test_secret_from_missing_file(tmp_path: Path, env: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as info:
        resolve({"file": str(tmp_path / "x")}, env)
    assert info.value.key == "notify.target[0].url"
    assert info.value.problem == f"cannot read file {tmp_path / 'x'}: No such file or directory"


def test_secret_from_relative_file_is_an_error(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="absolute"):
        resolve({"file": "token"}, env)


def test_secret_from_empty_file_is_an_error(tmp_path: Path, env: dict[str, str]) -> None:
    (tmp_path / "token").write_text("\n")
    with pytest.raises(ConfigError, match="is empty"):
        resolve({"file": str(tmp_path / "token")}, env)


def test_secret_from_credential(tmp_path: Path, env: dict[str, str]) -> None:
    (tmp_path / "ntfy-url").write_text(SECRET)
    secret = resolve({"credential": "ntfy-url"}, {**env, "CREDENTIALS_DIRECTORY": str(tmp_path)})
    assert secret.reveal() == SECRET
    assert secret.source == "credential:ntfy-url"


def test_secret_from_missing_credential(tmp_path: Path, env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="LoadCredential=db:"):
        resolve({"credential": "db"}, {**env, "CREDENTIALS_DIRECTORY": str(tmp_path)})


def test_secret_credential_name_cannot_escape(tmp_path: Path, env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="plain name"):
        resolve({"credential": "../x"}, {**env, "CREDENTIALS_DIRECTORY": str(tmp_path)})


def test_secret_inline() -> None:
    secret = resolve(SECRET, {})
    assert secret == Secret("inline", SECRET)


def test_secret_repr_and_str_hide_the_value() -> None:
    secret = Secret("env:NTFY_URL", SECRET)
    assert repr(secret) == "Secret(env:NTFY_URL)"
    assert str(secret) == "Secret(env:NTFY_URL)"
    assert f"{secret}" == "Secret(env:NTFY_URL)"
    assert SECRET not in repr([secret])


def test_settings_repr_hides_secrets(tmp_path: Path, env: dict[str, str]) -> None:
    path = write_config(
        tmp_path,
        f'[general]\ndatabase_url = "postgresql://u:{SECRET}@db/x"\n'
        f'[[notify.target]]\nname = "p"\nurl = "{SECRET_URL}"\n',
    )
    settings = load_settings(path, env)
    assert settings.notify.targets[0].url.reveal() == SECRET_URL
    assert SECRET not in repr(settings)
    assert SECRET not in str(settings)
    assert not any(SECRET in warning for warning in settings.warnings)


def test_inline_secrets_warn(tmp_path: Path, env: dict[str, str]) -> None:
    path = write_config(
        tmp_path,
        '[general]\ndatabase_url = "postgresql://u:pw@db/x"\n'
        '[[notify.target]]\nname = "p"\nurl = "json://localhost"\n',
    )
    warnings = load_settings(path, env).warnings
    assert warnings == (
        "general.database_url: holds a password given inline; prefer { env = ... } or "
        "{ file = ... } so the secret stays out of the config file",
        "notify.target[0].url: given inline; prefer { env = ... } or { file = ... } so the "
        "secret stays out of the config file",
    )


def test_inline_database_url_without_password_does_not_warn(
    tmp_path: Path, env: dict[str, str]
) -> None:
    path = write_config(tmp_path, '[general]\ndatabase_url = "sqlite:////srv/p.db"\n')
    settings = load_settings(path, env)
    assert settings.database_url.reveal() == "sqlite:////srv/p.db"
    assert settings.warnings == ()


@pytest.mark.parametrize(
    ("secret_file_text", "url_line"),
    [
        pytest.param(SECRET, 'url = { file = "{tmp}/secret" }', id="file-not-apprise"),
        pytest.param(b"\xff" + SECRET.encode(), 'url = { file = "{tmp}/secret" }', id="not-utf8"),
        pytest.param(SECRET, f'url = "{SECRET}"', id="inline-not-apprise"),
        pytest.param(SECRET, f"url = {{ env = 1, file = '{SECRET}' }}", id="bad-table"),
        pytest.param(SECRET, f'url = {{ env = "{SECRET_URL}" }}', id="value-as-env-name"),
        pytest.param(SECRET, f'url = {{ file = "{SECRET_URL}" }}', id="value-as-file"),
        pytest.param(SECRET, f'url = {{ credential = "{SECRET_URL}" }}', id="value-as-credential"),
    ],
)
def test_secret_never_in_errors(
    tmp_path: Path, env: dict[str, str], secret_file_text: str | bytes, url_line: str
) -> None:
    secret_file = tmp_path / "secret"
    if isinstance(secret_file_text, bytes):
        secret_file.write_bytes(secret_file_text)
    else:
        secret_file.write_text(secret_file_text)
    env = {**env, "CREDENTIALS_DIRECTORY": str(tmp_path)}
    error = config_error(tmp_path, env, f'[[notify.target]]\nname = "p"\n{url_line}\n')
    assert error.key.startswith("notify.target[0].url")
    assert SECRET not in str(error)
    assert SECRET not in repr(error)


# --- default paths ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        pytest.param({"HOME": "/home/u"}, "/home/u/.config/parcelwatch/config.toml", id="home"),
        pytest.param(
            {"HOME": "/home/u", "XDG_CONFIG_HOME": "/cfg"},
            "/cfg/parcelwatch/config.toml",
            id="xdg",
        ),
        pytest.param(
            {"HOME": "/home/u", "XDG_CONFIG_HOME": "relative"},
            "/home/u/.config/parcelwatch/config.toml",
            id="xdg-relative-ignored",
        ),
        pytest.param(
            {"HOME": "/home/u", "XDG_CONFIG_HOME": ""},
            "/home/u/.config/parcelwatch/config.toml",
            id="xdg-empty-ignored",
        ),
    ],
)
def test_default_config_path(environ: dict[str, str], expected: str) -> None:
    assert default_config_path(environ) == Path(expected)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        pytest.param({"HOME": "/home/u"}, "/home/u/.local/state/parcelwatch", id="home"),
        pytest.param(
            {"HOME": "/home/u", "XDG_STATE_HOME": "/st"}, "/st/parcelwatch", id="xdg-state"
        ),
        pytest.param(
            {"HOME": "/home/u", "XDG_STATE_HOME": "/st", "STATE_DIRECTORY": "/var/lib/pw"},
            "/var/lib/pw",
            id="systemd",
        ),
        pytest.param(
            {"HOME": "/home/u", "STATE_DIRECTORY": "/var/lib/pw:/var/lib/other"},
            "/var/lib/pw",
            id="systemd-several",
        ),
    ],
)
def test_default_state_dir(environ: dict[str, str], expected: str) -> None:
    assert default_state_dir(environ) == Path(expected)


def test_default_paths_without_home_use_the_password_database() -> None:
    assert default_config_path({}) == Path.home() / ".config/parcelwatch/config.toml"
    assert default_state_dir({}) == Path.home() / ".local/state/parcelwatch"
