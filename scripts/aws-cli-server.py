#!/usr/bin/env python3
"""The aws CLI, kept warm: runs `aws <args>` requests in one long-lived Python process.

Each `aws` process spends most of a second of CPU importing botocore and loading service models
before it sends its request; the end-to-end tests make hundreds of such calls. This server runs
the same CLI code (awscli's own driver, a fresh one per request, with the request's environment)
inside one process that loads each service model once, so a call costs milliseconds. It is a
local test accelerator, not an AWS endpoint: scripts/aws-cli.mjs starts it, and `run('aws', ...)`
in scripts/lib.mjs sends it the calls when CCB_AWS_CLI_SERVER holds its address.

Protocol: POST /<token> with JSON {"args": [...], "env": {...}, "cwd": "..."}; the answer is JSON
{"status": <exit code>, "stdout": "...", "stderr": "..."}, as the CLI process would have given.
Requests are served one at a time: the CLI reads os.environ, which each request replaces.
Without the token (printed only to the parent, on stdout) the answer is 403 and nothing runs.

Usage: python3 scripts/aws-cli-server.py [--parent-pid PID]
Prints one line of JSON, {"url": "http://127.0.0.1:<port>/<token>", "version": "<awscli version>"},
once it is listening. A request whose HOME is not the server's gets 409: some of the CLI's paths
under ~ are fixed when it is imported, so such a call is left to a process.
"""

import argparse
import contextlib
import hmac
import io
import json
import logging
import os
import secrets
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, HTTPServer

import awscli
from awscli.clidriver import create_clidriver

TOKEN = secrets.token_urlsafe(24)
# Importing awscli appends its own data directory to AWS_DATA_PATH; a process per call would do
# that to each call's environment, so the server does it to each request's.
AWSCLI_DATA = os.path.join(os.path.dirname(os.path.abspath(awscli.__file__)), "data")
# The service models, endpoints and paginators the drivers load, shared by the sessions of every
# request with the same AWS_DATA_PATH (botocore's loader caches what it has read from there).
_loaders = {}


def cli_data_path(env):
    """AWS_DATA_PATH as the CLI process sets it when awscli is imported (with os.environ = env)."""
    paths = []
    if "AWS_DATA_PATH" in env:
        paths = [os.path.expanduser(os.path.expandvars(p)) for p in env["AWS_DATA_PATH"].split(os.pathsep)]
    return os.pathsep.join([*paths, AWSCLI_DATA])


# The loggers a CLI run configures (a handler on each run, more with --debug): restored after
# every request, so that no run's logging reaches the next one.
LOGGERS = ("", "awscli", "botocore", "urllib3", "s3transfer")


def exit_status(code, stderr):
    """The process's exit status for `sys.exit(code)`, as Python computes it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=stderr)
    return 1


def run_cli(args, env, cwd):
    """Runs the CLI as `aws <args>` would in `cwd` with exactly `env`; returns (status, out, err)."""
    saved_env, saved_cwd, saved_argv = dict(os.environ), os.getcwd(), sys.argv
    saved_logging = [
        (logger, logger.level, list(logger.handlers), logger.propagate)
        for logger in (logging.getLogger(name) for name in LOGGERS)
    ]
    stdout_bytes = io.BytesIO()
    stdout = io.TextIOWrapper(stdout_bytes, encoding="utf-8", newline="")
    stderr = io.StringIO()
    try:
        os.environ.clear()
        os.environ.update(env)
        os.environ["AWS_DATA_PATH"] = cli_data_path(env)
        sys.argv = ["aws", *args]
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                os.chdir(cwd or saved_cwd)
                driver = create_clidriver()
                key = os.environ["AWS_DATA_PATH"]
                if key in _loaders:
                    driver.session.register_component("data_loader", _loaders[key])
                else:
                    _loaders[key] = driver.session.get_component("data_loader")
                status = exit_status(driver.main(list(args)), stderr)
            except SystemExit as exit_:
                status = exit_status(exit_.code, stderr)
            except BaseException:  # what the process would print before exiting 1
                traceback.print_exc(file=stderr)
                status = 1
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
        sys.argv = saved_argv
        for logger, level, handlers, propagate in saved_logging:
            logger.setLevel(level)
            logger.handlers[:] = handlers
            logger.propagate = propagate
    stdout.flush()
    return status, stdout_bytes.getvalue().decode("utf-8", "replace"), stderr.getvalue()


class Handler(BaseHTTPRequestHandler):
    # A client that connects and sends nothing does not hold the server for longer than this.
    timeout = 10

    def do_POST(self):  # noqa: N802 (http.server's name)
        if not hmac.compare_digest(self.path, f"/{TOKEN}"):
            self._answer(403, {"message": "unknown token"})
            return
        try:
            length = int(self.headers.get("Content-Length", "0"))
            request = json.loads(self.rfile.read(length))
            args, env = request["args"], request["env"]
            if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
                raise ValueError("args must be a list of strings")
            if not isinstance(env, dict):
                raise ValueError("env must be an object")
        except (ValueError, KeyError, TypeError) as err:
            self._answer(400, {"message": f"bad request: {err}"})
            return
        env = {str(k): str(v) for k, v in env.items() if k != "CCB_AWS_CLI_SERVER"}
        # Some of the CLI's paths under ~ (the assume-role credential cache, aliases, ~/.aws/models)
        # are fixed when it is imported: a call with another HOME is left to a process (409).
        if os.path.expanduser("~") != env.get("HOME", os.path.expanduser("~")):
            self._answer(409, {"message": "HOME differs from the server's: run the process"})
            return
        status, out, err = run_cli(args, env, request.get("cwd"))
        self._answer(200, {"status": status, "stdout": out, "stderr": err})

    def _answer(self, code, body):
        data = json.dumps(body).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        pass


def watch_parent(pid):
    """Exits when the process that started the server is gone (it was killed, say)."""
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(0)
        time.sleep(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parent-pid", type=int, help="exit when this process is gone")
    options = parser.parse_args()
    server = HTTPServer(("127.0.0.1", 0), Handler)
    if options.parent_pid:
        threading.Thread(target=watch_parent, args=(options.parent_pid,), daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{TOKEN}"
    print(json.dumps({"url": url, "version": awscli.__version__}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
