"""The shipped nginx configuration (deploy/nginx/reflection.conf) in front of several app processes.

Used by the proxy test and by bench/capacity.py. nginx runs unprivileged-style from a temp folder: its
own prefix, pid file, logs and a self-signed certificate, on free localhost ports. The site file is the
shipped one with only its ports, addresses and certificate paths swapped, so the test checks what ships.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

from browser_app import PROJECT_ROOT, StreamlitServer, free_port

NGINX = "/usr/sbin/nginx"  # Debian's (.ci/run installs nginx-light)
SITE_CONFIG = PROJECT_ROOT / "deploy" / "nginx" / "reflection.conf"
SHIPPED_PORTS = (8501, 8502)
START_SECONDS = 15
# Where each request went: the test reads this to see which app process served a browser.
ACCESS_LOG_FORMAT = "'$upstream_addr \"$cookie_reflection_node\" \"$request\" $status'"


def site_config(app_ports: list[int], http_port: int, https_port: int, certificate: Path, key: Path) -> str:
    """The shipped site file with local ports and a test certificate; fails if the file no longer has
    the lines being swapped (then the test would silently check something else)."""
    text = SITE_CONFIG.read_text()
    swaps = [
        ("listen [::]:80;\n", ""),
        ("listen [::]:443 ssl;\n", ""),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
        ("/etc/letsencrypt/live/reflection.example.org/fullchain.pem", str(certificate)),
        ("/etc/letsencrypt/live/reflection.example.org/privkey.pem", str(key)),
    ]
    for shipped, port in zip(SHIPPED_PORTS, app_ports):
        swaps += [(f"127.0.0.1:{shipped}", f"127.0.0.1:{port}"), (f"~:{shipped}$", f"~:{port}$")]
    for old, new in swaps:
        if old not in text:
            raise AssertionError(f"{SITE_CONFIG} no longer contains {old!r}; update proxy_app.site_config")
        text = text.replace(old, new)
    return text


def make_certificate(folder: Path) -> tuple[Path, Path]:
    certificate, key = folder / "localhost.crt", folder / "localhost.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )
    return certificate, key


class NginxProxy:
    """nginx with the shipped site file in front of `servers` (two of them, as shipped)."""

    def __init__(self, servers: list[StreamlitServer], folder: Path):
        if len(servers) != len(SHIPPED_PORTS):
            raise ValueError(f"the shipped configuration has {len(SHIPPED_PORTS)} app processes")
        self.servers = servers
        self.folder = Path(folder)
        self.http_port, self.https_port = free_port(), free_port()
        self.url = f"https://localhost:{self.https_port}"
        self.http_url = f"http://localhost:{self.http_port}"
        self.access_log = self.folder / "access.log"
        self.process: subprocess.Popen | None = None

    def node_of(self, server: StreamlitServer) -> str:
        """The cookie value that routes a browser to `server` (the shipped upstream's name)."""
        return f"reflection_{SHIPPED_PORTS[self.servers.index(server)]}"

    def start(self) -> NginxProxy:
        certificate, key = make_certificate(self.folder)
        site = self.folder / "reflection.conf"
        site.write_text(site_config([s.port for s in self.servers], self.http_port, self.https_port, certificate, key))
        main = self.folder / "nginx.conf"
        main.write_text(
            f"worker_processes 1;\npid {self.folder}/nginx.pid;\nerror_log {self.folder}/error.log;\n"
            "daemon off;\nevents {}\n"
            "http {\n"
            f"    log_format reflection {ACCESS_LOG_FORMAT};\n"
            f"    access_log {self.access_log} reflection;\n"
            f"    client_body_temp_path {self.folder}/body;\n    proxy_temp_path {self.folder}/proxy;\n"
            f"    fastcgi_temp_path {self.folder}/fastcgi;\n    uwsgi_temp_path {self.folder}/uwsgi;\n"
            f"    scgi_temp_path {self.folder}/scgi;\n"
            f"    include {site};\n"
            "}\n"
        )
        command = [NGINX, "-p", str(self.folder), "-c", str(main), "-e", str(self.folder / "error.log")]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True)
        if check.returncode:
            raise RuntimeError(f"nginx refused the configuration:\n{check.stderr}")
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.process.returncode}:\n{self.error_log()}")
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"nginx did not listen within {START_SECONDS} s:\n{self.error_log()}")

    def error_log(self) -> str:
        path = self.folder / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: nginx's fast shutdown, workers included
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
