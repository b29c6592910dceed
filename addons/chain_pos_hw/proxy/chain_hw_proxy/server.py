"""HTTP API of the proxy (stdlib ``ThreadingHTTPServer``, JSON in and out).

Who may call it (checked on every request, in this order):

1. the ``Host`` header names this machine (loopback names, ``host`` and ``allowed_hosts``):
   a page from another site that rebinds its DNS name to 127.0.0.1 is refused;
2. an ``Origin`` header, when the client sends one, is a configured POS origin (or the
   proxy's own, for its customer display page): browsers always send it on cross-origin
   requests, so another web site's page is refused;
3. the ``X-Chain-Proxy-Token`` header holds the shared token (compared in constant time).

CORS preflights are answered for configured origins only.
"""

import hmac
import json
import logging
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from . import __version__
from .service import ApiError, HardwareProxy

_logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-Chain-Proxy-Token"
MAX_BODY = 2 * 1024 * 1024
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
DISPLAY_PAGE = Path(__file__).parent / "static" / "display.html"


class AccessPolicy:
    def __init__(self, config, port):
        self.token = config.token.encode("utf-8")
        hosts = {*LOOPBACK_HOSTS, *config.allowed_hosts}
        if config.host not in ("", "0.0.0.0", "::"):
            hosts.add(config.host)
        self.hosts = hosts
        own = {f"http://{host}:{port}" for host in hosts if ":" not in host}
        self.origins = {*config.allowed_origins, *own, f"http://[::1]:{port}"}

    def host_allowed(self, header):
        if not header:
            return False
        if header.startswith("["):
            host = header[1 : header.find("]")]
        else:
            host = header.rsplit(":", 1)[0] if header.count(":") == 1 else header
        return host.lower() in self.hosts

    def origin_allowed(self, origin):
        return origin is None or origin.rstrip("/") in self.origins

    def token_valid(self, value):
        return bool(value) and hmac.compare_digest(value.encode("utf-8"), self.token)


class ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = f"ChainHwProxy/{__version__}"
    # Headers and body go out as two writes: without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK hold the body back ~40 ms (a swipe would reach the POS that late).
    disable_nagle_algorithm = True
    timeout = 75  # seconds a client may stay silent (idle keep-alive, slow senders)

    # -- entry points --------------------------------------------------------------------------
    def do_OPTIONS(self):  # noqa: N802 (http.server's naming)
        origin = self.headers.get("Origin")
        if not self._caller_allowed() or origin is None:
            return self._refuse(HTTPStatus.FORBIDDEN, "forbidden_origin")
        headers = {
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": f"Content-Type, {TOKEN_HEADER}",
            "Access-Control-Max-Age": "600",
        }
        if self.headers.get("Access-Control-Request-Private-Network") == "true":
            headers["Access-Control-Allow-Private-Network"] = "true"
        self._send(HTTPStatus.NO_CONTENT, b"", None, headers)

    def do_GET(self):  # noqa: N802
        self._dispatch("GET")

    def do_POST(self):  # noqa: N802
        self._dispatch("POST")

    # -- dispatching -------------------------------------------------------------------------
    def _dispatch(self, method):
        url = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        if not self._caller_allowed():
            return self._refuse(HTTPStatus.FORBIDDEN, "forbidden_origin")
        if method == "GET" and url.path == "/display":
            return self._display_page(query)
        if not self.server.policy.token_valid(self.headers.get(TOKEN_HEADER)):
            return self._refuse(HTTPStatus.UNAUTHORIZED, "bad_token")
        route = self._route(method, url.path)
        if route is None:
            return self._send_json(HTTPStatus.NOT_FOUND, {"error": "not_found"})
        try:
            payload = self._read_json() if method == "POST" else {}
            status, body = route(query, payload)
        except ApiError as exc:
            status, body = exc.status, {"error": exc.code, "message": exc.message}
        except Exception:  # one bad request must never stop the proxy
            _logger.exception("%s %s failed", method, url.path)
            status, body = 500, {"error": "internal_error"}
        self._send_json(status, body)

    def _route(self, method, path):
        proxy = self.server.proxy
        routes = {
            ("GET", "/v1/health"): lambda q, p: (200, proxy.health()),
            ("GET", "/v1/devices"): lambda q, p: (200, proxy.devices()),
            ("GET", "/v1/events"): lambda q, p: (200, self._events(q)),
            ("GET", "/v1/display"): lambda q, p: (200, {"state": proxy.display}),
            ("POST", "/v1/print"): lambda q, p: proxy.print_receipt(p),
            ("POST", "/v1/drawer"): lambda q, p: (200, proxy.kick_drawer(p)),
            ("POST", "/v1/display"): lambda q, p: (200, proxy.show_display(p)),
            ("POST", "/v1/sim/swipe"): lambda q, p: (200, proxy.sim_swipe(p)),
        }
        if method == "GET" and path.startswith("/v1/jobs/"):
            return lambda q, p: (200, proxy.job(path[len("/v1/jobs/") :]))
        return routes.get((method, path))

    def _events(self, query):
        types = {t for t in query.get("types", "").split(",") if t} or None
        return self.server.proxy.events(query.get("after"), query.get("timeout"), types)

    def _caller_allowed(self):
        policy = self.server.policy
        return policy.host_allowed(self.headers.get("Host")) and policy.origin_allowed(
            self.headers.get("Origin")
        )

    def _display_page(self, query):
        if not self.server.policy.token_valid(query.get("token")):
            return self._refuse(HTTPStatus.UNAUTHORIZED, "bad_token")
        headers = {
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "Content-Security-Policy": "default-src 'self'; script-src 'unsafe-inline'; "
            "style-src 'unsafe-inline'",
        }
        page = DISPLAY_PAGE.read_bytes()
        self._send(HTTPStatus.OK, page, "text/html; charset=utf-8", headers)

    # -- input and output --------------------------------------------------------------------
    def _read_json(self):
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError as exc:
            raise ApiError(400, "bad_request", "invalid Content-Length") from exc
        if length < 0:
            raise ApiError(400, "bad_request", "invalid Content-Length")
        if length > MAX_BODY:
            self.close_connection = True
            raise ApiError(413, "too_large", f"bodies are limited to {MAX_BODY} bytes")
        try:
            payload = json.loads(self.rfile.read(length) or b"{}")
        except (UnicodeDecodeError, ValueError) as exc:
            raise ApiError(400, "bad_json", "the body is not JSON") from exc
        if not isinstance(payload, dict):
            raise ApiError(400, "bad_json", "the body must be a JSON object")
        return payload

    def _refuse(self, status, code):
        _logger.warning(
            "refused %s %s (%s): host %r, origin %r",
            self.command,
            urlsplit(self.path).path,
            code,
            self.headers.get("Host"),
            self.headers.get("Origin"),
        )
        self.close_connection = True
        self._send_json(status, {"error": code})

    def _send_json(self, status, body):
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self._send(status, data, "application/json; charset=utf-8", {"Cache-Control": "no-store"})

    def _send(self, status, data, content_type, headers):
        self.send_response(status)
        origin = self.headers.get("Origin")
        if origin and self._caller_allowed():
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Vary", "Origin")
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # noqa: A002 (BaseHTTPRequestHandler's signature)
        _logger.debug("%s " + format, self.address_string(), *args)


class ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, config):
        super().__init__((config.host, config.port), ProxyHandler)
        self.proxy = HardwareProxy(config)
        self.policy = AccessPolicy(config, self.server_address[1])

    @property
    def url(self):
        host = self.server_address[0]
        host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        return f"http://{host}:{self.server_address[1]}"

    def start(self):
        """Start the devices and serve in a background thread (tests, benchmarks)."""
        self.proxy.start()
        thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.1}, name="http", daemon=True
        )
        thread.start()
        return self

    def stop(self):
        self.shutdown()
        self.server_close()
        self.proxy.stop()
