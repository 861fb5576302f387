"""`check-config --connect` against a real Dovecot (a plain listener with
STARTTLS and an implicit-TLS one): one line per account that says how the
log-in went, and a TLS/port mix-up named as what it is. And `sync`, which does
not try again an account whose login was refused until something changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from daemon.cli.main import main
from tests.daemon.mail.conftest import PASSWORD, USER, Mailbox, sample_messages, write_config
from tests.support import dovecot


def connect(
    tmp_path: Path, server: dovecot.Dovecot, capsys: pytest.CaptureFixture[str], **account: object
) -> tuple[int, list[str]]:
    config = write_config(tmp_path, server, None, **account)
    env = {"HOME": str(tmp_path), "IMAP_PASSWORD": PASSWORD}
    status = main(["--config", str(config), "check-config", "--connect"], env)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("config OK: ")
    assert out[1].startswith("web: ")
    return status, out[2:]


def test_a_good_account_logs_in_and_counts_its_folder(
    tmp_path: Path,
    server: dovecot.Dovecot,
    mailbox: Mailbox,
    tls: dovecot.Tls,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mailbox.append(sample_messages()[:3])
    status, lines = connect(
        tmp_path, server, capsys, security="tls", port=server.tls_port, ca_file=str(tls.ca_file)
    )
    assert status == 0
    assert lines == [
        f"home: logged in to 127.0.0.1:{server.tls_port} (TLS) as {USER}; INBOX 3 messages",
        "hint: amazon.authserv_id is not set; the newest Amazon email in home/INBOX was checked "
        "by 'mx.example.net' (the first word of its topmost Authentication-Results): if that "
        'is your mail server, set authserv_id = "mx.example.net" in [amazon]',
    ]
    flags = mailbox.flags()
    assert len(flags) == 3 and not any(b"\\Seen" in f for f in flags.values())  # read-only


def test_a_refused_password_is_one_line_saying_what_to_fix(
    tmp_path: Path, server: dovecot.Dovecot, capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines = connect(tmp_path, server, capsys, password="wrong")
    assert status == 1
    assert lines == ["home: login refused; fix the password"]


def test_implicit_tls_against_the_plain_port_is_named(
    tmp_path: Path, server: dovecot.Dovecot, tls: dovecot.Tls, capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines = connect(
        tmp_path, server, capsys, security="tls", port=server.port, ca_file=str(tls.ca_file)
    )
    assert status == 1
    assert lines == [
        f'home: port {server.port} speaks plain IMAP; use security = "starttls" or port 993'
    ]


def test_starttls_against_the_tls_port_is_named(
    tmp_path: Path, server: dovecot.Dovecot, tls: dovecot.Tls, capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines = connect(
        tmp_path,
        server,
        capsys,
        security="starttls",
        port=server.tls_port,
        ca_file=str(tls.ca_file),
        connect_timeout=1,  # the greeting that never comes
    )
    assert status == 1
    assert lines == [
        f"home: port {server.tls_port} expects TLS from the first byte; "
        'use security = "tls" (or port 143 for STARTTLS)'
    ]


def test_a_missing_folder_is_named(
    tmp_path: Path, server: dovecot.Dovecot, capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines = connect(tmp_path, server, capsys, folders=["INBOX", "Nope"])
    assert status == 1
    assert lines == ["home: cannot open folder 'Nope'; correct imap.folders"]


def test_sync_does_not_try_a_refused_account_again_until_something_changed(
    tmp_path: Path,
    server: dovecot.Dovecot,
    mailbox: Mailbox,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mailbox.append(sample_messages()[:2])
    secret = tmp_path / "imap-password"
    secret.write_text("wrong\n")
    config = write_config(tmp_path, server, None, password={"file": str(secret)})
    base, env = ["--config", str(config)], {"HOME": str(tmp_path)}

    assert main([*base, "sync"], env) == 1
    assert "login refused" in capsys.readouterr().err

    # The timer's next pass: not tried (no failed login on the server).
    assert main([*base, "sync"], env) == 1
    err = capsys.readouterr().err
    assert "home: not tried: login refused today " in err
    assert (
        "fix the password, then change the configuration or run `parcelwatch sync --retry`" in err
    )
    assert "login refused for" not in err

    # --retry tries (and is refused again); a fixed secret file is tried by itself.
    assert main([*base, "sync", "--retry"], env) == 1
    assert "login refused for" in capsys.readouterr().err
    secret.write_text(PASSWORD + "\n")
    future = secret.stat().st_mtime + 5  # newer than the refusal, whatever the clock's grain
    os.utime(secret, (future, future))
    assert main([*base, "sync"], env) == 0
    assert "home/INBOX: 2 new" in capsys.readouterr().out
