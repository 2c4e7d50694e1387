#!/usr/bin/env python3
"""Seeded mutation fuzzer for Fairway's platform repositories.

Copies the template, applies one to three seeded mutations (hostile scalars in place of values,
deleted, duplicated or re-indented lines, unknown keys, YAML tags and anchors, control and invisible
characters, truncated files, files at the wrong depth or with the wrong extension, FIFOs, folders
named like files) and runs the built `fairway` on the result: validate, fairness, render and plan
with JSON output, then apply to a copy of an applied local state. A case fails when

  - a command dies on a signal or prints a Swift crash report (no input may crash the process);
  - a command runs longer than --hang-seconds (20 s);
  - an error diagnostic has no path and line (every bad input is named where it is), or the JSON
    output cannot be decoded;
  - the commands disagree on validity (validate fails but plan, render or apply exit 0), or a
    valid repository fails one of them with a crash-like status;
  - an apply of an invalid repository changes the local state (nothing is ever lost).

Runs until --seconds (default $FUZZ_SECONDS or 60) have passed, prints one line per failure and a
summary (cases, runs, crashes, hangs, failures), writes each failing repository under --keep, and
exits 1 when anything failed. The same --seed replays the same cases.

    scripts/fuzz-repo.py --fairway .build/debug/fairway --seed 20 --seconds 60
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import stat
import subprocess
import sys
import tempfile
import time

HOSTILE_SCALARS = [
    "9223372036854775807", "9223372036854775808", "-9223372036854775808", "1e17", "1e400", "-1", "0",
    "2147483648", "4294967296", "-0", "0x7fffffff", "0o777", "1_000", ".inf", "-.inf", ".nan", "3.5",
    "~", "null", "''", '""', "[]", "{}", "[1, 2]", "{a: 1}", "yes", "no", "on", "true", "false",
    "\"\\u0000\"", "\"\\u0007bell\"", "\"a\\u200bb\"", "\"\\u00a0\"", "\"" + "x" * 300 + "\"",
    "!!binary aGVsbG8=", "!Ref other", "&anchor value", "*undefined", "kube-system", "default",
    "UPPER_case", "-leading-dash", "trailing-dash-", "a..b", "1.5h", "Never", "latest", "abc",
    "\"10Gi\"", "\"-4\"", "\"100m\"", "\"1e3\"", "\"12345678901234567890Gi\"", "p5.48xlarge",
    "us-east-1a", "subnet-xyz", "arn:aws:iam::12:role/x", "\"@sha256:00\"", "|\n  multi\n  line",
]

KEY_NOISE = ["unknownField", "maxNodes", "guaranteed", "namespaces", "spec", "kind", "metadata",
             "name", "gpuClass", "quota", "a\u200bb", "\u00a0indent"]


def list_yaml(root):
    out = []
    for base, _, files in os.walk(root):
        for name in files:
            full = os.path.join(base, name)
            # Regular files only: opening a FIFO made by a layout mutation would block.
            if name.endswith((".yaml", ".yml")) and "/.schemas" not in base and stat.S_ISREG(os.lstat(full).st_mode):
                out.append(full)
    return sorted(out)


def value_lines(lines):
    """Indexes of lines of the form `key: value` or `- value` with a non-empty scalar."""
    picks = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if ": " in stripped and not stripped.endswith(":"):
            picks.append(i)
        elif stripped.startswith("- ") and ":" not in stripped:
            picks.append(i)
    return picks


def replace_value(line, value):
    indent = line[: len(line) - len(line.lstrip())]
    stripped = line.strip()
    if stripped.startswith("- ") and ": " not in stripped:
        return f"{indent}- {value}"
    key, _, _ = stripped.partition(": ")
    return f"{indent}{key}: {value}"


def mutate_text(rng, text):
    lines = text.split("\n")
    choice = rng.randrange(11)
    picks = value_lines(lines)
    if choice <= 3 and picks:
        i = rng.choice(picks)
        lines[i] = replace_value(lines[i], rng.choice(HOSTILE_SCALARS))
        return "\n".join(lines), "scalar"
    if choice == 4 and len(lines) > 1:
        del lines[rng.randrange(len(lines))]
        return "\n".join(lines), "delete-line"
    if choice == 5 and lines:
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i])
        return "\n".join(lines), "duplicate-line"
    if choice == 6 and lines:
        i = rng.randrange(len(lines))
        lines[i] = rng.choice(["", " ", "  ", "\t", "\u00a0", "    "]) + lines[i]
        return "\n".join(lines), "indent"
    if choice == 7 and lines:
        i = rng.randrange(len(lines))
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        lines.insert(i, f"{indent}{rng.choice(KEY_NOISE)}: {rng.choice(HOSTILE_SCALARS)}")
        return "\n".join(lines), "insert-key"
    if choice == 8:
        cut = rng.randrange(len(text) + 1)
        return text[:cut], "truncate"
    if choice == 9:
        i = rng.randrange(len(text) + 1)
        noise = "".join(rng.choice(["\x00", "\x07", "\x1b", "\ufeff", "\u200b", "\u00a0", ":", "-", "[", "{",
                                    "&a", "*a", "!", "%", "'", '"', "\r", "\u2028"]) for _ in range(rng.randrange(1, 4)))
        return text[:i] + noise + text[i:], "bytes"
    # Structure-level: an anchor and alias doubling a mapping, or a deep flow nesting.
    if rng.random() < 0.5:
        return text + "\nextra: &x [" + ",".join(["*x"] * 0) + "1]\nmore: *x\n", "anchors"
    depth = rng.choice([50, 200, 1000])
    return text + "\ndeep: " + "[" * depth + "]" * depth + "\n", "deep"


def mutate_tree(rng, root):
    """Layout mutations: what every file under the platform folders must be read or reported for."""
    files = list_yaml(root)
    path = rng.choice(files)
    rel = os.path.relpath(path, root)
    choice = rng.randrange(6)
    if choice == 0:
        os.rename(path, path[: -len(".yaml")] + rng.choice([".yml", ".YAML", ".json", ".yaml.bak", ""]))
        return f"rename {rel}"
    if choice == 1:
        deeper = os.path.join(os.path.dirname(path), "nested")
        os.makedirs(deeper, exist_ok=True)
        shutil.move(path, os.path.join(deeper, os.path.basename(path)))
        return f"deeper {rel}"
    if choice == 2:
        shutil.copy(path, path[: -len(".yaml")] + ".yml")
        return f"copy-yml {rel}"
    if choice == 3:
        fifo = os.path.join(os.path.dirname(path), "pipe.yaml")
        if not os.path.exists(fifo):
            os.mkfifo(fifo)
        return f"fifo beside {rel}"
    if choice == 4:
        os.makedirs(os.path.join(os.path.dirname(path), "folder.yaml"), exist_ok=True)
        return f"dir-named-yaml beside {rel}"
    os.remove(path)
    return f"remove {rel}"


def tree_digest(root):
    digest = hashlib.sha256()
    if not os.path.exists(root):
        return "absent"
    for base, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(base, name)
            if name.endswith(".lock"):
                continue
            digest.update(os.path.relpath(full, root).encode())
            with open(full, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()


class Outcome:
    def __init__(self, status, stdout, stderr, seconds, hung):
        self.status, self.stdout, self.stderr, self.seconds, self.hung = status, stdout, stderr, seconds, hung


def run(fairway, args, hang_seconds):
    start = time.monotonic()
    try:
        done = subprocess.run([fairway] + args, capture_output=True, timeout=hang_seconds,
                              env={**os.environ, "NO_COLOR": "1"}, stdin=subprocess.DEVNULL)
        return Outcome(done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"),
                       time.monotonic() - start, False)
    except subprocess.TimeoutExpired:
        return Outcome(None, "", "", time.monotonic() - start, True)


CRASH_MARKERS = ("Fatal error", "💣 Program crashed", "Crash at", "Stack dump", "Segmentation fault",
                 "Thread 0 crashed", "Illegal instruction")


def check(name, outcome, problems, json_expected=True):
    if outcome.hung:
        problems.append(("hang", f"{name}: still running after the hang bound"))
        return None
    if outcome.status < 0 or outcome.status >= 128 or any(m in outcome.stderr for m in CRASH_MARKERS):
        problems.append(("crash", f"{name}: status {outcome.status}: {outcome.stderr.strip()[-300:]}"))
        return None
    if not json_expected:
        return None
    try:
        document = json.loads(outcome.stdout) if outcome.stdout.strip() else None
    except json.JSONDecodeError:
        problems.append(("output", f"{name}: output is not JSON: {outcome.stdout[:200]!r}"))
        return None
    if outcome.status != 0 and document is None:
        problems.append(("output", f"{name}: exit {outcome.status} without a JSON document; stderr: {outcome.stderr.strip()[:200]}"))
    if isinstance(document, dict):
        for diagnostic in document.get("diagnostics", []) or []:
            if diagnostic.get("severity") == "error" and (not diagnostic.get("path") or not diagnostic.get("line")):
                problems.append(("location", f"{name}: {diagnostic.get('code')} without file:line: {diagnostic.get('message')}"))
    return document


def fuzz_case(args, rng, template, baseline_state, work):
    repo = os.path.join(work, "repo")
    shutil.copytree(template, repo, symlinks=True)
    mutations = []
    for _ in range(rng.randrange(1, 4)):
        if rng.random() < 0.15:
            mutations.append(mutate_tree(rng, repo))
            continue
        files = list_yaml(repo)
        if not files:
            break
        path = rng.choice(files)
        with open(path, "r", encoding="utf-8", errors="surrogateescape") as handle:
            text = handle.read()
        mutated, kind = mutate_text(rng, text)
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as handle:
            handle.write(mutated)
        mutations.append(f"{kind} {os.path.relpath(path, repo)}")

    problems = []
    runs = 0
    validate = run(args.fairway, ["validate", repo, "--output", "json"], args.hang_seconds)
    runs += 1
    document = check("validate", validate, problems)
    valid = validate.status == 0 and isinstance(document, dict) and document.get("valid") is True
    for command in (["fairness", repo, "--output", "json"],
                    ["render", repo, "--out", os.path.join(work, "render"), "--output", "json"],
                    ["plan", repo, "--state", os.path.join(work, "empty-state"), "--output", "json"]):
        outcome = run(args.fairway, command, args.hang_seconds)
        runs += 1
        check(command[0], outcome, problems)
        if outcome.status == 0 and not valid and command[0] != "fairness":
            problems.append(("validity", f"{command[0]}: exit 0 where validate said invalid"))
    state = os.path.join(work, "state")
    shutil.copytree(baseline_state, state, symlinks=True)
    before = tree_digest(state)
    apply = run(args.fairway, ["apply", repo, "--state", state, "--auto-approve", "--output", "json"], args.hang_seconds)
    runs += 1
    check("apply", apply, problems)
    if not valid:
        if apply.status == 0:
            problems.append(("validity", "apply: exit 0 where validate said invalid"))
        if tree_digest(state) != before:
            problems.append(("state", "apply of an invalid repository changed the local state"))
    return mutations, problems, runs, valid


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fairway", default=".build/debug/fairway")
    parser.add_argument("--template", default="platform-repo-template")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", "20")))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("FUZZ_SECONDS", "60")))
    parser.add_argument("--cases", type=int, default=0, help="stop after this many cases (0: only the time budget)")
    parser.add_argument("--hang-seconds", type=float, default=20)
    parser.add_argument("--keep", default=".fairway/fuzz-failures")
    args = parser.parse_args()
    if not os.access(args.fairway, os.X_OK):
        print(f"fuzz-repo: {args.fairway} is not built (swift build)", file=sys.stderr)
        return 2

    rng = random.Random(args.seed)
    top = tempfile.mkdtemp(prefix="fairway-fuzz-")
    baseline_state = os.path.join(top, "baseline-state")
    seeded = run(args.fairway, ["apply", args.template, "--state", baseline_state, "--auto-approve"], 120)
    if seeded.status != 0:
        print(f"fuzz-repo: the unmodified template does not apply: {seeded.stderr[-400:]}", file=sys.stderr)
        return 2

    counts = {"cases": 0, "invalid": 0, "runs": 0, "crash": 0, "hang": 0, "failures": 0}
    deadline = time.monotonic() + args.seconds
    try:
        while time.monotonic() < deadline and (args.cases == 0 or counts["cases"] < args.cases):
            work = tempfile.mkdtemp(dir=top)
            mutations, problems, runs, valid = fuzz_case(args, rng, args.template, baseline_state, work)
            counts["cases"] += 1
            counts["invalid"] += 0 if valid else 1
            counts["runs"] += runs
            if problems:
                counts["failures"] += 1
                for kind, _ in problems:
                    if kind in ("crash", "hang"):
                        counts[kind] += 1
                kept = os.path.join(args.keep, f"seed{args.seed}-case{counts['cases']}")
                shutil.rmtree(kept, ignore_errors=True)
                os.makedirs(os.path.dirname(kept), exist_ok=True)
                shutil.copytree(os.path.join(work, "repo"), kept, symlinks=True,
                                ignore=lambda d, names: [n for n in names if stat.S_ISFIFO(os.lstat(os.path.join(d, n)).st_mode)])
                print(f"case {counts['cases']} ({'; '.join(mutations)}) -> {kept}")
                for _, message in problems:
                    print(f"  {message}")
            shutil.rmtree(work, ignore_errors=True)
    finally:
        shutil.rmtree(top, ignore_errors=True)
    print(f"fuzz-repo: seed {args.seed}, {counts['cases']} cases ({counts['invalid']} invalid), {counts['runs']} runs, {counts['crash']} crashes, "
          f"{counts['hang']} hangs, {counts['failures']} failing cases")
    return 1 if counts["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
