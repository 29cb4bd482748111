#!/usr/bin/env python3
"""Checks the simulation's allocation counts against Tests/allocation-limits.json.

Runs `interven-sim bench` (release, jemalloc) on the bench tenant for a short and a long virtual
duration, one shard, and compares for the reference loop and the engine:
  - allocations per agent of the short run (setup and results), and
  - steady-state allocations per scan: the long run's extra allocations over its extra scans.
The counts are deterministic (same binary, same counts), so a regression fails every time.
Exit 0 within the limits, 1 over a limit, 2 when the benchmark cannot run.
"""
import json
import os
import subprocess
import sys
import tempfile

def main() -> int:
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/interven-sim"
    limits_path = sys.argv[2] if len(sys.argv) > 2 else "Tests/allocation-limits.json"
    spec = json.load(open(limits_path))
    runs = {}
    with tempfile.TemporaryDirectory(prefix="interven-alloc-") as tmp:
        for hours in (spec["short_hours"], spec["long_hours"]):
            out = os.path.join(tmp, f"bench-{hours}.json")
            cmd = [binary, "bench", "--agents", str(spec["agents"]), "--hours", str(hours), "--shards", "1",
                   "--latency-sample", "0", "--json", out]
            p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if p.returncode != 0:
                print(f"error: {' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}", file=sys.stderr)
                return 2
            runs[hours] = {r["configuration"]: r for r in json.load(open(out))["runs"]}
    short, long = runs[spec["short_hours"]], runs[spec["long_hours"]]
    failed = False
    print(f"allocations (bench tenant, {spec['agents']} agents, {spec['short_hours']} h and {spec['long_hours']} h, 1 shard):")
    for config, limit in spec["limits"].items():
        a, b = short.get(config), long.get(config)
        if a is None or b is None or a["allocations"] is None or b["allocations"] is None:
            print(f"error: no allocation count for {config} (is jemalloc linked in?)", file=sys.stderr)
            return 2
        per_agent = a["allocations"] / spec["agents"]
        steady = (b["allocations"] - a["allocations"]) / max(1, b["scans"] - a["scans"])
        for name, value in (("allocations_per_agent", per_agent), ("steady_allocations_per_scan", steady)):
            ok = value <= limit[name]
            failed |= not ok
            print(f"  {'ok  ' if ok else 'OVER'} {config:10} {name:28} {value:10.5f}  (limit {limit[name]})")
    if failed:
        print("error: allocations over the limits in Tests/allocation-limits.json", file=sys.stderr)
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main())
