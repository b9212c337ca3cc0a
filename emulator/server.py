#!/usr/bin/env python3
"""Local AWS emulator: moto (the version requirements.txt pins) plus the project's API extensions.

Usage:
    python3 emulator/server.py [--port N] [--runtime-port N] [--port-file PATH] [--host 127.0.0.1] [--rate-limits]

Two listeners: moto and the extensions on ``--port``; the Amazon Bedrock
Runtime data plane (``ext_bedrock_runtime.py``) on ``--runtime-port``; plus one data-plane
listener per Bedrock Runtime VPC interface endpoint created through the API (``ext_ec2.py``). Port 0
(the default for both) lets the OS pick a free port. When both answer
requests, the chosen ports are written to ``--port-file`` (atomically, two
lines: ``<port>`` then ``<runtime port>``) and
``ready http://127.0.0.1:<port> runtime=http://127.0.0.1:<runtime port>`` is
printed on stdout. SIGTERM / SIGINT stop it
cleanly (the port file is removed on exit). With ``--parent-pid P`` the
server also stops when process P exits, so an attached server never outlives
the script that started it.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

REQUIREMENTS = HERE / "requirements.txt"

# Extension modules, imported (and thereby installed) in this order.
EXTENSIONS = [
    "ext_bedrock",
    "ext_budgets",
    "ext_ce",
    "ext_ce_usage",
    "ext_athena",
    "ext_athena_query",
    "ext_cloudtrail",
    "ext_iam",
    "ext_sts",
    "ext_logs",
    "ext_organizations",
    "ext_ssoadmin",
    "ext_policy",
    "ext_s3",
    "ext_lambda",
    "ext_events",
    "ext_dynamodb",
    "ext_cloudwatch",
    "ext_ec2",
    "faults",
]


def pinned_moto(requirements: str) -> str:
    """The moto version that requirements.txt (its text: ``requirements``) pins (``moto[server]==X``)."""
    match = re.search(r"^moto(?:\[[^\]]*\])?==(\S+)\s*$", requirements, re.MULTILINE)
    if match is None:
        raise ValueError("requirements.txt pins no moto version (a line moto[server]==X)")
    return match.group(1)


def install_extensions() -> list[str]:
    """Import every extension module; each patches moto on import."""
    import importlib

    for name in EXTENSIONS:
        importlib.import_module(name)
    return list(EXTENSIONS)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0 = any free port)")
    parser.add_argument(
        "--runtime-port", type=int, default=0, help="port of the Bedrock Runtime data plane (0 = any free port)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port-file", help="write the chosen port here once the server is ready")
    parser.add_argument(
        "--rate-limits",
        action="store_true",
        help="start with the request-rate limits on (throttle.py; PUT /_emulator/rate-limits switches them)",
    )
    parser.add_argument(
        "--parent-pid",
        type=int,
        help="stop when this process exits (used by scripts/emulator.mjs for attached servers)",
    )
    args = parser.parse_args(argv)
    for name in ("port", "runtime_port"):
        if not 0 <= getattr(args, name) <= 65535:
            parser.error(f"--{name.replace('_', '-')} must be between 0 and 65535, got {getattr(args, name)}")
    return args


def write_port_file(path: str, port: int, runtime_port: int) -> None:
    """Two lines, ``<port>`` and ``<runtime port>``, written atomically."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(f"{port}\n{runtime_port}\n", encoding="utf-8")
    tmp.replace(target)


def answers(host: str, port: int) -> bool:
    """Whether an HTTP request to the port gets an answer (any status)."""
    import http.client

    try:
        connection = http.client.HTTPConnection(host, port, timeout=5)
        connection.request("GET", "/")
        connection.getresponse().read()
        connection.close()
        return True
    except OSError:
        return False


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

    expected = pinned_moto(REQUIREMENTS.read_text())
    if moto.__version__ != expected:
        print(
            f"warning: the emulator extensions target moto {expected}, found {moto.__version__}",
            file=sys.stderr,
        )
    install_extensions()

    import control
    import ext_bedrock_runtime
    import ext_ec2
    import ext_events
    import throttle
    from moto.server import ThreadedMotoServer

    throttle.start(enabled=args.rate_limits)

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
    control.set_endpoint(f"http://{host}:{port}")
    scheduler = ext_events.start_scheduler()
    # Bedrock Runtime interface endpoints get their own listeners on this host (ext_ec2.py),
    # started and stopped with the endpoints, listed by GET /_emulator/vpc-endpoints.
    ext_ec2.enable_listeners(args.host)
    listeners = [ext_bedrock_runtime.start_listener(args.host, args.runtime_port)]
    runtime = listeners[0]
    try:
        # moto's start() returns once it serves; the data plane is checked with a request.
        deadline = time.monotonic() + 30
        while not answers(runtime.host, runtime.port):
            if time.monotonic() > deadline:
                raise RuntimeError("the Bedrock Runtime listener did not answer within 30 s")
            time.sleep(0.05)
        if args.port_file:
            write_port_file(args.port_file, port, runtime.port)
        print(f"ready http://{host}:{port} runtime={runtime.endpoint}", flush=True)
        while not stop.wait(0.5):
            if args.parent_pid and not process_alive(args.parent_pid):
                print(f"parent process {args.parent_pid} is gone; stopping", flush=True)
                break
    finally:
        scheduler.set()
        for listener in listeners:
            listener.stop()
        ext_ec2.stop_listeners()
        server.stop()
        if args.port_file:
            try:
                if Path(args.port_file).read_text(encoding="utf-8").split() == [str(port), str(runtime.port)]:
                    Path(args.port_file).unlink()
            except OSError:
                pass
        print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
