"""Command line: ``python -m chain_hw_proxy --config FILE [--port N] [--sim-dir DIR]``.

``--host`` overrides the listening address (``--host 0.0.0.0`` in a container whose port is
published on the host's loopback only)."""

import argparse
import logging
import signal
import sys
import threading

from .config import ConfigError, load_config
from .server import ProxyServer

_logger = logging.getLogger("chain_hw_proxy")


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m chain_hw_proxy", description="Chain POS hardware proxy"
    )
    parser.add_argument("--config", required=True, help="INI configuration file")
    parser.add_argument("--port", type=int, help="listen on this port (overrides the file)")
    parser.add_argument("--host", help="listen on this address (overrides the file)")
    parser.add_argument("--sim-dir", help="directory of the simulated devices' files")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        config = load_config(args.config, port=args.port, sim_dir=args.sim_dir)
        if args.host:
            config.host = args.host
    except ConfigError as exc:
        sys.stderr.write(f"chain_hw_proxy: {exc}\n")
        return 2
    logging.basicConfig(
        level=getattr(logging, config.log_level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,  # python-escpos logs on the root logger, which configures it early
    )
    logging.getLogger("PIL").setLevel(logging.INFO)
    try:
        server = ProxyServer(config)
    except OSError as exc:
        _logger.error("cannot listen on %s:%s: %s", config.host, config.port, exc)
        return 1
    stopped = threading.Event()

    def request_stop(_signum, _frame):
        if not stopped.is_set():
            stopped.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    server.proxy.start()
    _logger.info("listening on %s (simulated devices in %s)", server.url, config.sim_dir or "-")
    try:
        server.serve_forever()
    finally:
        server.server_close()
        server.proxy.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
