"""`parcelwatch track` takes only what is a tracking number: one that a
carrier's format (and check digit) recognises, or one whose carrier the user
names. Anything else is one clear line on stderr and no parcel in the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from daemon.cli.main import main

UPS = "1Z999AA10123456784"  # UPS's published example (valid check digit)


@pytest.fixture
def track(tmp_path: Path) -> list[str]:
    config = tmp_path / "config.toml"
    config.write_text(f'[general]\nstate_dir = "{tmp_path / "state"}"\n')
    return ["--config", str(config), "track"]


def listed(track: list[str], env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main([*track[:2], "list"], env) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["hello world"], "'hello world' is not a tracking number parcelwatch knows"),
        # One digit off: UPS's check digit fails, and no other format fits.
        (["1Z999AA10123456785"], "'1Z999AA10123456785' is not a tracking number"),
        (["hello world", "--carrier", "ups"], "'hello world' is not a tracking number: 6 to 40"),
        (["AB12", "--carrier", "dhl"], "'AB12' is not a tracking number: 6 to 40"),
        ([UPS, "--carrier", "no-such-carrier"], "unknown carrier 'no-such-carrier'"),
    ],
    ids=["words", "check-digit", "words-with-carrier", "too-short", "unknown-carrier"],
)
def test_what_is_not_a_tracking_number_is_refused_in_one_line(
    track: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    said: str,
) -> None:
    env = {"HOME": str(tmp_path)}
    assert main([*track, *args], env) == 1
    captured = capsys.readouterr()
    [line] = captured.err.splitlines()
    assert line.startswith("parcelwatch: ") and said in line
    assert captured.out == ""
    assert not (tmp_path / "state" / "parcelwatch.db").exists()  # nothing was recorded


def test_the_advice_names_the_carrier_option(
    track: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*track, "xy 1234 5678 90"], {"HOME": str(tmp_path)}) == 1
    advice = "name its carrier: parcelwatch track XY1234567890 --carrier SLUG"
    assert capsys.readouterr().err.rstrip().endswith(advice)


def test_a_recognised_number_or_a_named_carrier_is_tracked(
    track: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {"HOME": str(tmp_path)}
    assert main([*track, "1z999aa1 0123456784"], env) == 0
    assert "Tracking 1Z999AA10123456784 (UPS)" in capsys.readouterr().out
    # No format knows it, but the user names the carrier (as written: "Royal Mail").
    assert main([*track, "xy 1234 5678 90", "--carrier", "Royal Mail"], env) == 0
    assert "Tracking XY1234567890 (Royal Mail)" in capsys.readouterr().out
    shown = listed(track, env, capsys)
    assert UPS in shown and "XY1234567890" in shown
