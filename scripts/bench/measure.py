#!/usr/bin/env python3
"""Runs one command and prints JSON {"wall": seconds, "maxrss_mb": MB, "status": code}.

Wall time covers the whole process (from exec to exit); maxrss is the peak resident set of the
largest process in the command's tree (getrusage RUSAGE_CHILDREN), e.g. node for a synth or the
provider plugin for a plan. Output of the command goes to the file named by --log (default: dropped).
"""
import json
import resource
import subprocess
import sys
import time


def main() -> int:
    args = sys.argv[1:]
    log = None
    if args[:1] == ["--log"]:
        log, args = args[1], args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    sink = open(log, "ab") if log else subprocess.DEVNULL
    start = time.perf_counter()
    status = subprocess.call(args, stdout=sink, stderr=sink)
    wall = time.perf_counter() - start
    rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"wall": round(wall, 3), "maxrss_mb": round(rss_kb / 1024, 1), "status": status}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
