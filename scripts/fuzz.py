#!/usr/bin/env python3
"""Fuzzes interven-sim's input side for a bounded time and checks its contract.

Mutates the shipped scenarios and rules file (byte flips, line deletions, duplications and
swaps, values swapped for nasty ones: huge and negative numbers, negative and huge durations,
control characters, deep nesting, aliases, long strings, unicode), abuses flags, and runs the
release binary's `validate`, `rules`, `run` and `check` on each mutant, each with a time limit.
Runs stay small: a mutant is run only when it has few agent-hours.

The contract, for every invocation:
  - no signal and no crash text (a trap, a backtrace) on stderr;
  - exit code 0, 1, 2 or 3;
  - no raw control character on stdout or stderr, no line longer than 2,100 characters;
  - exit 2: at least one error line, and every line is one located error (`error: FILE:LINE:COL:`,
    `error: FILE:` for a whole-file problem, `error: --set ...:`, or a flag named), plus at most
    the one closing summary line;
  - validate is never slow (it reads, nothing runs), and says the same as run and check: a file
    validate accepts is not refused by run, and the other way round;
  - run: on exit 0 the results directory holds exactly its four files; on any other exit it does
    not exist; no hidden temporary directory is left beside it either way.

Every finding is saved with the command and its output under the findings directory; the
script exits 1 when there is any. Usage:

  scripts/fuzz.py --binary .build/release/interven-sim --seconds 180 [--seed N] [--findings DIR]
"""

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULT_FILES = [".interven-results", "agents.json", "incidents.json", "report.html", "series.json", "summary.json", "trust.csv"]
# A run of a mutant is skipped beyond this many agent-hours (the shipped fin example is 7,920).
RUN_BUDGET_AGENT_HOURS = 20_000
TIMEOUT = {"validate": 15, "rules": 15, "run": 30, "check": 45}

SUMMARY_LINE = re.compile(r"^error: (\d+ of \d+ files? invalid|\d+ errors? in the scenarios; nothing was run)$")
LOCATED = [
    re.compile(r"^error: .+?:\d+:\d+: \S"),                 # file:line:column: message
    re.compile(r"^error: .+?:\d+: \S"),                     # file:line: message
    re.compile(r"^error: --set .+?: \S"),                   # an override
    re.compile(r"^error: .*'--?[a-z-]+( <[a-z-]+>)?'"),     # ArgumentParser names the flag
    re.compile(r"^error: .*'<[a-z-]+>'"),                   # or the argument
    re.compile(r"^error: --[a-z-]+ "),                      # our own flag checks
    re.compile(r"^error: (Unknown option|Unexpected argument|Missing expected argument|Missing value)"),
    re.compile(r"^error: [^:]+: \S"),                       # file: a whole-file problem
]
CRASH_MARKS = ["Fatal error", "Stack dump", "Backtrace", "Current stack trace", "Illegal instruction",
               "Segmentation fault", "Trace/breakpoint trap", "swift_"]

NASTY_VALUES = [
    "99999999999999999999999999", "18446744073709551616", "9223372036854775807", "-9223372036854775809",
    "-1", "0", "1e308", "-0", "0x10", "1_000", ".nan", ".inf", "-.inf", "1.0000001", "0.0000001",
    "-5m", "-1ms", "0s", "99999999d", "366d", "367d", "1h-30m", "9223372036854775807ms", "5", "'5'",
    "\"\\e[31mred\\a\\0\"", "\"\\u202Eevil\\u2066\"", "\"\\x1b]0;title\\x07\"", "\"\\u0085\\u2028\"",
    "null", "~", "''", "[]", "{}", "[[[[[[]]]]]]", "yes", "no", "on", "True", "FALSE",
    "\"" + "x" * 100_000 + "\"", "y" * 5_000, "日本語のエージェント", "👩‍💻", "e\u0301", "\"\u00e9\"",
    "*undefined_alias", "&anchor 5", "!!binary aGVsbG8=", "!!python/object:os.system ls",
    "[" * 1_200 + "]" * 1_200, "{a: " * 600 + "1" + "}" * 600,
    "{op: github.list_prs, weight: 99999999999}", "[WRITE, ADMIN, NOPE]", "feed:", "feed:nope",
    "\"../../../../etc/passwd\"", "/dev/zero", "/dev/stdin", "'*'", "'fin-*'", "'[abc'",
]

INLINE_BOMB = "[&q0 [a, a, a, a, a, a, a, a, a, a], " + ", ".join(
    f"&q{i} [" + ", ".join([f"*q{i - 1}"] * 10) + "]" for i in range(1, 8)) + "]"
NASTY_VALUES += [INLINE_BOMB, "{? " + INLINE_BOMB + ": 1}", "{[a, b]: 1}", "{? {a: 1}: 2}"]

ALIAS_BOMB = (
    "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))
)
MERGE_BOMB = (
    "x0: &x0 {k0: 1}\n"
    + "".join(f"x{i}: &x{i} {{<<: [" + ", ".join([f"*x{i - 1}"] * 8) + f"], k{i}: 1}}\n" for i in range(1, 7))
)

FLAG_POOL = [
    ["--seed", "-1"], ["--seed", "18446744073709551616"], ["--seed", "1e3"], ["--seed", ""],
    ["--shards", "0"], ["--shards", "-3"], ["--shards", "9999999999999999999"], ["--shards", "abc"],
    ["--rules", ""], ["--rules", "/dev/null"], ["--rules", "/nonexistent/x.yaml"], ["--rules", "/"],
    ["--set", "trust.initial=2"], ["--set", "="], ["--set", "a..b=1"], ["--set", "trust.initial=\x1b[31m"],
    ["--set", "triggers.repeated_deny.count=99999999999999999999"], ["--set", "policies={a: 1}"],
    ["--set", "threat_intel.feeds.x.indicators=[" + ",".join(["h.example"] * 2000) + "]"],
    ["--set", "trust=" + "[" * 1500 + "]" * 1500], ["--set", "x" * 100_000 + "=1"],
    ["--jobs", "-1"], ["--jobs", "0"], ["--trust-tolerance", "nan"], ["--mix-tolerance", "-0.1"],
    ["--bogus"], ["-x"], ["--quiet", "--quiet"],
]


def scenario_files():
    out = []
    for p in sorted((ROOT / "Scenarios").rglob("*.yaml")):
        out.append(p.relative_to(ROOT / "Scenarios"))
    return out


class Mutator:
    def __init__(self, rng):
        self.rng = rng

    def mutate(self, text):
        ops = [self.byte_flip, self.delete_line, self.duplicate_line, self.swap_lines, self.swap_value,
               self.swap_value, self.swap_value, self.rename_key, self.insert_unknown_key, self.append_bomb,
               self.nest_value, self.truncate, self.insert_bytes]
        for _ in range(self.rng.choice([1, 1, 1, 2, 3])):
            text = self.rng.choice(ops)(text)
        return text

    def lines(self, text):
        return text.split("\n")

    def byte_flip(self, text):
        data = bytearray(text.encode("utf-8", "surrogateescape"))
        if not data:
            return text
        for _ in range(self.rng.randint(1, 4)):
            i = self.rng.randrange(len(data))
            data[i] ^= 1 << self.rng.randrange(8)
        return data.decode("utf-8", "surrogateescape")

    def insert_bytes(self, text):
        i = self.rng.randrange(len(text) + 1)
        junk = self.rng.choice(["\x00", "\x1b[2J", "\x07", "\t", "\r", "\ufeff", "\u202e", "\x85", ":", "- ", "&", "*", "!", "%", "@", "`", "\"", "'", "{", "[", "#"])
        return text[:i] + junk + text[i:]

    def delete_line(self, text):
        ls = self.lines(text)
        if len(ls) > 1:
            del ls[self.rng.randrange(len(ls))]
        return "\n".join(ls)

    def duplicate_line(self, text):
        ls = self.lines(text)
        i = self.rng.randrange(len(ls))
        ls.insert(i, ls[i])
        return "\n".join(ls)

    def swap_lines(self, text):
        ls = self.lines(text)
        if len(ls) > 2:
            i, j = self.rng.randrange(len(ls)), self.rng.randrange(len(ls))
            ls[i], ls[j] = ls[j], ls[i]
        return "\n".join(ls)

    def truncate(self, text):
        return text[: self.rng.randrange(len(text) + 1)]

    VALUE = re.compile(r"(:\s+)([^\s{\[#][^,}\]#\n]*)")

    def swap_value(self, text):
        matches = list(self.VALUE.finditer(text))
        if not matches:
            return text
        m = self.rng.choice(matches)
        value = self.rng.choice(NASTY_VALUES)
        return text[: m.start(2)] + value + text[m.end(2):]

    KEY = re.compile(r"^(\s*-?\s*)([a-z_]+)(:)", re.M)

    def rename_key(self, text):
        matches = list(self.KEY.finditer(text))
        if not matches:
            return text
        m = self.rng.choice(matches)
        key = m.group(2)
        if len(key) > 2:
            i = self.rng.randrange(len(key) - 1)
            key = key[:i] + key[i + 1] + key[i] + key[i + 2:]
        return text[: m.start(2)] + key + text[m.end(2):]

    def insert_unknown_key(self, text):
        ls = self.lines(text)
        i = self.rng.randrange(len(ls))
        indent = re.match(r"\s*", ls[i]).group(0)
        n = self.rng.choice([1, 1, 1, 5000])
        ls[i:i] = [f"{indent}zz_unknown_{k}: 1" for k in range(n)]
        return "\n".join(ls)

    def append_bomb(self, text):
        return text + "\n" + self.rng.choice([ALIAS_BOMB, MERGE_BOMB, "x: &x [*x]\n", "<<: *nothing\n", "--- \n---\n"])

    def nest_value(self, text):
        matches = list(self.VALUE.finditer(text))
        if not matches:
            return text
        m = self.rng.choice(matches)
        depth = self.rng.choice([10, 999, 1001, 3000])
        value = self.rng.choice(["[" * depth + "]" * depth, "{a: " * depth + "1" + "}" * depth])
        return text[: m.start(2)] + value + text[m.end(2):]


class Fuzzer:
    def __init__(self, binary, seconds, seed, findings):
        self.binary = str(binary)
        self.deadline = time.monotonic() + seconds
        self.rng = random.Random(seed)
        self.seed = seed
        self.mutator = Mutator(self.rng)
        self.findings_dir = Path(findings)
        self.findings = []
        self.statuses = Counter()
        self.invocations = 0
        self.cases = 0
        self.slow = []
        self.work = Path(tempfile.mkdtemp(prefix="interven-fuzz-"))
        shutil.copytree(ROOT / "Scenarios", self.work / "Scenarios")
        self.originals = {p: (self.work / "Scenarios" / p).read_bytes() for p in scenario_files()}
        small = "name: fuzz-small\ndescription: two agents\nduration: 2h\nagents:\n" \
                "  - {group: g, count: 2, name: 'a-{n}', runtime: custom, arrivals: {poisson: 10/h}, mix: [{op: github.list_prs}, {op: gdrive.share_file_external}]}\n"
        self.small = self.work / "small.yaml"
        self.small.write_text(small)

    # Running

    def invoke(self, args, kind, cwd=None):
        self.invocations += 1
        try:
            p = subprocess.run([self.binary] + args, cwd=cwd or self.work, stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=TIMEOUT[kind], start_new_session=True)
            status, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            return None, (e.stdout or b""), (e.stderr or b"")
        self.statuses[(kind, status)] += 1
        return status, out, err

    def record(self, kind, args, status, out, err, text=None, note=""):
        n = len(self.findings) + 1
        if sum(1 for k, _, _ in self.findings if k == kind) >= 20:
            self.findings.append((kind, note, "(not saved: 20 of this kind already)"))
            return
        self.findings_dir.mkdir(parents=True, exist_ok=True)
        base = self.findings_dir / f"{n:03d}-{kind}"
        if text is not None:
            base.with_suffix(".yaml").write_text(text, errors="surrogateescape")
        with open(base.with_suffix(".txt"), "w", errors="replace") as f:
            shown = [a if len(a) <= 300 else a[:300] + f"... ({len(a)} characters)" for a in args]
            f.write(f"finding: {kind}\nnote: {note}\nargs: {shown!r}\nstatus: {status}\n")
            f.write("--- stdout\n" + out.decode("utf-8", "replace")[:20000] + "\n")
            f.write("--- stderr\n" + err.decode("utf-8", "replace")[:20000] + "\n")
        self.findings.append((kind, note, str(base)))
        print(f"FINDING {kind}: {note} ({base})", flush=True)

    # The contract

    def check_output(self, args, status, out, err, text, command):
        """Returns the problems of one invocation (an empty list when it kept the contract)."""
        problems = []
        stderr = err.decode("utf-8", "replace")
        stdout = out.decode("utf-8", "replace")
        if status is not None and status < 0:
            problems.append(("signal", f"{command} died of signal {-status} ({signal.Signals(-status).name})"))
            return problems
        if status not in (0, 1, 2, 3):
            problems.append(("exit-code", f"{command} exited {status}"))
        if any(mark in stderr for mark in CRASH_MARKS):
            problems.append(("crash-text", f"{command} printed crash text"))
        for name, stream in (("stderr", stderr), ("stdout", stdout)):
            if any((ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F for c in stream):
                problems.append(("raw-control", f"{command} wrote a raw control character on {name}"))
        # Messages are bounded; stdout may carry data (`rules` prints a whole rules file).
        for name, stream in (("stderr", stderr),) + ((("stdout", stdout),) if command == "validate" else ()):
            if any(len(line) > 2100 for line in stream.split("\n")):
                problems.append(("long-line", f"{command} wrote a line over 2,100 characters on {name}"))
        if status == 2:
            lines = [line for line in stderr.split("\n") if line]
            body = [line for line in lines if not SUMMARY_LINE.match(line)]
            if not body:
                problems.append(("no-error", f"{command} exited 2 without an error line"))
            for line in body:
                if not line.startswith("error: ") or not any(p.match(line) for p in LOCATED):
                    problems.append(("unlocated", f"{command}: not one located error line: {line[:200]!r}"))
                    break
            if not lines:
                problems.append(("error-count", f"{command} exited 2 with no error line"))
        return problems

    def check_results(self, out_dir, status):
        problems = []
        parent = out_dir.parent
        leftovers = [p.name for p in parent.iterdir() if p.name.startswith(".")]
        if leftovers:
            problems.append(("leftover", f"hidden entries left beside the results: {leftovers}"))
        if status == 0:
            files = sorted(p.name for p in out_dir.iterdir()) if out_dir.is_dir() else None
            if files != RESULT_FILES:
                problems.append(("results", f"run exited 0 but the results directory holds {files}"))
        elif out_dir.exists():
            problems.append(("half-written", f"run exited {status} but left {out_dir.name}"))
        return problems

    # Cases

    def scenario_case(self, rel, text):
        path = self.work / "Scenarios" / rel
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
        try:
            args = ["validate", str(path)]
            v = self.invoke(args, "validate")
            if v[0] is None:
                self.slow.append(("validate", str(rel)))
                self.record("slow-validate", args, None, v[1], v[2], text, f"validate of a mutant of {rel} took over {TIMEOUT['validate']} s")
                return
            for kind, note in self.check_output(args, *v, text, "validate"):
                self.record(kind, args, v[0], v[1], v[2], text, note)
            stdout = v[1].decode("utf-8", "replace")
            m = re.search(r": scenario '[^']*', ([\d,]+) agents?, (\S+), ", stdout)
            hours = duration_hours(m.group(2)) if m else None
            if v[0] == 0 and m and hours is not None and int(m.group(1).replace(",", "")) * hours <= RUN_BUDGET_AGENT_HOURS:
                self.run_case(path, text, expect_valid=True)
                if self.rng.random() < 0.25:
                    self.check_case(path, text)
            elif v[0] == 2 and self.rng.random() < 0.3:
                self.run_case(path, text, expect_valid=False)
        finally:
            path.write_bytes(self.originals[rel])

    def rules_case(self, rel, text):
        path = self.work / "mutant-rules.yaml"
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
        for args, kind in ((["validate", str(path)], "validate"), (["rules", str(path)], "rules")):
            r = self.invoke(args, kind)
            if r[0] is None:
                self.record("slow-" + kind, args, None, r[1], r[2], text, f"{kind} of a rules mutant took over {TIMEOUT[kind]} s")
                continue
            for k, note in self.check_output(args, *r, text, kind):
                self.record(k, args, r[0], r[1], r[2], text, note)
        self.run_case(self.small, text, extra=["--rules", str(path)])

    def run_case(self, path, text, expect_valid=None, extra=()):
        holder = Path(tempfile.mkdtemp(dir=self.work, prefix="out-"))
        out_dir = holder / "results"
        args = ["run", str(path), "--out", str(out_dir), "--quiet", "--shards", str(self.rng.choice([1, 2, 3]))] + list(extra)
        r = self.invoke(args, "run")
        try:
            if r[0] is None:
                self.slow.append(("run", str(path)))
                return
            problems = self.check_output(args, *r, text, "run") + self.check_results(out_dir, r[0])
            if expect_valid is True and r[0] == 2:
                problems.append(("disagree", "validate accepted the file but run refused it"))
            if expect_valid is False and r[0] == 0:
                problems.append(("disagree", "validate refused the file but run accepted it"))
            for kind, note in problems:
                self.record(kind, args, r[0], r[1], r[2], text, note)
        finally:
            shutil.rmtree(holder, ignore_errors=True)

    def check_case(self, path, text):
        holder = Path(tempfile.mkdtemp(dir=self.work, prefix="check-"))
        args = ["check", str(path), "--quiet", "--jobs", "1", "--report", str(holder / "check.json")]
        r = self.invoke(args, "check")
        try:
            if r[0] is None:
                return
            problems = self.check_output(args, *r, text, "check")
            if r[0] == 2:
                problems.append(("disagree", "validate accepted the file but check refused it"))
            for kind, note in problems:
                self.record(kind, args, r[0], r[1], r[2], text, note)
        finally:
            shutil.rmtree(holder, ignore_errors=True)

    def flag_case(self):
        flags = []
        for _ in range(self.rng.randint(1, 3)):
            flags += self.rng.choice(FLAG_POOL)
        command = self.rng.choice(["run", "validate", "rules", "check"])
        target = {"run": [str(self.small)], "validate": [str(self.small)], "rules": [], "check": [str(self.small)]}[command]
        holder = Path(tempfile.mkdtemp(dir=self.work, prefix="flags-"))
        tail = {"run": ["--out", str(holder / "results"), "--quiet"], "check": ["--quiet", "--report", str(holder / "r.json")]}.get(command, [])
        args = [command] + target + flags + tail
        kind = command
        r = self.invoke(args, kind)
        try:
            if r[0] is None:
                return
            for k, note in self.check_output(args, *r, None, command):
                self.record(k, args, r[0], r[1], r[2], None, note)
            if command == "run":
                for k, note in self.check_results(holder / "results", r[0]):
                    self.record(k, args, r[0], r[1], r[2], None, note)
        finally:
            shutil.rmtree(holder, ignore_errors=True)

    def go(self):
        files = list(self.originals)
        print(f"fuzz: seed {self.seed}, binary {self.binary}, {len(files)} files, until {TIMEOUT} limits", flush=True)
        while time.monotonic() < self.deadline:
            self.cases += 1
            roll = self.rng.random()
            if roll < 0.12:
                self.flag_case()
                continue
            rel = self.rng.choice(files)
            text = self.mutator.mutate(self.originals[rel].decode("utf-8"))
            if rel.parts[0] == "rules":
                self.rules_case(rel, text)
            else:
                self.scenario_case(rel, text)
            if self.cases % 200 == 0:
                print(f"fuzz: {self.cases} cases, {self.invocations} invocations, {len(self.findings)} findings", flush=True)
        shutil.rmtree(self.work, ignore_errors=True)
        print(f"fuzz: done: {self.cases} cases, {self.invocations} invocations, seed {self.seed}")
        by_command = Counter()
        for (command, status), n in sorted(self.statuses.items(), key=lambda x: (x[0][0], x[0][1])):
            by_command[command] += n
            print(f"  {command:8} exit {status}: {n}")
        if self.slow:
            print(f"  time limit reached (killed, not a finding for run): {len(self.slow)} ({Counter(k for k, _ in self.slow)})")
        if self.findings:
            print(f"FINDINGS: {len(self.findings)} ({dict(Counter(k for k, _, _ in self.findings))}), saved in {self.findings_dir}")
            return 1
        print("no findings")
        return 0


def duration_hours(text):
    m = re.fullmatch(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?", text)
    if not m or not text:
        return None
    d, h, mi, s, ms = (int(x) if x else 0 for x in m.groups())
    return d * 24 + h + mi / 60 + s / 3600 + ms / 3_600_000


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=str(ROOT / ".build/release/interven-sim"))
    ap.add_argument("--seconds", type=float, default=180)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--findings", default=str(ROOT / ".build/fuzz-findings"))
    a = ap.parse_args()
    if not os.access(a.binary, os.X_OK):
        sys.exit(f"fuzz: no binary at {a.binary} (make fuzz builds it)")
    seed = a.seed if a.seed is not None else random.SystemRandom().randrange(1 << 32)
    shutil.rmtree(a.findings, ignore_errors=True)
    sys.exit(Fuzzer(Path(a.binary).resolve(), a.seconds, seed, a.findings).go())


if __name__ == "__main__":
    main()
