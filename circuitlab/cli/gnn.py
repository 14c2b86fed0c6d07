"""GNN commands: gnn-corpus and train-gnn.

The options of ``train-gnn`` come from the torch-free :class:`circuitlab.gnn.config.TrainConfig`;
torch and torch-geometric load only when a command runs.
"""

from __future__ import annotations

import json
import time

import click

from circuitlab.gnn.config import TrainConfig

from ..fileio import deferred_signals
from .options import config_options


@click.command("gnn-corpus")
@click.option("--out", "out", type=click.Path(dir_okay=False), required=True, help="Corpus file to write (.pt).")
@click.option(
    "--epfl",
    "epfl",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder with the EPFL .aig benchmarks [default: the copy bundled with circuitlab].",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--no-epfl", is_flag=True, help="Skip the EPFL window families.")
@click.option("--tiny", is_flag=True, help="A very small corpus (for tests and smoke runs).")
@click.option("--skip-depth", type=int, default=3, show_default=True, help="Reconvergence search depth of the graphs.")
@click.option(
    "--window-depth",
    type=click.IntRange(0, 3),
    default=3,
    show_default=True,
    help="Fanin levels of the window probability estimate (0: COP).",
)
def gnn_corpus(out, epfl, seed, no_epfl, tiny, skip_depth, window_depth):
    """Generate the GNN training corpus (labels from simulation, split by family)."""
    from rich.progress import Progress

    with deferred_signals():
        from circuitlab.gnn.corpus import FAMILY_SPLIT, SPLITS, CorpusConfig, build_corpus, save_corpus

    fams = tuple(FAMILY_SPLIT) + (() if no_epfl else ("epfl",))
    common = {"seed": seed, "families": fams, "skip_depth": skip_depth, "window_depth": window_depth}
    cfg = CorpusConfig(**common, **(CorpusConfig.TINY if tiny else {}))
    t0 = time.perf_counter()
    with Progress(transient=True) as bar:
        task = bar.add_task("circuits", total=None)
        corpus = build_corpus(cfg, epfl, lambda d, t, n: bar.update(task, completed=d, total=t, description=n))
    save_corpus(corpus, out)
    recs = corpus["records"]
    for s in SPLITS:
        rs = [r for r in recs if r["split"] == s]
        click.echo(
            f"{s:5s}: {len(rs):4d} circuits, {sum(r['ands'] for r in rs):7d} ANDs, "
            f"families {sorted({r['family'] for r in rs})}"
        )
    click.echo(f"wrote {out} in {time.perf_counter() - t0:.1f} s")


@click.command("train-gnn")
@config_options(TrainConfig)
def train_gnn(**options):
    """Train the CASCAD-style GNN on a simulation-labelled corpus.

    Writes OUT/last.pt (resumable with --resume), OUT/best.pt, OUT/history.json and
    OUT/loss_curve.png; prints validation MAE against COP every epoch.
    """
    with deferred_signals():
        from circuitlab.gnn.train import train

    res = train(TrainConfig(**options))
    summary = {
        "stopped": res.stopped,
        "epochs": len(res.history),
        "out": str(res.out),
        "best_epoch": res.best.get("epoch"),
        **{
            k: res.best[k]
            for k in ("val_gnn_signal_mae", "val_cop_signal_mae", "val_gnn_cond_mae", "val_cop_cond_mae")
            if k in res.best
        },
    }
    click.echo(json.dumps(summary))


COMMANDS = [gnn_corpus, train_gnn]
