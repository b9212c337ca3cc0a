#!/usr/bin/env python3
"""Terraform smoke tests of the emulator: apply, re-plan (must be empty), destroy.

Usage:
    python3 emulator/tf_smoke.py [NAME ...] [--endpoint URL] [--keep]

Each directory under ``tf-smoke/`` (except ``_shared``) is a small Terraform
configuration. The runner runs ``terraform init``, ``apply`` (``revision=1``),
``plan -detailed-exitcode`` (exit 0 required: no perpetual diff), ``apply``
with ``revision=2`` (configs change updatable attributes with it, so the
provider's Update calls run), ``plan`` again, and ``destroy`` against the
emulator, in a temporary directory:

* by default (combined) once, with every selected config as a module of one
  root configuration (``_shared/provider.tf`` at the root, ``_shared/data.tf``
  in each module) — the provider starts once per step instead of once per
  config, so a full run takes a few minutes on a small machine;
* with ``--separate``, once per config (``_shared/*.tf`` copied next to it),
  which isolates failures.

Without ``--endpoint`` an emulator is started on a free port for the run and
stopped afterwards. Terraform runs with the repository's one CLI config,
``scripts/terraformrc`` (the AWS provider from the filesystem mirror
``/opt/tf-plugins``), or the file ``CCB_TF_CLI_CONFIG`` names, as the scripts
and the TypeScript tests do (``scripts/terraform-env.cjs``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

HERE = Path(__file__).resolve().parent
SMOKE_DIR = HERE / "tf-smoke"
SHARED = SMOKE_DIR / "_shared"
# The repository's Terraform CLI config; scripts/terraform-env.cjs resolves it the same way.
TF_CLI_CONFIG = HERE.parent / "scripts" / "terraformrc"


def terraform_cli_config(env: Mapping[str, str] = os.environ) -> str:
    """The CLI config a run uses: the file ``CCB_TF_CLI_CONFIG`` names, else ``TF_CLI_CONFIG``."""
    return env.get("CCB_TF_CLI_CONFIG", str(TF_CLI_CONFIG))


def configs() -> list[str]:
    return sorted(p.name for p in SMOKE_DIR.iterdir() if p.is_dir() and not p.name.startswith("_"))


class Emulator:
    """Runs server.py on a free port for the lifetime of the context."""

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self.endpoint = ""

    def __enter__(self) -> "Emulator":
        port_file = self.log_path.with_suffix(".port")
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "server.py"), "--port", "0", "--port-file", str(port_file)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if port_file.exists() and port_file.read_text().strip():
                self.endpoint = f"http://127.0.0.1:{port_file.read_text().split()[0]}"
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        self.__exit__(None, None, None)
        raise RuntimeError(f"emulator did not start; see {self.log_path}")

    def __exit__(self, *_: object) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def prepare_separate(name: str, root: Path) -> Path:
    work = root / name
    shutil.copytree(SMOKE_DIR / name, work)
    for shared in SHARED.glob("*.tf"):
        shutil.copy(shared, work / shared.name)
    return work


def prepare_combined(names: list[str], root: Path) -> Path:
    work = root / "combined"
    work.mkdir()
    shutil.copy(SHARED / "provider.tf", work / "provider.tf")
    blocks = []
    for name in names:
        module_dir = work / "modules" / name
        shutil.copytree(SMOKE_DIR / name, module_dir)
        shutil.copy(SHARED / "data.tf", module_dir / "data.tf")
        blocks.append(f'module "{name}" {{\n  source   = "./modules/{name}"\n  revision = var.revision\n}}\n')
    revision = 'variable "revision" {\n  type    = number\n  default = 1\n}\n'
    (work / "main.tf").write_text("\n".join([revision, *blocks]))
    return work


def run_config(work: Path, endpoint: str, env: dict[str, str]) -> tuple[bool, str]:
    log = open(work / "terraform.log", "w")
    var = ["-var", f"endpoint={endpoint}", "-var", "revision=1"]
    var2 = ["-var", f"endpoint={endpoint}", "-var", "revision=2"]

    def tf(*args: str) -> int:
        log.write(f"\n$ terraform {' '.join(args)}\n")
        log.flush()
        return subprocess.run(["terraform", *args], cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT).returncode

    steps = [
        ("init", ["init", "-input=false", "-no-color"], {0}),
        ("apply", ["apply", "-input=false", "-auto-approve", "-no-color", *var], {0}),
        ("plan", ["plan", "-input=false", "-detailed-exitcode", "-no-color", *var], {0}),
        ("update", ["apply", "-input=false", "-auto-approve", "-no-color", *var2], {0}),
        ("re-plan", ["plan", "-input=false", "-detailed-exitcode", "-no-color", *var2], {0}),
        ("destroy", ["destroy", "-input=false", "-auto-approve", "-no-color", *var2], {0}),
    ]
    for step, args, expected in steps:
        code = tf(*args)
        if code not in expected:
            if step != "init" and step != "destroy":
                tf("destroy", "-input=false", "-auto-approve", "-no-color", *var2)
            log.close()
            return False, f"{step} exited {code}"
    log.close()
    return True, "ok"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help=f"configs to run (default: all of {', '.join(configs())})")
    parser.add_argument("--endpoint", help="use a running emulator instead of starting one")
    parser.add_argument("--keep", action="store_true", help="keep the work directories")
    parser.add_argument("--separate", action="store_true", help="one Terraform run per config")
    args = parser.parse_args(argv)
    names = args.names or configs()
    unknown = sorted(set(names) - set(configs()))
    if unknown:
        parser.error(f"unknown config(s): {', '.join(unknown)}")

    root = Path(tempfile.mkdtemp(prefix="ccb-tf-smoke-"))
    cache = root / "plugin-cache"
    cache.mkdir()
    env = {
        **os.environ,
        "TF_CLI_CONFIG_FILE": terraform_cli_config(),
        "TF_PLUGIN_CACHE_DIR": str(cache),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        env.pop(key, None)

    failures = 0
    runs: list[tuple[str, Path]] = []
    try:
        if args.endpoint:
            emulator_ctx = None
            endpoint = args.endpoint
        else:
            emulator_ctx = Emulator(root / "emulator.log").__enter__()
            endpoint = emulator_ctx.endpoint
        try:
            print(f"emulator: {endpoint}   work: {root}")
            runs += (
                [(name, prepare_separate(name, root)) for name in names]
                if args.separate
                else [(f"combined ({len(names)} configs)", prepare_combined(names, root))]
            )
            for label, work in runs:
                started = time.monotonic()
                passed, detail = run_config(work, endpoint, env)
                failures += 0 if passed else 1
                status = "PASS" if passed else "FAIL"
                print(f"{status} {label:<28} {time.monotonic() - started:6.1f}s  {detail}", flush=True)
                if not passed:
                    print(f"     log: {work / 'terraform.log'}")
        finally:
            if emulator_ctx:
                emulator_ctx.__exit__(None, None, None)
    finally:
        if not args.keep and failures == 0:
            shutil.rmtree(root, ignore_errors=True)
    print(f"{len(runs) - failures}/{len(runs)} runs passed ({', '.join(names)})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
