#!/usr/bin/env python3
"""Real Git servers on 127.0.0.1 for Fairway's Git client tests.

Usage:
    python3 scripts/git-test-servers.py --repos DIR --work DIR [--user U --password P] [--token T]

DIR given by --repos holds bare repositories (DIR/platform.git, ...). --work is a scratch directory
this script owns: certificates, keys, configuration, logs. The script starts, each on a free port
of 127.0.0.1:

  git    git daemon serving git:// (receive-pack enabled, no authentication)
  http   smart HTTP (`git http-backend` as CGI) behind HTTP Basic authentication
  https  the same over TLS, with a certificate for DNS:localhost (and IP:127.0.0.1) signed by a
         throwaway CA written to WORK/ca.pem; clients use https://localhost:PORT/
  ssh    /usr/sbin/sshd with its own configuration, host key, client key and known_hosts in WORK,
         for the current user, public-key authentication only

When all of them accept connections it prints one line of JSON to stdout:

  {"git": "git://127.0.0.1:P1/", "http": "http://127.0.0.1:P2/", "https": "https://localhost:P3/",
   "ssh": "ssh://USER@127.0.0.1:P4/ABS/REPOS/", "user": U, "password": P, "token": T,
   "caFile": ..., "sshKey": ..., "sshPublicKey": ..., "knownHosts": ..., "sshUser": USER}

Every URL ends with "/": append "platform.git". If sshd cannot be started, the ssh keys are left
out and "sshError" says why. HTTP(S) accepts Basic auth with U:P, Basic auth with any user name and
the token T as password (what libgit2 sends for a token), and `Authorization: Bearer T`; anything
else gets 401 with `WWW-Authenticate: Basic realm="git"`.

It then serves until SIGTERM, SIGINT or SIGHUP, or until its standard input reaches end of file
(so a test process that dies takes the servers with it; --no-stdin-watch turns that off for manual
use), and on the way out stops git daemon and sshd and closes the listeners. After the JSON line
nothing more is written to stdout; logs go to WORK/servers.log, WORK/git-daemon.log,
WORK/http-backend.log and WORK/sshd.log.

Needs git, openssl, and for ssh openssh-server and openssh-client (scripts/setup installs them).
"""

import argparse
import base64
import ctypes
import hmac
import http.server
import json
import logging
import os
import pwd
import shutil
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse

LOG = logging.getLogger("git-test-servers")
HOST = "127.0.0.1"
SSHD = "/usr/sbin/sshd"
READY_TIMEOUT = 15.0

# Server-side Git configuration given to git daemon, git http-backend and (through sshd's SetEnv)
# the ssh sessions as command-line configuration: repositories owned by another user are still
# served, and fetching a reachable commit by id or with a filter works as on the common hosts.
GIT_SERVER_CONFIG = [
    ("safe.directory", "*"),
    ("uploadpack.allowReachableSHA1InWant", "true"),
    ("uploadpack.allowFilter", "true"),
]


def git_config_env():
    env = {"GIT_CONFIG_COUNT": str(len(GIT_SERVER_CONFIG))}
    for index, (key, value) in enumerate(GIT_SERVER_CONFIG):
        env[f"GIT_CONFIG_KEY_{index}"] = key
        env[f"GIT_CONFIG_VALUE_{index}"] = value
    return env


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def accepts_connections(port):
    try:
        with socket.create_connection((HOST, port), timeout=1.0):
            return True
    except OSError:
        return False


def wait_until_listening(port, process=None, timeout=READY_TIMEOUT):
    """True once 127.0.0.1:port accepts a connection; False if process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if accepts_connections(port):
            return True
        if process is not None and process.poll() is not None:
            return False
        time.sleep(0.05)
    return False


def run(command, **kwargs):
    """Runs a setup command; raises with its output when it fails."""
    LOG.info("running %s", " ".join(command))
    result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}): {result.stderr.strip()}")
    return result


try:
    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl  # looked up before any fork
except (OSError, AttributeError):
    _PRCTL = None


def _die_with_parent():
    """preexec_fn: the child gets SIGTERM if this script dies without cleaning up (Linux only)."""
    if _PRCTL is not None:
        _PRCTL(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG


def start_process(command, log_path, env=None):
    LOG.info("starting %s", " ".join(command))
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            env=env,
            start_new_session=True,  # its own process group, so stopping it reaches its children
            preexec_fn=_die_with_parent,
        )


def stop_process(process, name):
    if process is None or process.poll() is not None:
        return
    LOG.info("stopping %s (pid %d)", name, process.pid)
    for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        except PermissionError:
            process.send_signal(sig)
        try:
            process.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue
    # Per-connection children left in the group (git daemon's forks) go too.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def tail(path, lines=15):
    try:
        with open(path, "r", errors="replace") as handle:
            return " | ".join(line.strip() for line in handle.readlines()[-lines:] if line.strip())
    except OSError:
        return ""


# --------------------------------------------------------------------------------------------------
# git daemon


def start_git_daemon(repos, work):
    log_path = os.path.join(work, "git-daemon.log")
    env = dict(os.environ, **git_config_env())
    last_error = "unknown error"
    for _attempt in range(3):
        port = free_port()
        process = start_process(
            [
                "git", "daemon", "--export-all", f"--base-path={repos}", f"--listen={HOST}",
                f"--port={port}", "--reuseaddr", "--enable=receive-pack", "--informative-errors",
                "--verbose", "--log-destination=stderr", repos,
            ],
            log_path,
            env=env,
        )
        if wait_until_listening(port, process):
            return process, port
        last_error = tail(log_path, 5)
        stop_process(process, "git daemon")
    raise RuntimeError(f"git daemon did not start: {last_error}")


# --------------------------------------------------------------------------------------------------
# Smart HTTP: git http-backend as CGI


class Credentials:
    def __init__(self, user, password, token):
        self.user = user
        self.password = password
        self.token = token

    @staticmethod
    def _equal(a, b):
        return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))

    def check(self, header):
        """The authenticated user name for an Authorization header value, or None."""
        scheme, _, value = (header or "").strip().partition(" ")
        value = value.strip()
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(value, validate=True).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                return None
            user, separator, password = decoded.partition(":")
            if not separator:
                return None
            if self._equal(user, self.user) and self._equal(password, self.password):
                return user
            if self.token and self._equal(password, self.token):
                return user or self.user
        elif scheme.lower() == "bearer" and self.token and self._equal(value, self.token):
            return self.user
        return None


class GitHTTPHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FairwayGitTestServer/1"
    timeout = 300  # idle connections do not hold a thread forever

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        LOG.info("%s %s %s", self.server.label, self.address_string(), format % args)

    def do_GET(self):
        self.handle_git()

    def do_POST(self):
        self.handle_git()

    def do_HEAD(self):
        self.handle_git()

    def _simple_response(self, code, message, extra_headers=()):
        body = (message + "\n").encode("utf-8")
        self.send_response(code)
        for name, value in extra_headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _discard_body(self):
        """Reads an unused request body so the connection can be kept; otherwise closes it."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            return
        if length > 1 << 20:
            self.close_connection = True
            return
        while length > 0:
            data = self.rfile.read(min(length, 65536))
            if not data:
                break
            length -= len(data)

    def _request_body_chunks(self):
        """Yields the request body, de-chunked if it came with Transfer-Encoding: chunked."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    raise ConnectionError("request body ended inside a chunk header")
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while True:  # trailers up to the empty line
                        trailer = self.rfile.readline(65537)
                        if trailer in (b"\r\n", b"\n", b""):
                            return
                remaining = size
                while remaining > 0:
                    data = self.rfile.read(min(remaining, 65536))
                    if not data:
                        raise ConnectionError("request body ended inside a chunk")
                    remaining -= len(data)
                    yield data
                self.rfile.readline(3)  # CRLF after the chunk
        else:
            remaining = int(self.headers.get("Content-Length") or 0)
            while remaining > 0:
                data = self.rfile.read(min(remaining, 65536))
                if not data:
                    raise ConnectionError("request body shorter than Content-Length")
                remaining -= len(data)
                yield data

    def _cgi_environment(self, user):
        path, _, query = self.path.partition("?")
        if "://" in path:  # absolute-form request target
            path = urllib.parse.urlsplit(path).path
        env = dict(os.environ, **git_config_env())
        env.update({
            "GIT_PROJECT_ROOT": self.server.repos,
            "GIT_HTTP_EXPORT_ALL": "1",
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_SOFTWARE": self.server_version,
            "SERVER_PROTOCOL": self.request_version,
            "SERVER_NAME": HOST,
            "SERVER_PORT": str(self.server.server_address[1]),
            "REQUEST_METHOD": self.command,
            "REQUEST_URI": self.path,
            "SCRIPT_NAME": "",
            "PATH_INFO": urllib.parse.unquote(path),
            "QUERY_STRING": query,
            "REMOTE_ADDR": self.client_address[0],
            "REMOTE_PORT": str(self.client_address[1]),
            "AUTH_TYPE": "Basic",
            "REMOTE_USER": user,
        })
        if self.server.tls:
            env["HTTPS"] = "on"
        content_type = self.headers.get("Content-Type")
        if content_type:
            env["CONTENT_TYPE"] = content_type
        chunked = "chunked" in self.headers.get("Transfer-Encoding", "").lower()
        if not chunked and self.headers.get("Content-Length"):
            env["CONTENT_LENGTH"] = self.headers["Content-Length"].strip()
        for name, value in self.headers.items():
            key = name.upper().replace("-", "_")
            if key in ("AUTHORIZATION", "CONTENT_TYPE", "CONTENT_LENGTH", "TRANSFER_ENCODING", "PROXY"):
                continue
            env["HTTP_" + key] = value
        return env

    def handle_git(self):
        user = self.server.credentials.check(self.headers.get("Authorization"))
        if user is None:
            self._discard_body()
            self._simple_response(401, "Authentication required",
                                  [("WWW-Authenticate", 'Basic realm="git"')])
            return

        env = self._cgi_environment(user)
        with open(self.server.backend_log, "ab") as log:
            process = subprocess.Popen(
                ["git", "http-backend"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                env=env,
            )
        feed_error = []

        def feed():
            try:
                for data in self._request_body_chunks():
                    process.stdin.write(data)
            except (OSError, ValueError, ConnectionError) as error:  # ValueError: bad chunk size
                feed_error.append(error)
            finally:
                try:
                    process.stdin.close()
                except OSError:
                    pass

        feeder = threading.Thread(target=feed, name="http-backend-stdin", daemon=True)
        feeder.start()
        try:
            self._relay_response(process)
        except (OSError, ConnectionError) as error:
            LOG.info("%s: connection lost while answering %s %s: %s", self.server.label, self.command,
                     self.path, error)
            self.close_connection = True
        finally:
            if process.poll() is None:
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            feeder.join(timeout=5)
            process.stdout.close()
        if feed_error:
            LOG.info("%s: request body of %s %s: %s", self.server.label, self.command, self.path,
                     feed_error[0])
            self.close_connection = True
        if process.returncode:
            LOG.info("%s: git http-backend exited %s for %s %s", self.server.label, process.returncode,
                     self.command, self.path)

    def _relay_response(self, process):
        status, reason = 200, "OK"
        headers = []
        while True:
            line = process.stdout.readline()
            if not line:
                self.close_connection = True
                self._simple_response(502, "git http-backend gave no response")
                return
            line = line.rstrip(b"\r\n")
            if not line:
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip(), value.strip()
            if name.lower() == "status":
                code, _, reason = value.partition(" ")
                status, reason = int(code), reason or None
            else:
                headers.append((name, value))

        has_length = any(name.lower() == "content-length" for name, _ in headers)
        self.send_response(status, reason)
        for name, value in headers:
            self.send_header(name, value)
        send_body = self.command != "HEAD" and status not in (204, 304)
        chunked = send_body and not has_length
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif not has_length:
            self.send_header("Content-Length", "0")
        self.end_headers()
        if not send_body:
            process.stdout.read()
            return
        while True:
            data = process.stdout.read1(65536)
            if not data:
                break
            if chunked:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            else:
                self.wfile.write(data)
            self.wfile.flush()
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


class GitHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, label, repos, credentials, backend_log, tls_context=None):
        self.label = label
        self.repos = repos
        self.credentials = credentials
        self.backend_log = backend_log
        self.tls_context = tls_context
        self.tls = tls_context is not None
        super().__init__((HOST, 0), GitHTTPHandler)

    def server_bind(self):
        # Skips HTTPServer.server_bind's reverse lookup of the host name.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def finish_request(self, request, client_address):
        if self.tls_context is None:
            super().finish_request(request, client_address)
            return
        # The TLS handshake runs here, in the connection's own thread, not in the accept loop.
        request.settimeout(30)
        try:
            connection = self.tls_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as error:
            LOG.info("%s: TLS handshake with %s failed: %s", self.label, client_address[0], error)
            return
        try:
            self.RequestHandlerClass(connection, client_address, self)
        finally:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            connection.close()

    def handle_error(self, request, client_address):
        LOG.exception("%s: error while serving %s", self.label, client_address)


def make_certificates(work):
    ca_key = os.path.join(work, "ca.key")
    ca_file = os.path.join(work, "ca.pem")
    server_key = os.path.join(work, "server.key")
    server_csr = os.path.join(work, "server.csr")
    server_cert = os.path.join(work, "server.pem")
    extensions = os.path.join(work, "server.ext")
    with open(extensions, "w") as handle:
        handle.write(
            "basicConstraints = critical, CA:FALSE\n"
            "keyUsage = critical, digitalSignature, keyEncipherment\n"
            "extendedKeyUsage = serverAuth\n"
            "subjectAltName = DNS:localhost, IP:127.0.0.1\n"
            "subjectKeyIdentifier = hash\n"
            "authorityKeyIdentifier = keyid, issuer\n"
        )
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "3650",
         "-keyout", ca_key, "-out", ca_file, "-subj", "/CN=Fairway Test CA",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-sha256",
         "-keyout", server_key, "-out", server_csr, "-subj", "/CN=localhost"])
    run(["openssl", "x509", "-req", "-sha256", "-days", "825", "-in", server_csr,
         "-CA", ca_file, "-CAkey", ca_key, "-set_serial", "0x" + os.urandom(16).hex(),
         "-extfile", extensions, "-out", server_cert])
    os.chmod(ca_key, 0o600)
    os.chmod(server_key, 0o600)
    return ca_file, server_cert, server_key


def tls_context(cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


def start_http_server(server, serving):
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                     name=f"{server.label}-server", daemon=True).start()
    serving.append(server)
    port = server.server_address[1]
    if not wait_until_listening(port):
        raise RuntimeError(f"{server.label} server on port {port} does not accept connections")
    return port


# --------------------------------------------------------------------------------------------------
# sshd


def ssh_keygen(path, comment):
    for stale in (path, path + ".pub"):
        if os.path.exists(stale):
            os.remove(stale)
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path])
    os.chmod(path, 0o600)


def start_sshd(work, repos):
    """(process, port, info) on success; raises RuntimeError with the reason otherwise."""
    if not os.access(SSHD, os.X_OK):
        raise RuntimeError(f"{SSHD} not found (install openssh-server; scripts/setup does)")
    if shutil.which("ssh-keygen") is None:
        raise RuntimeError("ssh-keygen not found (install openssh-client; scripts/setup does)")
    user = pwd.getpwuid(os.getuid()).pw_name
    try:
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
    except OSError as error:
        LOG.warning("cannot create /run/sshd: %s", error)

    host_key = os.path.join(work, "ssh_host_ed25519_key")
    client_key = os.path.join(work, "id_ed25519")
    ssh_keygen(host_key, "fairway-test-host")
    ssh_keygen(client_key, "fairway-test-client")
    authorized_keys = os.path.join(work, "authorized_keys")
    shutil.copyfile(client_key + ".pub", authorized_keys)
    os.chmod(authorized_keys, 0o600)
    with open(host_key + ".pub") as handle:
        host_public = " ".join(handle.read().split()[:2])

    config_path = os.path.join(work, "sshd_config")
    pid_file = os.path.join(work, "sshd.pid")
    log_path = os.path.join(work, "sshd.log")
    known_hosts = os.path.join(work, "known_hosts")
    set_env = " ".join(f'"{name}={value}"' for name, value in git_config_env().items())
    last_error = "unknown error"
    for _attempt in range(3):
        port = free_port()
        with open(config_path, "w") as handle:
            handle.write(
                f"ListenAddress {HOST}\n"
                f"Port {port}\n"
                f"HostKey {host_key}\n"
                f"PidFile {pid_file}\n"
                f"AuthorizedKeysFile {authorized_keys}\n"
                "PasswordAuthentication no\n"
                "KbdInteractiveAuthentication no\n"
                "PubkeyAuthentication yes\n"
                "UsePAM no\n"
                "StrictModes no\n"
                "PermitRootLogin yes\n"
                f"AllowUsers {user}\n"
                "UseDNS no\n"
                "PrintMotd no\n"
                "PrintLastLog no\n"
                "X11Forwarding no\n"
                "AllowTcpForwarding no\n"
                "AllowAgentForwarding no\n"
                "PermitTTY no\n"
                "LoginGraceTime 30\n"
                "MaxStartups 64:30:128\n"
                "MaxSessions 64\n"
                "LogLevel VERBOSE\n"
                "AcceptEnv GIT_PROTOCOL\n"
                f"SetEnv {set_env}\n"
            )
        check = subprocess.run([SSHD, "-t", "-f", config_path], stdin=subprocess.DEVNULL,
                               capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"sshd rejects its configuration: {check.stderr.strip()}")
        process = start_process([SSHD, "-D", "-e", "-f", config_path], log_path)
        if wait_until_listening(port, process):
            break
        last_error = tail(log_path, 5) or f"sshd exited with {process.poll()}"
        stop_process(process, "sshd")
    else:
        raise RuntimeError(f"sshd did not start: {last_error}")

    with open(known_hosts, "w") as handle:
        handle.write(f"[{HOST}]:{port} {host_public}\n[localhost]:{port} {host_public}\n")

    # Log in once, as a client will, so a refusal (locked account, ...) shows up as sshError here
    # rather than as a puzzling test failure.
    if shutil.which("ssh") is not None:
        probe = subprocess.run(
            ["ssh", "-i", client_key, "-o", f"UserKnownHostsFile={known_hosts}",
             "-o", "StrictHostKeyChecking=yes", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
             "-o", "ConnectTimeout=10", "-F", "/dev/null", "-p", str(port), f"{user}@{HOST}",
             "git --version"],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30,
        )
        if probe.returncode != 0 or "git version" not in probe.stdout:
            stop_process(process, "sshd")
            raise RuntimeError(f"ssh login to sshd failed: {probe.stderr.strip()} {tail(log_path, 5)}")

    info = {
        "ssh": f"ssh://{user}@{HOST}:{port}{repos.rstrip('/')}/",
        "sshKey": client_key,
        "sshPublicKey": client_key + ".pub",
        "knownHosts": known_hosts,
        "sshUser": user,
    }
    return process, port, info


# --------------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description="Git servers on 127.0.0.1 for Fairway's tests.")
    parser.add_argument("--repos", required=True, help="directory of bare repositories")
    parser.add_argument("--work", required=True, help="scratch directory this script owns")
    parser.add_argument("--user", default="fairway", help="HTTP Basic user (default fairway)")
    parser.add_argument("--password", default="s3cret", help="HTTP Basic password (default s3cret)")
    parser.add_argument("--token", default="fairway-token",
                        help="token accepted as Basic password with any user or as Bearer "
                             "(default fairway-token; empty turns tokens off)")
    parser.add_argument("--no-stdin-watch", action="store_true",
                        help="do not stop when standard input reaches end of file")
    args = parser.parse_args()

    repos = os.path.realpath(args.repos)
    work = os.path.realpath(args.work)
    if not os.path.isdir(repos):
        parser.error(f"--repos {args.repos} is not a directory")
    os.makedirs(work, exist_ok=True)
    logging.basicConfig(
        filename=os.path.join(work, "servers.log"), level=logging.INFO,
        format="%(asctime)s %(levelname)s %(threadName)s %(message)s",
    )
    LOG.info("starting: repos=%s work=%s pid=%d", repos, work, os.getpid())

    stop = threading.Event()

    def on_signal(signum, _frame):
        LOG.info("received signal %d", signum)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)

    processes = []  # (name, Popen)
    servers = []  # created, so bound
    serving = []  # serve_forever running, so shutdown() returns
    try:
        daemon, git_port = start_git_daemon(repos, work)
        processes.append(("git daemon", daemon))

        credentials = Credentials(args.user, args.password, args.token)
        backend_log = os.path.join(work, "http-backend.log")
        ca_file, cert, key = make_certificates(work)
        http_server = GitHTTPServer("http", repos, credentials, backend_log)
        servers.append(http_server)
        https_server = GitHTTPServer("https", repos, credentials, backend_log, tls_context(cert, key))
        servers.append(https_server)
        http_port = start_http_server(http_server, serving)
        https_port = start_http_server(https_server, serving)

        result = {
            "git": f"git://{HOST}:{git_port}/",
            "http": f"http://{HOST}:{http_port}/",
            "https": f"https://localhost:{https_port}/",
        }
        try:
            sshd, _ssh_port, ssh_info = start_sshd(work, repos)
            processes.append(("sshd", sshd))
            result["ssh"] = ssh_info.pop("ssh")
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            LOG.warning("ssh unavailable: %s", error)
            ssh_info = {"sshError": str(error)}
        result.update({"user": args.user, "password": args.password, "token": args.token,
                       "caFile": ca_file})
        result.update(ssh_info)

        if stop.is_set():
            return 0
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
        LOG.info("ready: %s", json.dumps(result))

        if not args.no_stdin_watch:
            def watch_stdin():
                try:
                    while os.read(sys.stdin.fileno(), 65536):
                        pass
                except OSError:
                    pass
                LOG.info("standard input reached end of file")
                stop.set()

            threading.Thread(target=watch_stdin, name="stdin-watch", daemon=True).start()

        reported = set()
        while not stop.wait(0.5):
            for name, process in processes:
                if process.poll() is not None and name not in reported:
                    reported.add(name)
                    LOG.error("%s exited unexpectedly with %s", name, process.returncode)
        return 0
    except Exception as error:  # noqa: BLE001 - reported on stderr, never on stdout
        LOG.exception("failed")
        print(f"git-test-servers: {error}", file=sys.stderr)
        return 1
    finally:
        LOG.info("shutting down")
        for server in serving:
            server.shutdown()
        for server in servers:
            server.server_close()
        for name, process in reversed(processes):
            stop_process(process, name)
        LOG.info("stopped")
        logging.shutdown()


if __name__ == "__main__":
    sys.exit(main())
