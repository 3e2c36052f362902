"""A threaded HTTP server around SandboxApp, for tests (`SandboxServer`) and the command line (`main`).

Built on wsgiref so the sandbox needs nothing outside the standard library. The request handler is
extended in one way: it can close a connection without answering, which is how `drop_rate` and
one-shot `drop` faults simulate a network failure.
"""

from __future__ import annotations

import argparse
import signal
import socketserver
import sys
import threading
from typing import Any
from wsgiref.handlers import BaseHandler
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

from .app import SandboxApp
from .state.autogen import AutoOrderGenerator
from .state.seed import SEEDS, reset_state
from .state.state import SandboxState


class _DroppingHandler(ServerHandler):
    """Sends nothing at all when the app flagged the request as dropped."""

    _dropped = False
    # Set by BaseHandler.setup_environ and by _RequestHandler.handle (as wsgiref's own handler does); typeshed
    # declares neither.
    environ: dict[str, Any]
    request_handler: WSGIRequestHandler

    def finish_response(self) -> None:
        if self.environ.get("sandbox.drop"):
            self._dropped = True
            self.close()
            return
        super().finish_response()

    def close(self) -> None:
        if self._dropped:
            BaseHandler.close(self)  # skip access logging of a response that never existed
            return
        super().close()


class _RequestHandler(WSGIRequestHandler):
    server: _ThreadingServer

    def get_environ(self) -> dict[str, Any]:
        environ = super().get_environ()
        environ["sandbox.can_drop"] = True
        return environ

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: tests read the sandbox's request log instead."""

    def handle(self) -> None:
        """WSGIRequestHandler.handle with our ServerHandler; HTTP/1.0, one request per connection."""
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.send_error(414)
            return
        if not self.parse_request():
            return
        # typeshed gives StreamRequestHandler.rfile as BufferedIOBase but SimpleHandler wants IO[bytes]; wsgiref's
        # own WSGIRequestHandler.handle passes the very same stream.
        handler = _DroppingHandler(self.rfile, self.wfile, self.get_stderr(), self.get_environ(),  # type: ignore[arg-type]
                                   multithread=True)
        handler.request_handler = self
        app = self.server.get_app()
        assert app is not None  # SandboxServer sets the app before it serves
        handler.run(app)


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse DNS lookup (getfqdn), which can stall offline."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)
        self.setup_environ()


class SandboxServer:
    """The sandbox on a local port: `with SandboxServer(seed="demo") as sandbox: sandbox.url …`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, seed: str = "empty", **config: Any) -> None:
        self.state = SandboxState()
        reset_state(self.state, seed, config)
        self.app = SandboxApp(self.state)
        self._httpd = _ThreadingServer((host, port), _RequestHandler)
        self._httpd.set_app(self.app)
        self._thread: threading.Thread | None = None
        self._autogen = AutoOrderGenerator(self.state)

    @property
    def url(self) -> str:
        return f"http://{self._httpd.server_name}:{self._httpd.server_port}"

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="rms-sandbox", daemon=True)
        self._thread.start()
        self._autogen.start()
        return self

    def stop(self) -> None:
        self._autogen.stop()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def reset(self, seed: str = "empty", **config: Any) -> None:
        """Forget everything and restore default config (plus `config`); what the test fixture calls."""
        reset_state(self.state, seed, config)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    """`python -m rakuten_link.sandbox --port 8765 --seed demo`: serve until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="rms-sandbox", description="Simulated Rakuten RMS WEB SERVICE API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", choices=SEEDS, default="demo")
    parser.add_argument(
        "--auto-orders-every",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="create one random order per shop every SECONDS (0 = off)",
    )
    parser.add_argument(
        "--processing-delay",
        type=float,
        default=None,
        metavar="SECONDS",
        help="move confirmed orders 200 → 300 after SECONDS, as Rakuten does",
    )
    parser.add_argument("--rate-limits", action="store_true", help="enforce RMS rate limits")
    parser.add_argument("--latency-ms", type=int, default=0)
    args = parser.parse_args(argv)
    config = {
        "auto_orders_every_s": args.auto_orders_every,
        "processing_delay_s": args.processing_delay,
        "rate_limits": args.rate_limits,
        "latency_ms": args.latency_ms,
    }
    server = SandboxServer(args.host, args.port, args.seed, **config).start()
    print(f"RMS sandbox on {server.url} (seed {args.seed}); control API under {server.url}/_sandbox/", flush=True)
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())  # docker/systemd stop, not only Ctrl-C
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        print("stopping", file=sys.stderr)
        server.stop()
    return 0
