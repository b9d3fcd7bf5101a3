#!/usr/bin/env python3
"""Paired benchmark of Munero against turbo on the synthetic workspaces of
../shared/bench/orchestrators (gen_monorepo.py, scenario.sh): for each round, every tool in turn
(A B C A B C ...), each run prepared by `scenario.sh --prep-only` (not timed) and timed around
`scenario.sh --run-only` with /usr/bin/time -v. Prints per tool the median wall and CPU seconds,
the median of the per-round ratios against the first tool, and the 1-minute load average before
and after.

  python3 bench/paired.py --harness ../shared/bench/orchestrators --scenario cached --runs 7 \
      turbo=/tmp/perfbench/ws/turbo-100 munero=/tmp/perfbench/ws/munero-100 \
      munero-nd=/tmp/perfbench/ws/munero-100

A tool label starting with `munero` runs bench/munero-orch.sh (`-nd` suffix: MUNERO_DAEMON=0,
else MUNERO_DAEMON=1); `turbo` runs turbo. With --before DIR, a label starting with `before` runs the
launcher of the checkout DIR instead (e.g. main before this branch), same suffix rule. One untimed warm-up
per tool first, except for cold.
"""
import argparse, json, os, re, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
BEFORE = [None]


def load():
    return float(open("/proc/loadavg").read().split()[0])


def one(harness, label, ws, scen, extra_env):
    scen_sh = os.path.join(harness, "scenario.sh")
    env = dict(os.environ)
    tool = "turbo"
    if label.startswith("munero") or label.startswith("before"):
        tool = "cmd"
        env["ORCH_CMD"] = os.path.join(HERE, "munero-orch.sh")
        if label.startswith("before"):
            env["ORCH_CMD"] = os.path.join(BEFORE[0], "munero") + " build -j " + os.environ.get("PAR", "4")
        env["ORCH_CLEAN"] = "rm -rf .munero"
        env["MUNERO_DAEMON"] = "0" if label.endswith("-nd") else "1"
        env.update(extra_env.get(label, {}))
    subprocess.run([scen_sh, tool, ws, scen, "--prep-only"], check=True, env=env)
    with tempfile.NamedTemporaryFile("r") as tv, tempfile.NamedTemporaryFile("r") as out:
        t0 = time.monotonic()
        p = subprocess.run(["/usr/bin/time", "-v", "-o", tv.name, scen_sh, tool, ws, scen, "--run-only"],
                           stdout=open(out.name, "w"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        wall = time.monotonic() - t0
        txt = tv.read()
        text = out.read()
    u = float(re.search(r"User time \(seconds\): ([\d.]+)", txt).group(1))
    s = float(re.search(r"System time \(seconds\): ([\d.]+)", txt).group(1))
    if p.returncode != 0:
        sys.exit("%s %s failed (exit %d):\n%s" % (label, scen, p.returncode, text[-3000:]))
    m = re.findall(r"(\d+) passed, (\d+) failed, (\d+) cached", text) or re.findall(r"Cached:\s+(\d+) cached, (\d+) total", text)
    return wall, u + s, m[-1] if m else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--harness", required=True)
    ap.add_argument("--scenario", required=True, choices=["cold", "cached", "leaf", "root"])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--env", action="append", default=[], help="LABEL:NAME=VALUE extra env for one tool")
    ap.add_argument("--jsonl")
    ap.add_argument("--before", help="another checkout whose ./munero the `before*` labels run")
    ap.add_argument("tools", nargs="+", help="LABEL=WORKSPACE, first is the reference")
    a = ap.parse_args()
    tools = [t.split("=", 1) for t in a.tools]
    BEFORE[0] = a.before
    extra = {}
    for e in a.env:
        label, kv = e.split(":", 1)
        k, v = kv.split("=", 1)
        extra.setdefault(label, {})[k] = v
    l0 = load()
    if a.scenario != "cold":
        for label, ws in tools:
            one(a.harness, label, ws, a.scenario, extra)
    res = {label: [] for label, _ in tools}
    for _ in range(a.runs):
        for label, ws in tools:
            res[label].append(one(a.harness, label, ws, a.scenario, extra))
    l1 = load()
    ref = tools[0][0]
    print("scenario=%s runs=%d load %.2f -> %.2f" % (a.scenario, a.runs, l0, l1))
    print("| tool | wall s median (min-max) | cpu s median | ratio vs %s (median of pairs) | counts |" % ref)
    print("|---|---|---|---|---|")
    out = {"scenario": a.scenario, "runs": a.runs, "load": [l0, l1], "tools": {}}
    for label, _ in tools:
        w = [r[0] for r in res[label]]
        c = [r[1] for r in res[label]]
        ratio = statistics.median(x[0] / y[0] for x, y in zip(res[label], res[ref]))
        print("| %s | %.3f (%.3f-%.3f) | %.3f | %.2f | %s |" % (label, statistics.median(w), min(w), max(w),
                                                         statistics.median(c), ratio, res[label][-1][2]))
        out["tools"][label] = {"wall": w, "cpu": c, "ratio": ratio}
    if a.jsonl:
        with open(a.jsonl, "a") as f:
            f.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
