#!/usr/bin/env python3
"""adtrace's small-input targets, whole process: to the prompt, and `eval`
of the lecture's examples.

    python3 benches/startup.py [--adtrace target/release/adtrace] [--runs 15]

To the prompt: adtrace is started on a pseudo-terminal that answers as a
terminal does (the background-colour query OSC 11 and the device
attributes DA1), timed until `ad> ` is written; again with a terminal that
answers DA1 only (no OSC 11, as the Linux console). Target: 20 ms.

The lecture's examples: every program of the lecture scripts in assets/
(the lines that are not comments or `:` commands), each run with
`adtrace eval @FILE` --runs times; the median of each. Target: 10 ms.
"""

import argparse
import glob
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time


def to_prompt(adtrace, osc11):
    """Seconds from the start to the prompt on a pseudo-terminal."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execv(adtrace, [adtrace])
    seen = b""
    while b"ad> " not in seen:
        ready, _, _ = select.select([fd], [], [], 5)
        if not ready:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        seen += chunk
        if osc11 and b"]11;?" in chunk:
            os.write(fd, b"\x1b]11;rgb:0000/0000/0000\x1b\\")
        if b"\x1b[c" in chunk:
            os.write(fd, b"\x1b[?62;22c")
    took = time.perf_counter() - start
    if b"ad> " not in seen:
        sys.exit(f"no prompt from {adtrace}: {seen[-200:]!r}")
    os.write(fd, b"\x04")  # Ctrl-D: leave
    try:
        while os.read(fd, 4096):
            pass
    except OSError:
        pass
    os.waitpid(pid, 0)
    return took


def lecture_programs(assets):
    """(name, program) for every program line of the lecture scripts."""
    out = []
    for path in sorted(glob.glob(os.path.join(assets, "*.adt"))):
        base = os.path.basename(path)[:-4]
        k = 0
        for line in open(path, encoding="utf-8"):
            line = line.strip()
            if line and not line.startswith(("#", ":")):
                k += 1
                out.append((f"{base}-{k}", line))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--adtrace", default="target/release/adtrace")
    ap.add_argument("--runs", type=int, default=15)
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    for osc11, what in [(True, "OSC 11 and DA1"), (False, "DA1 only")]:
        ts = [to_prompt(a.adtrace, osc11) * 1000 for _ in range(a.runs)]
        print(f"to the prompt, a terminal answering {what}: median {statistics.median(ts):.1f} ms "
              f"({min(ts):.1f}–{max(ts):.1f}; target 20 ms)")
    medians = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, prog in lecture_programs(os.path.join(here, "..", "assets")):
            f = os.path.join(tmp, name + ".adt")
            open(f, "w", encoding="utf-8").write(prog + "\n")
            ts = []
            for _ in range(a.runs):
                start = time.perf_counter()
                subprocess.run([a.adtrace, "eval", "@" + f], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                ts.append((time.perf_counter() - start) * 1000)
            medians.append((statistics.median(ts), name))
    medians.sort()
    print(f"eval of the lecture's {len(medians)} programs, whole process: medians "
          f"{medians[0][0]:.1f}–{medians[-1][0]:.1f} ms (slowest: {medians[-1][1]}; target 10 ms)")


if __name__ == "__main__":
    main()
