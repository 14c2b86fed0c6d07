"""Benchmark commands: ``circuitlab bench lec``."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.group()
def bench():
    """Benchmark suites (see `circuitlab bench lec --help`)."""


@bench.command("lec")
@click.option(
    "--suite",
    "suite_dir",
    type=click.Path(file_okay=False),
    default="build/lec-suite",
    show_default=True,
    help="Suite folder with manifest.jsonl; built there when it has none.",
)
@click.option("--families", default="arith,hard", show_default=True, help="Families to build: arith, hard, lgn, epfl.")
@click.option("--configs", default=None, help="Comma-separated configurations (default: a standard set; see --list).")
@click.option("--list", "list_configs", is_flag=True, help="List the configurations and exit.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True, help="Seconds per check.")
@click.option("--memory-mb", type=click.FloatRange(min=1), default=None, help="Address-space limit per check.")
@click.option("--jobs", type=click.IntRange(1, 1024), default=1, show_default=True, help="Local parallel checks.")
@click.option("--scheduler", default=None, metavar="ADDRESS", help="Run on a Dask cluster (tcp://host:port).")
@click.option("--results", type=click.Path(dir_okay=False), default=None, help="Rows (JSONL) [SUITE/results.jsonl].")
@click.option("--retry-errors", is_flag=True, help="Run again the checks recorded as errors.")
def bench_lec(suite_dir, families, configs, list_configs, timeout, memory_mb, jobs, scheduler, results, retry_errors):
    """Run the LEC benchmark suite: every configuration on every instance, resumable.

    Writes SUITE/report.md (solved counts, PAR-2, ablation), SUITE/report.json and
    SUITE/cactus.png.  Finished checks are kept in the results file, so a rerun does only
    what is missing.
    """
    from circuitlab.benchmarks import suite as bench_suite

    if list_configs:
        for name, args in bench_suite.CONFIGS.items():
            click.echo(f"{name:20s} {' '.join(args) or '(ABC)'}")
        return
    chosen = configs.split(",") if configs else list(bench_suite.DEFAULT_CONFIGS)
    unknown = [c for c in chosen if c not in bench_suite.CONFIGS]
    if unknown:
        raise click.BadParameter(f"unknown configuration {unknown[0]!r}; see --list", param_hint="--configs")
    fams = [f for f in families.split(",") if f]
    if set(fams) - set(bench_suite.FAMILIES):
        raise click.BadParameter(f"choose from {', '.join(bench_suite.FAMILIES)}", param_hint="--families")
    folder = Path(suite_dir)
    manifest = folder / bench_suite.MANIFEST
    if not manifest.exists():
        click.echo(f"building the suite in {folder} ...", err=True)
        bench_suite.build_suite(folder, fams)
    instances, bad = bench_suite.read_manifest(manifest)
    out = Path(results) if results else folder / "results.jsonl"
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("checks", total=None)

        def on_row(row, total, finished):
            bar.update(task, total=total, completed=finished, description=f"{row['instance']} {row['config']}")

        done = bench_suite.run_suite(instances, chosen, out, timeout, jobs, memory_mb, scheduler, retry_errors, on_row)
    md = bench_suite.report(instances, chosen, done, timeout, bad)
    from circuitlab.fileio import atomic_write

    atomic_write(folder / "report.md", md)
    atomic_write(folder / "report.json", json.dumps(bench_suite.to_json(instances, chosen, done, timeout), indent=1))
    bench_suite.cactus(instances, chosen, done, timeout, folder / "cactus.png")
    click.echo(md)


COMMANDS = [bench]
