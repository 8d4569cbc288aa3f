"""Mutation testing: apply each mutant of bench/mutants.py to a scratch copy of the repository,
run the checks that should catch it, and report which mutants the tests kill.

    uv run python bench/mutation.py                      # whole catalogue, table on stdout
    uv run python bench/mutation.py --only delivery-      # mutants whose id starts so
    uv run python bench/mutation.py --tests-from main     # score of the tests on another ref
    uv run python bench/mutation.py --json --write-md bench/results/mutation.md

The working tree is never modified: the repository (tracked and untracked, not ignored, files)
is copied to a scratch folder, one warehouse is ingested from the simulator and built there once
(dbt unit tests read the column types of their inputs from it), and each mutant is applied,
checked and reverted in that copy. SQL mutants run only their model's dbt unit tests.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from fnmatch import fnmatch
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutants import CATALOGUE, Mutant  # noqa: E402 - bench/ is not a package

REPO_ROOT = Path(__file__).resolve().parents[1]
CHECK_TIMEOUT_SECONDS = 900


@dataclass
class Outcome:
    mutant: str
    kind: str
    path: str
    status: str  # killed | survived | not applicable
    killed_by: str
    seconds: float


class Scratch:
    """A copy of the repository with its own built warehouse, where mutants are applied."""

    def __init__(self, root: Path, warehouse: Path) -> None:
        self.root = root
        self.warehouse = warehouse

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DBT_PROFILES_DIR": str(self.root),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "KPIBRIDGE_DUCKDB": str(self.warehouse),
            # the KPI cases read table columns from this build instead of building their own
            "KPIBRIDGE_TEST_BUILT_WAREHOUSE": str(self.warehouse),
            "PYTHONPATH": f"{self.root}{os.pathsep}{self.root / 'bench'}",
            "RUNTIME__DLTHUB_TELEMETRY": "false",
        }

    def run_check(self, check: str) -> bool:
        """True when the check passes."""
        kind, _, argument = check.partition(":")
        if kind == "dbt":
            return self._run_dbt(argument)
        if kind != "pytest":
            raise ValueError(f"unknown check kind {kind!r} in {check!r}: use dbt: or pytest:")
        command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"]
        try:
            result = subprocess.run(
                [*command, *argument.split()],
                cwd=self.root,
                env=self.env(),
                capture_output=True,
                text=True,
                timeout=CHECK_TIMEOUT_SECONDS,
            )
        except subprocess.TimeoutExpired:
            return False  # a mutant that hangs (e.g. endless pagination) is caught
        return result.returncode == 0

    def _run_dbt(self, selector: str) -> bool:
        failing = self.failing_models(selector)
        return failing == set()

    def failing_models(self, *selectors: str) -> set[str] | None:
        """Models whose unit tests fail under `dbt test --select selectors` (None: dbt itself
        failed). Run in this process: under load, starting a new Python and importing dbt for
        every check costs more than the unit tests themselves."""
        from dbt.cli.main import dbtRunner

        os.environ.update(self.env())
        result = dbtRunner().invoke(
            [
                "test",
                "--select",
                *selectors,
                "--project-dir",
                str(self.root),
                "--target-path",
                str(self.root / "target"),
                "--log-level",
                "none",
                # unit tests run on the simulator's warehouse: the demo salt is allowed
                "--vars",
                '{"allow_demo_salt": true}',
            ]
        )
        results = getattr(result.result, "results", None)
        if results is None:
            return None
        return {
            str(getattr(item.node, "tested_node_unique_id", "") or item.node.unique_id).split(".")[
                -1
            ]
            for item in results
            if str(item.status).lower() in {"fail", "error", "runtime error"}
        }


def copy_repository(destination: Path, tests_from: str | None) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    root = destination / "repo"
    for name in filter(None, listed.split("\0")):
        source = REPO_ROOT / name
        if source.is_file():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    shared = REPO_ROOT.parent / "shared"
    if shared.is_dir():  # tests read the vendor examples from ../shared
        (destination / "shared").symlink_to(shared)
    node_modules = REPO_ROOT / "node_modules"
    if node_modules.is_dir():  # the simulator validates GraphQL against the npm schema
        (root / "node_modules").symlink_to(node_modules)
    if tests_from:
        _replace_tests(root, tests_from)
    return root


def is_test_file(name: str) -> bool:
    """Replaced by --tests-from: the dbt unit-test YAML and the pytest suite."""
    path = Path(name)
    return (path.parts[0] == "models" and fnmatch(path.name, "_*unit_tests.yml")) or (
        path.parts[0] == "tests" and path.suffix == ".py"
    )


def _replace_tests(root: Path, ref: str) -> None:
    """The test files as they are at `ref` (the code stays as in the working tree)."""
    for path in list(root.rglob("*")):
        if path.is_file() and is_test_file(str(path.relative_to(root))):
            path.unlink()
    listed = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", ref],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in listed:
        if is_test_file(name):
            content = subprocess.run(
                ["git", "show", f"{ref}:{name}"], cwd=REPO_ROOT, capture_output=True, check=True
            ).stdout
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(content)


def prepare_warehouse(scratch: Scratch, prebuilt: Path | None) -> None:
    """Copy a built warehouse (and the marts.duckdb beside it), or ingest the simulator and
    build one (about two minutes)."""
    if prebuilt:
        shutil.copy(prebuilt, scratch.warehouse)
        shutil.copy(prebuilt.with_name("marts.duckdb"), scratch.warehouse.with_name("marts.duckdb"))
        return
    script = (
        "from ingestion.pipeline import run_ingest, simulator_settings\n"
        "from ingestion.simulator.org import build_org\n"
        "from ingestion.simulator.server import Simulator\n"
        "from ingestion.build import build_warehouse\n"
        "import sys\n"
        "warehouse = sys.argv[1]\n"
        "org = build_org()\n"
        "with Simulator(org) as sim:\n"
        "    results = run_ingest(duckdb_path=warehouse, settings=simulator_settings(sim.urls))\n"
        "assert not [r.error for r in results if r.error], results\n"
        "build_warehouse(warehouse, marts_path=sys.argv[2], project_dir=sys.argv[3],\n"
        "    dbt_vars={'kpi_as_of_date': org.end.date().isoformat(), 'allow_demo_salt': True})\n"
    )
    subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            str(scratch.warehouse),
            str(scratch.warehouse.with_name("marts.duckdb")),
            str(scratch.root),
        ],
        cwd=scratch.root,
        env=scratch.env(),
        check=True,
    )


def run_mutant(scratch: Scratch, mutant: Mutant) -> Outcome:
    started = time.perf_counter()
    path = scratch.root / mutant.path
    original = path.read_text() if path.is_file() else ""
    if original.count(mutant.original) != 1:
        found = original.count(mutant.original)
        return Outcome(
            mutant.id,
            mutant.kind,
            mutant.path,
            "not applicable",
            f"snippet found {found} times",
            0.0,
        )
    path.write_text(original.replace(mutant.original, mutant.mutated))
    try:
        killer = next((check for check in mutant.checks if not scratch.run_check(check)), "")
    finally:
        path.write_text(original)
    return Outcome(
        mutant.id,
        mutant.kind,
        mutant.path,
        "killed" if killer else "survived",
        killer,
        time.perf_counter() - started,
    )


def unit_test_model(mutant: Mutant) -> str | None:
    """The model whose unit tests alone check this mutant, if that is its only check."""
    prefix = "dbt:test_type:unit,"
    if len(mutant.checks) == 1 and mutant.checks[0].startswith(prefix):
        return mutant.checks[0].removeprefix(prefix)
    return None


def run_in_rounds(scratch: Scratch, mutants: list[Mutant]) -> list[Outcome]:
    """Mutants of different models in one dbt run: a model's unit tests read only that model's
    SQL (its inputs are fixtures), so each mutant is judged by its own model's unit tests.
    One round holds at most one mutant per file."""
    rounds: list[list[Mutant]] = []
    for mutant in mutants:
        free = next((r for r in rounds if all(m.path != mutant.path for m in r)), None)
        if free is None:
            rounds.append(free := [])
        free.append(mutant)
    outcomes = []
    for round_mutants in rounds:
        started = time.perf_counter()
        originals = {m.path: (scratch.root / m.path).read_text() for m in round_mutants}
        applied = [m for m in round_mutants if originals[m.path].count(m.original) == 1]
        for mutant in round_mutants:
            if mutant not in applied:
                outcomes.append(
                    Outcome(mutant.id, mutant.kind, mutant.path, "not applicable", "", 0.0)
                )
        for mutant in applied:
            path = scratch.root / mutant.path
            path.write_text(originals[mutant.path].replace(mutant.original, mutant.mutated))
        try:
            failing = scratch.failing_models(*(m.checks[0].removeprefix("dbt:") for m in applied))
        finally:
            for path, text in originals.items():
                (scratch.root / path).write_text(text)
        if failing is None:  # dbt itself failed: judge these mutants one by one
            outcomes.extend(run_mutant(scratch, mutant) for mutant in applied)
            continue
        seconds = (time.perf_counter() - started) / max(len(applied), 1)
        for mutant in applied:
            killed = unit_test_model(mutant) in failing
            outcomes.append(
                Outcome(
                    mutant.id,
                    mutant.kind,
                    mutant.path,
                    "killed" if killed else "survived",
                    mutant.checks[0] if killed else "",
                    seconds,
                )
            )
            print(f"{outcomes[-1].status:>14}  {mutant.id}", file=sys.stderr)
    return outcomes


def score(outcomes: list[Outcome]) -> tuple[int, int]:
    applicable = [o for o in outcomes if o.status != "not applicable"]
    return sum(o.status == "killed" for o in applicable), len(applicable)


def table(outcomes: list[Outcome]) -> str:
    killed, total = score(outcomes)
    lines = [
        "| mutant | kind | file | result | killed by | s |",
        "|---|---|---|---|---|---|",
        *(
            f"| {o.mutant} | {o.kind} | `{o.path}` | {o.status} | "
            f"{f'`{o.killed_by}`' if o.killed_by else ''} | {o.seconds:.0f} |"
            for o in outcomes
        ),
        "",
        f"Score: {killed} of {total} mutants killed"
        f" ({100 * killed / total if total else 0:.1f} %).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", help="mutant id prefix (repeatable)")
    parser.add_argument(
        "--kind", choices=("sql", "python"), help="only the mutants of SQL (and macros) or Python"
    )
    parser.add_argument("--tests-from", help="git ref whose test files replace the current ones")
    parser.add_argument("--warehouse", type=Path, help="a built warehouse to copy (saves a build)")
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a temp folder)")
    parser.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    parser.add_argument("--write-md", type=Path, help="also write the table to this file")
    parser.add_argument(
        "--combine",
        type=Path,
        nargs="+",
        help="run nothing: the table of these --json outputs (e.g. a sql and a python run)",
    )
    args = parser.parse_args(argv)
    if args.combine:
        outcomes = [
            Outcome(**o)
            for path in args.combine
            for o in json.loads(path.read_text())
            if not args.kind or o["path"].endswith(".py") == (args.kind == "python")
        ]
        return report(outcomes, args.json, args.write_md)

    mutants = [
        m
        for m in CATALOGUE
        if (not args.only or any(m.id.startswith(p) for p in args.only))
        and (not args.kind or m.path.endswith(".py") == (args.kind == "python"))
    ]
    if not mutants:
        parser.error(f"no mutant id starts with {args.only}: see bench/mutants.py")
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="kpibridge-mutation-"))
    if workdir.exists() and any(workdir.iterdir()):
        parser.error(f"--workdir {workdir} is not empty: pass a new or empty folder")
    workdir.mkdir(parents=True, exist_ok=True)
    root = copy_repository(workdir, args.tests_from)
    scratch = Scratch(root, workdir / "kpibridge.duckdb")
    prepare_warehouse(scratch, args.warehouse)

    # every check must pass on the unmutated copy, or "killed" would mean nothing
    checks = {c for m in mutants for c in m.checks}
    if any(c.startswith("dbt:") for c in checks):  # one run covers every dbt selector
        checks = {c for c in checks if not c.startswith("dbt:")} | {"dbt:test_type:unit"}
    for check in sorted(checks):
        if not scratch.run_check(check):
            print(f"check fails without any mutant: {check} (in {root})", file=sys.stderr)
            return 2
        print(f"{'baseline ok':>14}  {check}", file=sys.stderr)

    batched = [m for m in mutants if unit_test_model(m)]
    by_id = {o.mutant: o for o in run_in_rounds(scratch, batched)}
    for mutant in mutants:
        if mutant.id not in by_id:
            by_id[mutant.id] = run_mutant(scratch, mutant)
            outcome = by_id[mutant.id]
            print(f"{outcome.status:>14}  {mutant.id}  {outcome.killed_by}", file=sys.stderr)
    outcomes = [by_id[m.id] for m in mutants]
    shutil.rmtree(workdir, ignore_errors=True)

    return report(outcomes, args.json, args.write_md)


def report(outcomes: list[Outcome], as_json: bool, markdown: Path | None) -> int:
    """Print the outcomes; exit 0 when at least 90 % of the applicable mutants were killed."""
    print(json.dumps([asdict(o) for o in outcomes], indent=2) if as_json else table(outcomes))
    if markdown:
        markdown.write_text(table(outcomes) + "\n")
    killed, total = score(outcomes)
    return 0 if total and killed / total >= 0.9 else 1


if __name__ == "__main__":
    sys.exit(main())
