#!/usr/bin/env python3
"""adtrace against the C floor and its peers, whole process, in one run.

    python3 benches/compare.py DIR [--runs 5] [--adtrace target/release/adtrace]
                               [--floor PATH/tape_floor] [--peers micrograd,torch] [--texts]
                               [--statement] [--python PATH]

DIR is an output folder of ../shared/bench/gen_program.py (program_at.adt,
tape.txt, expected.json, prog_*.py). Every command runs --runs times, the
commands alternating, so that load on a shared machine hits all of them
alike; the table gives the median wall time, the peak memory (max RSS of
the child) and the ratio to the C floor's median of the same run. adtrace's
value and gradient are checked against the generator's to 1e-12 (relative).
A peer that is not importable is skipped with a note. Output: a Markdown
table for the README, and the MB/s of the JSON streams (with --texts, also
the default JSON with every step's texts). With --statement, also the
10 MB single statement `f = x + x + …` (5,000,000 terms, its point on the
next line; f = 5e6 and df/dx = 5e6 are checked). The peers run under
--python (default: this interpreter), e.g. a virtual environment holding
micrograd and torch.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PEER_RUNNER = r'''
import gc, importlib.util, json, sys, threading
gc.disable()
sys.setrecursionlimit(10_000_000)
threading.stack_size(1 << 30)
def main():
    spec = importlib.util.spec_from_file_location("prog", sys.argv[1])
    prog = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(prog)
    point = json.load(open(sys.argv[2]))
    kind = sys.argv[3]
    if kind == "torch":
        import torch
        xs = [torch.tensor(point[n], dtype=torch.float64, requires_grad=True) for n in prog.INPUTS]
        out = prog.program(*xs)
        out.backward()
        grad = [x.grad.item() for x in xs]
        value = out.item()
    else:
        from micrograd.engine import Value
        xs = [Value(point[n]) for n in prog.INPUTS]
        out = prog.program(*xs)
        out.backward()
        grad = [x.grad for x in xs]
        value = out.data
    print(json.dumps({"value": value, "gradient": grad}))
t = threading.Thread(target=main)
t.start()
t.join()
'''


def run(cmd, out=subprocess.DEVNULL):
    """Wall seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{err}")
    return wall, usage.ru_maxrss / 1024


def check_adtrace(adtrace, d, expected):
    out = subprocess.run(
        [adtrace, "eval", "--output-only", "--format", "json", f"@{d}/program_at.adt"],
        capture_output=True, text=True, check=True).stdout
    j = json.loads(out)["output"]
    rel = lambda a, b: abs(a - b) <= 1e-12 * max(1.0, abs(b))
    ok = rel(j["value"], expected["value"]) and all(
        rel(j["gradient"][k], v) for k, v in expected["gradient"].items())
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--adtrace", default="target/release/adtrace")
    ap.add_argument("--floor", default=None, help="a built tape_floor (else built here)")
    ap.add_argument("--peers", default="micrograd,torch")
    ap.add_argument("--texts", action="store_true",
                    help="also the full JSON with every step's texts (2 GB, ~30 s a run)")
    ap.add_argument("--python", default=sys.executable,
                    help="the interpreter that runs the peers (default: this one)")
    ap.add_argument("--statement", action="store_true",
                    help="also the 10 MB single statement f = x + x + ... (5 M terms)")
    a = ap.parse_args()
    d = a.dir.rstrip("/")
    expected = json.load(open(f"{d}/expected.json"))
    floor = a.floor
    tmp = tempfile.mkdtemp()
    if floor is None:
        src = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "bench", "tape_floor.c")
        floor = os.path.join(tmp, "tape_floor")
        subprocess.run(["cc", "-O2", "-o", floor, src, "-lm"], check=True)
    runner = os.path.join(tmp, "peer.py")
    open(runner, "w").write(PEER_RUNNER)

    ok = check_adtrace(a.adtrace, d, expected)
    cases = [
        ("C floor: `tape_floor tape.txt 1` (parse a flat tape, one forward, tangent and reverse sweep)",
         [floor, f"{d}/tape.txt", "1"]),
        ("adtrace eval --output-only --format json",
         [a.adtrace, "eval", "--output-only", "--format", "json", f"@{d}/program_at.adt"]),
        ("adtrace eval --format json --bare-steps (every row, to /dev/null)",
         [a.adtrace, "eval", "--format", "json", "--bare-steps", f"@{d}/program_at.adt"]),
        ("adtrace render --size 120x36 (the TUI's first frame, as text)",
         [a.adtrace, "render", "--size", "120x36", f"@{d}/program_at.adt"]),
    ]
    if a.texts:
        cases.append(("adtrace eval --format json (every row and every step's texts, to /dev/null)",
                      [a.adtrace, "eval", "--format", "json", f"@{d}/program_at.adt"]))
    if a.statement:
        big = os.path.join(tmp, "statement.adt")
        terms = 5_000_000
        with open(big, "w") as f:
            f.write("f = " + "+".join(["x"] * terms) + "\nat x = 1\n")
        out = subprocess.run([a.adtrace, "eval", "--output-only", "--format", "json", f"@{big}"],
                             capture_output=True, text=True, check=True).stdout
        j = json.loads(out)["output"]
        ok = ok and j["value"] == terms and j["gradient"]["x"] == terms
        cases.append(("adtrace eval --output-only: one 10 MB statement f = x + x + … (5 M terms)",
                      [a.adtrace, "eval", "--output-only", "--format", "json", f"@{big}"]))
    notes = []
    for peer in filter(None, a.peers.split(",")):
        mod = "micrograd" if peer == "micrograd" else "torch"
        have = subprocess.run([a.python, "-c", f"import {mod}"],
                              capture_output=True).returncode == 0
        if not have:
            notes.append(f"{peer}: not installed here, skipped")
            continue
        cases.append((f"{peer} (garbage collector off), value and .backward()",
                      [a.python, runner, f"{d}/prog_{peer}.py", f"{d}/point.json", peer]))

    times = {name: [] for name, _ in cases}
    mem = {name: 0.0 for name, _ in cases}
    for _ in range(a.runs):
        for name, cmd in cases:
            w, m = run(cmd)
            times[name].append(w)
            mem[name] = max(mem[name], m)
    def size(cmd):
        """Bytes written by cmd, counted as they stream (never held)."""
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE)
        n = 0
        while chunk := p.stdout.read(1 << 20):
            n += len(chunk)
        p.wait()
        return n
    floor_t = statistics.median(times[cases[0][0]])
    print(f"{expected['statements']:,} statements, {expected['operations']:,} operations, "
          f"{a.runs} alternating runs; adtrace's value and gradient equal the generator's "
          f"to 1e-12: {'yes' if ok else 'NO'}\n")
    print("| whole process | median wall | peak memory | ÷ C floor |")
    print("|---|---|---|---|")
    for name, _ in cases:
        t = statistics.median(times[name])
        print(f"| {name} | {t:.2f} s | {mem[name]:.0f} MB | {t / floor_t:.2f}× |")
    for name, cmd in cases:
        if cmd[0] == a.adtrace and "--output-only" not in cmd and "eval" in cmd:
            n = size(cmd)
            mbps = n / 1e6 / statistics.median(times[name])
            print(f"\n{name.split(' (')[0]}: {n / 1e6:.0f} MB at {mbps:.0f} MB/s.")
    for n in notes:
        print(f"\n{n}.")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
