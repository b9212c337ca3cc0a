#!/usr/bin/env python3
"""Local AWS emulator: moto 5.2.1 plus the project's API extensions.

Usage:
    python3 scripts/emulator/server.py [--port N] [--port-file PATH] [--host 127.0.0.1]

``--port 0`` (the default) lets the OS pick a free port. When the server
answers requests, the chosen port is written to ``--port-file`` (atomically)
and ``ready <endpoint>`` is printed on stdout. SIGTERM / SIGINT stop it
cleanly (the port file is removed on exit). With ``--parent-pid P`` the
server also stops when process P exits, so an attached server never outlives
the script that started it.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

EXPECTED_MOTO = "5.2.1"

# Extension modules, imported (and thereby installed) in this order.
EXTENSIONS = [
    "ext_bedrock",
    "ext_budgets",
    "ext_ce",
    "ext_athena",
    "ext_cloudtrail",
    "ext_iam",
    "ext_logs",
    "ext_ssoadmin",
    "ext_policy",
]


def install_extensions() -> list[str]:
    """Import every extension module; each patches moto on import."""
    import importlib

    for name in EXTENSIONS:
        importlib.import_module(name)
    return list(EXTENSIONS)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0 = any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port-file", help="write the chosen port here once the server is ready")
    parser.add_argument(
        "--parent-pid",
        type=int,
        help="stop when this process exits (used by scripts/emulator.mjs for attached servers)",
    )
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be between 0 and 65535, got {args.port}")
    return args


def write_port_file(path: str, port: int) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(f"{port}\n", encoding="utf-8")
    tmp.replace(target)


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    import moto

    if moto.__version__ != EXPECTED_MOTO:
        print(
            f"warning: the emulator extensions target moto {EXPECTED_MOTO}, found {moto.__version__}",
            file=sys.stderr,
        )
    install_extensions()

    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address=args.host, port=args.port, verbose=False)
    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, request_stop)

    server.start()
    host, port = server.get_host_and_port()
    try:
        if args.port_file:
            write_port_file(args.port_file, port)
        print(f"ready http://{host}:{port}", flush=True)
        while not stop.wait(0.5):
            if args.parent_pid and not process_alive(args.parent_pid):
                print(f"parent process {args.parent_pid} is gone; stopping", flush=True)
                break
    finally:
        server.stop()
        if args.port_file:
            try:
                if Path(args.port_file).read_text(encoding="utf-8").strip() == str(port):
                    Path(args.port_file).unlink()
            except OSError:
                pass
        print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
