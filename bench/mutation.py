"""Mutation score per module: how many deliberate small breakages of the code the suite catches.

    make mutation            # runs mutmut over the modules named in pyproject.toml, then this report

Reads mutmut's results (`mutmut results --all true`) and prints, per module, the mutants killed by a failing test,
those that survived (the suite passed with the code broken), those that timed out (counted as caught: the
breakage made a test hang) and those no test reached. The score is caught / (caught + survived + not reached).
With --survivors, it lists the surviving mutants by module, to look at with `mutmut show NAME`.

    python bench/mutation.py --again tests/test_filters.py --only speeches.filters

tries each surviving mutant (of the modules --only names) again in a process of its own, against the tests given.
A run's workers are forked after the project is imported, so a mutant of code that runs while modules load (a
form's widgets, a field built with its class) is never active in them and survives whatever the tests; in a new
process it is. Set DATABASE_URL to try them on PostgreSQL.
"""

import argparse
import collections
import functools
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CAUGHT = {"killed", "timeout", "segfault", "caught by type check"}
MISSED = {"survived", "no tests"}


def results():
    """(mutant name, status) for every mutant mutmut has tried."""
    mutmut = Path(sys.executable).with_name("mutmut")
    output = subprocess.run(
        [str(mutmut), "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    for line in output.splitlines():
        name, separator, status = line.strip().rpartition(": ")
        if separator:
            yield name, status


def module_of(mutant):
    """speeches.reading.x_parse_cookie__mutmut_3 -> speeches.reading"""
    function = mutant.rsplit("__mutmut_", 1)[0]
    return function.rsplit(".", 1)[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--survivors", action="store_true", help="list the surviving mutants")
    parser.add_argument("--again", nargs="+", metavar="TEST", help="try the survivors again against these tests")
    parser.add_argument("--only", default="", metavar="PREFIX", help="the survivors whose names start so")
    args = parser.parse_args()
    if args.again:
        names = [name for name, status in results() if status in MISSED and name.startswith(args.only)]
        try_again(names, args.again)
        return
    counts = collections.defaultdict(collections.Counter)
    survivors = collections.defaultdict(list)
    for name, status in results():
        if status == "not checked":  # outside this run: a run may be limited to some modules by name
            continue
        module = module_of(name)
        counts[module][status] += 1
        if status in MISSED:
            survivors[module].append(f"{name} ({status})")
    if not counts:
        sys.exit("No mutation results: run `make mutation` first.")
    print(f"{'module':40} {'mutants':>8} {'killed':>7} {'timeout':>8} {'survived':>9} {'no test':>8} {'score':>7}")
    totals = collections.Counter()
    for module in sorted(counts):
        c = counts[module]
        totals.update(c)
        print(_row(module, c))
    print(_row("all", totals))
    if args.survivors:
        for module in sorted(survivors):
            print(f"\n{module}:")
            for name in sorted(survivors[module]):
                print(f"  {name}")


def try_again(names, tests):
    """Run the tests once per mutant, each in a new process with the mutant active from import; print the verdicts."""
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-m", "not browser", *tests]
    environment = {key: value for key, value in os.environ.items() if key != "MUTANT_UNDER_TEST"}
    run = functools.partial(subprocess.run, command, cwd=ROOT / "mutants", capture_output=True)
    if run(env=environment).returncode:
        sys.exit("The tests fail with no mutant active: fix them, or name tests that pass, first.")
    for name in names:
        code = run(env={**environment, "MUTANT_UNDER_TEST": name}).returncode
        verdict = {0: "survived", 1: "killed"}.get(code, f"error {code}")
        print(f"{verdict:9} {name}", flush=True)


def _row(label, c):
    caught = sum(c[status] for status in CAUGHT)
    missed = sum(c[status] for status in MISSED)
    score = caught / (caught + missed) if caught + missed else 0.0
    return (
        f"{label:40} {sum(c.values()):8} {c['killed']:7} {c['timeout']:8} {c['survived']:9} {c['no tests']:8}"
        f" {score:7.1%}"
    )


if __name__ == "__main__":
    main()
