"""[mqtt] and [calendar]: defaults, every key read, and one-line errors that
name the key and never the password."""

from __future__ import annotations

from pathlib import Path

import pytest

from daemon.config.settings import Settings, load_settings
from daemon.errors import ConfigError


def load(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> Settings:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return load_settings(path, {"HOME": str(tmp_path), **(env or {})}, required=True)


def error(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, text, env)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_without_mqtt_nothing_is_published_and_no_calendar_is_written(tmp_path: Path) -> None:
    settings = load(tmp_path, "")
    assert settings.mqtt is None
    assert settings.calendar.path is None


def test_every_mqtt_key_is_read(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    settings = load(
        tmp_path,
        '[mqtt]\nurl = "mqtts://broker.lan"\nusername = "ha"\n'
        'password = { env = "MQTT_PASSWORD" }\nclient_id = "pw-1"\n'
        'discovery_prefix = "ha"\nbase_topic = "home/parcels"\n'
        f'ca_file = "{ca}"\ndelivery_photo = false\nevent_max_age = 6\n'
        '[calendar]\npath = "~/www/parcels.ics"\n',
        {"MQTT_PASSWORD": "hunter2"},
    )
    mqtt = settings.mqtt
    assert mqtt is not None
    assert (mqtt.host, mqtt.port, mqtt.tls, mqtt.address) == (
        "broker.lan", 8883, True, "mqtts://broker.lan:8883"
    )  # fmt: skip
    assert (mqtt.username, mqtt.password and mqtt.password.reveal()) == ("ha", "hunter2")
    topics = (mqtt.client_id, mqtt.discovery_prefix, mqtt.base_topic)
    assert topics == ("pw-1", "ha", "home/parcels")
    assert (mqtt.ca_file, mqtt.delivery_photo, mqtt.event_max_age_hours) == (ca, False, 6)
    assert settings.calendar.path == tmp_path / "www" / "parcels.ics"


def test_mqtt_defaults(tmp_path: Path) -> None:
    mqtt = load(tmp_path, '[mqtt]\nurl = "mqtt://127.0.0.1"\n').mqtt
    assert mqtt is not None
    assert (mqtt.port, mqtt.tls, mqtt.username, mqtt.password) == (1883, False, None, None)
    assert (mqtt.client_id, mqtt.discovery_prefix, mqtt.base_topic) == (
        "parcelwatch", "homeassistant", "parcelwatch"
    )  # fmt: skip
    assert (mqtt.delivery_photo, mqtt.event_max_age_hours) == (True, None)  # [notify] max_age


@pytest.mark.parametrize(
    ("mqtt", "expected"),
    [
        ("", "mqtt.url: missing: this key is required"),
        ('url = "http://broker"', "mqtt.url: expected mqtt://host[:port] or mqtts://host[:port]"),
        ('url = "mqtt://"', "mqtt.url: expected mqtt://host"),
        ('url = "mqtt://broker:99999"', "mqtt.url: expected mqtt://host"),
        ('url = "mqtt://broker/x"', "without a path or query"),
        ('url = "mqtt://ha:pw@broker"', "must not hold a user name or password"),
        ('url = "mqtt://b"\npassword = { env = "P" }', "mqtt.password: needs a username too"),
        ('url = "mqtt://b"\nbase_topic = "parcels/#"', "mqtt.base_topic: 'parcels/#' is not a"),
        ('url = "mqtt://b"\ndiscovery_prefix = "/ha"', "mqtt.discovery_prefix: '/ha' is not"),
        ('url = "mqtt://b"\nclient_id = "a b"', "mqtt.client_id: use 1 to 64 letters"),
        ('url = "mqtt://b"\nca_file = "/etc/hostname"', "mqtt.ca_file: only used with TLS"),
        ('url = "mqtt://b"\nevent_max_age = 0', "mqtt.event_max_age: must be at least 1"),
        ('url = "mqtt://b"\nretain = true', "mqtt.retain: unknown key 'retain'"),
    ],
)
def test_mqtt_errors_name_the_key(tmp_path: Path, mqtt: str, expected: str) -> None:
    assert expected in error(tmp_path, f"[mqtt]\n{mqtt}\n", {"P": "secret-value"})


def test_a_password_in_the_file_is_a_warning_and_never_shown(tmp_path: Path) -> None:
    settings = load(tmp_path, '[mqtt]\nurl = "mqtt://b"\nusername = "u"\npassword = "pa55"\n')
    assert settings.warnings == (
        "mqtt.password: given inline; prefer { env = ... } or { credential = ... }",
    )
    assert "pa55" not in repr(settings.mqtt)


def test_calendar_path_must_be_absolute(tmp_path: Path) -> None:
    assert "calendar.path: must be an absolute path" in error(
        tmp_path, '[calendar]\npath = "parcels.ics"\n'
    )
