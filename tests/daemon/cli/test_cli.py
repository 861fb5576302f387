"""The `parcelwatch` command as a user runs it: arguments in, text and exit status out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from daemon.cli.main import main
from tests.support import hostile
from tests.support.receiver import Receiver

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "daemon" / "cli" / "sample_mailbox"
SAMPLE_FILES = sorted((SAMPLE / "cur").iterdir())
EVENT_KEYS = [
    "milestone", "order_ids", "marketplace", "shipment_id", "carrier", "tracking_number",
    "eta", "items", "pickup_code", "pickup_location", "pickup_deadline", "delivery_code",
    "delivery_location", "delivery_photo_url", "occurred_at",
]  # fmt: skip


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An environment whose config and state live in the test's own directory."""
    return {
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "parcelwatch.toml"
    path.write_text(text)
    return path


def test_parse_json_follows_the_design_interface(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(path) for path in SAMPLE_FILES[:3]]
    assert main(["parse", "--json", *files], {}) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    for name, line in zip(files, lines, strict=True):
        record = json.loads(line)
        assert list(record) == ["file", "parser", "error", "events"]
        assert record["file"] == name
        assert record["parser"] == "amazon"
        assert [list(event) for event in record["events"]] == [EVENT_KEYS]


def test_parse_reports_a_bad_file_and_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = tmp_path / "garbage.eml"
    garbage.write_bytes(bytes(range(256)) * 20)
    missing = tmp_path / "missing.eml"
    status = main(["parse", "--json", str(missing), str(garbage), str(SAMPLE_FILES[0])], {})
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 1
    assert records[0]["error"].startswith("cannot read")
    assert (records[1]["parser"], records[1]["events"]) == (None, [])
    assert records[2]["events"][0]["milestone"] == "ordered"


def test_a_mistyped_key_is_one_line_naming_it_with_status_2(
    tmp_path: Path, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, '[general]\nstat_dir = "/tmp/x"\n')
    assert main(["--config", str(config), "check-config"], env) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "general.stat_dir" in err
    assert "state_dir" in err  # the suggestion


def test_check_config_accepts_a_good_file(
    tmp_path: Path, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, f'[[mailbox]]\nname = "sample"\npath = "{SAMPLE}"\n')
    assert main(["--config", str(config), "check-config"], env) == 0
    assert "config OK" in capsys.readouterr().out


def test_a_named_config_that_does_not_exist_is_an_error(
    tmp_path: Path, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(tmp_path / "nope.toml"), "check-config"], env) == 2
    assert "nope.toml" in capsys.readouterr().err


def test_demo_notifies_once_then_never_again(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo"], env) == 0
    first = capsys.readouterr().out
    bells = [line for line in first.splitlines() if line.startswith("🔔")]
    kinds = {line.split(":")[0].removeprefix("🔔 ") for line in bells}
    assert kinds == {"Shipped", "Out for delivery", "Delayed", "Delivered"}
    assert len(bells) == 12
    assert "ORDER" in first and "1Z999AA10123456784" in first

    assert main(["demo"], env) == 0
    second = capsys.readouterr().out
    assert "🔔" not in second
    assert "already processed" in second


def test_import_sync_list_and_show(
    tmp_path: Path, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, f'[[mailbox]]\nname = "sample"\npath = "{SAMPLE}"\n')
    base = ["--config", str(config)]
    assert main([*base, "import", str(SAMPLE)], env) == 0
    assert "16 new" in capsys.readouterr().out
    assert main([*base, "sync"], env) == 0
    assert "0 new, 16 already seen" in capsys.readouterr().out

    assert main([*base, "list"], env) == 0
    assert capsys.readouterr().out.strip() == (
        "No active shipments (4 delivered: parcelwatch list --all)"
    )
    assert main([*base, "list", "--all", "--json"], env) == 0
    rows = json.loads(capsys.readouterr().out)
    assert sorted(row["status"] for row in rows) == ["delivered"] * 4

    assert main([*base, "show", "114-2210934-5561847"], env) == 0
    shown = capsys.readouterr().out
    timeline = shown[shown.index("Timeline:") :]
    assert timeline.index("Shipped") < timeline.index("Delayed") < timeline.index("Delivered")
    assert "Tue 31 Mar" in shown  # the delayed ETA

    assert main([*base, "show", "1z999aa10123456784"], env) == 0
    assert "113-4829105-7730624" in capsys.readouterr().out
    assert main([*base, "show", "999-0000000-0000000"], env) == 1


def test_notify_test_reports_each_target(
    tmp_path: Path,
    env: dict[str, str],
    receiver: Receiver,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = write_config(
        tmp_path,
        "[[notify.target]]\n"
        'name = "hook"\nurl = { env = "HOOK_URL" }\n'
        "[[notify.target]]\n"
        'name = "dead"\nurl = "json://127.0.0.1:9/closed"\n',
    )
    env["HOOK_URL"] = receiver.url()
    assert main(["--config", str(config), "notify-test"], env) == 1
    out = capsys.readouterr().out
    lines = dict(line.split(": ", 1) for line in out.splitlines())
    assert lines["hook"] == "sent"
    assert lines["dead"].startswith("not sent, failed: ")
    assert list(lines) == ["hook", "dead"]
    assert receiver.titles() == ["Out for delivery: USB-C cable, 2 m (+1 more)"]


FORWARD = ROOT / "tests" / "emails" / "amazon_com" / "forwarded_apple_mail.eml"
SHIPPED = ROOT / "tests" / "emails" / "amazon_com" / "order2_shipped.eml"


def parsed(argv: list[str], env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> Any:
    assert main(argv, env) == 0
    return json.loads(capsys.readouterr().out)


def test_parse_reads_the_daemons_config(
    tmp_path: Path, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Forwarding addresses and the authentication rule apply to `parse` as they do
    to the daemon: from --config, or from the default file when none is named."""
    assert parsed(["parse", "--json", str(FORWARD)], env, capsys)["parser"] is None
    config = write_config(tmp_path, '[amazon]\nforwarding_addresses = ["tom.doe@example.com"]\n')
    line = parsed(["--config", str(config), "parse", "--json", str(FORWARD)], env, capsys)
    assert [event["milestone"] for event in line["events"]] == ["shipped"]

    default = Path(env["XDG_CONFIG_HOME"]) / "parcelwatch" / "config.toml"
    default.parent.mkdir(parents=True)
    default.write_text('[amazon]\nrequire_authentication = true\nauthserv_id = "mx.example.net"\n')
    line = parsed(["parse", "--json", str(FORWARD)], env, capsys)
    assert line["parser"] is None  # no forwarder in this file
    unsigned = tmp_path / "unsigned.eml"
    unsigned.write_bytes(SHIPPED.read_bytes().replace(b"Authentication-Results:", b"X-Old-AR:", 1))
    line = parsed(["parse", "--json", str(unsigned)], env, capsys)
    assert line["error"].startswith("rejected: no DKIM or DMARC pass for an Amazon domain")
    assert parsed(["parse", "--json", str(SHIPPED)], env, capsys)["error"] is None


def test_show_tells_where_a_parcel_waits_and_how_it_is_handed_over(
    tmp_path: Path, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, "")
    emails = ROOT / "tests" / "emails"
    for name in ("amazon_com/hub_pickup_thehub.eml", "amazon_de/delivery_otp_du.eml",
                 "amazon_com/order2_delivered.eml"):  # fmt: skip
        assert (
            main(["--config", str(config), "import", "--no-notify", str(emails / name)], env) == 0
        )
    capsys.readouterr()
    assert main(["--config", str(config), "show", "113-6620491-8830257"], env) == 0
    shown = capsys.readouterr().out
    assert "    Pickup at: Amazon Hub Locker - Juniper\n" in shown
    assert "    Pick up by: Tue 31 Mar\n" in shown
    assert "    Pickup code: 482017\n" in shown
    assert "Delivery code" not in shown
    assert main(["--config", str(config), "show", "304-7719052-3380126"], env) == 0
    shown = capsys.readouterr().out
    assert "    Delivery code (tell the driver): 582196\n" in shown
    assert "Pickup code" not in shown
    assert main(["--config", str(config), "show", "114-2210934-5561847"], env) == 0
    assert "    Delivery: left near the front door or porch\n" in capsys.readouterr().out


@pytest.mark.parametrize(
    "command",
    ["demo", "import", "sync", "list", "show", "parse", "check-config", "notify-test",
     "unrecognised", "report"],
)  # fmt: skip
def test_every_command_has_useful_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"], {})
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert f"parcelwatch {command}" in out
    assert len(out.splitlines()) >= 4


def test_show_gives_a_signed_photo_link_without_its_query(
    tmp_path: Path, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The query of Amazon's photo link is its credential: `show` leaves it out."""
    photo = "https://m.media-amazon.com/images/S/photo.jpg"
    query = "X-Amz-Signature=S3CR3T&amp;X-Amz-Credential=AKIAX"
    image = f'<img src="{photo}?{query}" alt="Photo of your package">'
    mail = tmp_path / "mail"
    mail.mkdir()
    (mail / "delivered.eml").write_bytes(
        hostile.email(
            "", html_body=image, subject="Delivered: cable", headline="Your package was delivered."
        )
    )
    config = write_config(tmp_path, f'[[mailbox]]\nname = "mail"\npath = "{mail}"\n')
    assert main(["--config", str(config), "import", str(mail)], env) == 0
    capsys.readouterr()
    assert main(["--config", str(config), "show", hostile.ORDER], env) == 0
    shown = capsys.readouterr().out
    assert f"Delivery photo: {photo}\n" in shown
    assert "S3CR3T" not in shown and "AKIA" not in shown
