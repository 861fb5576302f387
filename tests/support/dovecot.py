"""A real Dovecot IMAP server on loopback, for tests and benchmarks.

Debian's dovecot-imapd, configured from scratch in a temporary directory: a plain
listener (STARTTLS offered) and an implicit-TLS listener, both on 127.0.0.1,
with a certificate signed by a throw-away CA, users in a passwd-file, and
mailboxes in Maildir. XOAUTH2 and OAUTHBEARER are enabled: Dovecot checks the
bearer token against the password database, so a user's "password" doubles as
the access token a loopback token endpoint hands out.

Dovecot's login processes refuse to run as root and need to traverse every
parent directory, so the directory is created world-traversable under /tmp
and, when we are root, owned by an unprivileged user. The server runs in its
own process group so that stopping it stops every child.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from tests.support.process import LoggedProcess

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
_READY_LINE = "starting up"


def available() -> bool:
    return Path(DOVECOT).exists()


@dataclass(frozen=True)
class Tls:
    """Files of a throw-away CA and the server certificate it signed."""

    ca_file: Path
    cert_file: Path
    key_file: Path


def make_tls(directory: Path, names: Sequence[str] = ("localhost",)) -> Tls:
    """A CA and a server certificate for 127.0.0.1 and the DNS `names`, made with openssl."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, ca_cert = directory / "ca.key", directory / "ca.pem"
    key, csr, cert = directory / "server.key", directory / "server.csr", directory / "server.pem"
    ext = directory / "san.cnf"
    alt_names = ",".join(["IP:127.0.0.1", *(f"DNS:{name}" for name in names)])
    ext.write_text(f"subjectAltName={alt_names}\nbasicConstraints=CA:FALSE\n")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
             "/CN=parcelwatch test CA", "-keyout", ca_key, "-out", ca_cert)  # fmt: skip
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
             "-keyout", key, "-out", csr)  # fmt: skip
    _openssl("x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial",
             "-days", "2", "-extfile", ext, "-out", cert)  # fmt: skip
    return Tls(ca_cert, cert, key)


def _openssl(*args: str | Path) -> None:
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Dovecot:
    """One Dovecot instance. `start()`/`stop()` may be called repeatedly: the
    ports, users and mail survive a restart, as on a real server."""

    def __init__(self, tls: Tls, users: dict[str, str]) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="parcelwatch-dovecot-"))
        self.root.chmod(0o755)
        self.tls = tls
        self.users = dict(users)
        self.port = free_port()
        self.tls_port = free_port()
        self.process: LoggedProcess | None = None
        self._owner = _mail_owner()
        self._write_config()

    # --- lifecycle --------------------------------------------------------------

    def start(self) -> None:
        """Start and return once the listeners are open (Dovecot logs that it is
        starting up only after binding them)."""
        assert self.process is None, "already running"
        argv = [DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")]
        self.process = LoggedProcess("dovecot", argv, _READY_LINE)

    def stop(self) -> None:
        """Stop the server and all its children (the whole process group)."""
        process = self.process
        if process is None:
            return
        self.process = None
        process.stop()
        # Login and imap processes may outlive the master for a moment.
        with suppress(ProcessLookupError):
            os.killpg(process.process.pid, signal.SIGKILL)

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    # --- users and mail ---------------------------------------------------------

    def set_password(self, user: str, password: str) -> None:
        """Change a user's password (and so the bearer token Dovecot accepts);
        Dovecot re-reads the passwd-file when it changes."""
        self.users[user] = password
        self._write_users()

    def maildir(self, user: str) -> Path:
        return self.root / "mail" / user

    # --- configuration ----------------------------------------------------------

    def _write_users(self) -> None:
        uid, gid = self._owner
        lines = [
            f"{user}:{{PLAIN}}{password}:{uid}:{gid}::{self.maildir(user)}::"
            for user, password in self.users.items()
        ]
        path = self.root / "users"
        path.write_text("\n".join(lines) + "\n")
        path.chmod(0o644)

    def _write_config(self) -> None:
        uid, gid = self._owner
        mail = self.root / "mail"
        mail.mkdir()
        for user in self.users:
            self.maildir(user).mkdir()
        for path in (mail, *mail.iterdir()):
            os.chown(path, uid, gid)
        self._write_users()
        login_user, internal_user = _service_users()
        conf = f"""
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = /dev/stderr
info_log_path = /dev/stderr
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{self.tls.cert_file}
ssl_key = <{self.tls.key_file}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
auth_failure_delay = 0
mail_location = maildir:~/Maildir
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = {min(uid, 100)}
imap_idle_notify_interval = 2 mins
# Dovecot learns of new Maildir mail by inotify, and re-checks every 30 s in case
# a change fell in the same second as its last scan; tests wait less than that.
mailbox_idle_check_interval = 1 secs
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {self.root}/users
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
  # No socket for the auth penalty: tests fail logins on purpose, and a growing
  # delay for every later login from 127.0.0.1 would only slow them down.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service stats {{
  chroot =
}}
service imap-urlauth-login {{
  chroot =
}}
"""
        (self.root / "dovecot.conf").write_text(conf)
        for name in ("run", "state"):
            (self.root / name).mkdir()
        for path in (self.tls.cert_file, self.tls.key_file):
            path.chmod(0o644)
        # The certificate directory must be readable by the login processes too.
        self.tls.cert_file.parent.chmod(0o755)


def _mail_owner() -> tuple[int, int]:
    """Who owns the mail: ourselves, or `nobody` when we are root (Dovecot will
    not run a mail process as root)."""
    if os.geteuid() != 0:
        return os.getuid(), os.getgid()
    entry = pwd.getpwnam("nobody")
    return entry.pw_uid, entry.pw_gid


def _service_users() -> tuple[str, str]:
    """Dovecot's unprivileged login and internal users, or ourselves when we
    are not root (an unprivileged Dovecot runs everything as its own user)."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.getuid()).pw_name
        return me, me
    return "dovenull", "dovecot"


@contextmanager
def running(tls: Tls, users: dict[str, str]) -> Iterator[Dovecot]:
    server = Dovecot(tls, users)
    try:
        server.start()
        yield server
    finally:
        server.close()
