#!/usr/bin/env python3
"""Runs one command and prints JSON {"wall": seconds, "maxrss_mb": MB, "status": code}.

Wall time covers the whole process (from exec to exit); maxrss is the peak resident set of the
largest process in the command's tree (getrusage RUSAGE_CHILDREN), e.g. node for a synth or the
provider plugin for a plan. Output of the command goes to the file named by --log (default: dropped),
appended; with --stdout FILE its standard output goes to that file instead (overwritten), e.g. the
JSON summary of `npm run deploy -- --json`.

Usage: measure.py [--log FILE] [--stdout FILE] -- <command...>
"""
import json
import resource
import subprocess
import sys
import time


def main() -> int:
    args = sys.argv[1:]
    files: dict[str, str] = {}
    while args[:1] in (["--log"], ["--stdout"]):
        files[args[0][2:]], args = args[1], args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    sink = open(files["log"], "ab") if "log" in files else subprocess.DEVNULL
    out = open(files["stdout"], "wb") if "stdout" in files else sink
    start = time.perf_counter()
    status = subprocess.call(args, stdout=out, stderr=sink)
    wall = time.perf_counter() - start
    rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"wall": round(wall, 3), "maxrss_mb": round(rss_kb / 1024, 1), "status": status}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
