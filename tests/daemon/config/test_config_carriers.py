"""The [carriers] section: backends, their order, and what is wrong with them."""

from __future__ import annotations

from pathlib import Path

import pytest

from daemon.config.carriers import CarrierSettings
from daemon.config.settings import load_settings
from daemon.errors import ConfigError

ENV = {"HOME": "/nonexistent", "K": "key", "S": "secret"}
SEVENTEEN = '[carriers.17track]\napi_key = { env = "K" }\n'
UPS = '[carriers.ups]\nclient_id = "id"\nclient_secret = { env = "S" }\n'


def load(tmp_path: Path, text: str) -> CarrierSettings:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return load_settings(path, ENV, required=True).carriers


BROKEN = [
    # (case id, text, key named, part of the problem)
    ("unknown-backend", "[carriers.usps]\napi_key = 'x'\n", "carriers.usps", "unknown key"),
    ("missing-key", "[carriers.dhl]\n", "carriers.dhl.api_key", "missing"),
    ("missing-secret", '[carriers.fedex]\nclient_id = "id"\n', "carriers.fedex.client_secret",
     "missing"),
    ("key-on-oauth-backend", '[carriers.ups]\napi_key = { env = "K" }\n', "carriers.ups.api_key",
     "expected one of: client_id, client_secret"),
    ("order-unconfigured", SEVENTEEN + '[carriers]\norder = ["ups"]\n', "carriers.order[0]",
     "no [carriers.ups] table"),
    ("order-unknown", SEVENTEEN + '[carriers]\norder = ["usp"]\n', "carriers.order[0]",
     "did you mean 'ups'"),
    ("bad-base-url", SEVENTEEN + 'base_url = "api.17track.net"\n', "carriers.17track.base_url",
     "https://"),
    ("stale-days", "[carriers]\nstale_days = 0\n", "carriers.stale_days", "at least 1"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [pytest.param(t, k, p, id=case) for case, t, k, p in BROKEN],
)
def test_broken_carrier_config_names_the_key(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, text)
    assert info.value.key == key
    assert problem in info.value.problem


def test_no_backends_by_default(tmp_path: Path) -> None:
    carriers = load(tmp_path, "")
    assert (carriers.order, carriers.backends, carriers.stale_days) == ((), (), 10)


def test_default_order_puts_carrier_apis_before_aggregators(tmp_path: Path) -> None:
    carriers = load(tmp_path, SEVENTEEN + UPS)
    assert carriers.order == ("ups", "17track")
    ups = carriers.backend("ups")
    assert ups is not None and ups.client_secret is not None
    assert (ups.client_id, ups.client_secret.reveal(), ups.base_url) == ("id", "secret", None)


def test_an_explicit_order_comes_first(tmp_path: Path) -> None:
    carriers = load(tmp_path, SEVENTEEN + UPS + '[carriers]\norder = ["17track"]\n')
    assert carriers.order == ("17track", "ups")


def test_inline_key_warns_without_showing_it(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[carriers.dhl]\napi_key = "plain-key-123"\n')
    settings = load_settings(path, ENV, required=True)
    [warning] = settings.warnings
    assert warning.startswith("carriers.dhl.api_key: given inline")
    assert "plain-key-123" not in warning and "plain-key-123" not in repr(settings)
