"""`checker train`: fit the learned models on the corpus's train + dev splits, with thresholds and
figures by 5-fold cross-validation, and ship the parts that beat the rules alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from checker.cli.app import app
from checker.errors import CheckerError


@app.command()
def train(
    corpus: Annotated[Path, typer.Argument(help="The labelled corpus folder (corpus.jsonl + texts/).")] = Path("corpora/clinic-claims"),
    out: Annotated[Path | None, typer.Option("--out", help="Where to write the models (default: the package's checker/weights/).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed for the folds and solvers.")] = 0,
    force: Annotated[bool, typer.Option("--force", help="Write every part even if it does not beat the rules.")] = False,
    format: Annotated[str, typer.Option("--format", "-f", help="text or json (the cross-validated and dev comparisons).")] = "text",
) -> None:
    """Train the sentence and document models on the train + dev splits (thresholds chosen by
    5-fold cross-validation) and write, as JSON, the parts that beat the rules alone both out of
    fold and on the dev documents' out-of-fold predictions. The test split is never read."""
    from checker.errors import require_extra

    require_extra("train", command="train")
    from checker.paths import weights_dir
    from checker.train.config import TrainConfig
    from checker.train.run import train_models

    target = out or weights_dir()
    try:
        result = train_models(corpus, out_dir=target, config=TrainConfig(seed=seed), force=force,
                              progress=lambda msg: typer.echo(msg, err=True))
    except CheckerError as exc:
        typer.echo(f"checker: error: {exc}", err=True)
        raise typer.Exit(2) from None
    if format == "json":
        typer.echo(json.dumps({"cv": result.cv, "dev": result.dev, "ships": result.ships, "written": result.written,
                               "removed": result.removed}, indent=2, default=str))
        return
    from checker.cli.eval import comparison_table

    typer.echo(comparison_table(result.cv, title="5-fold cross-validation, train + dev"))
    typer.echo(comparison_table(result.dev, title="dev split (out of fold)"))
    for part, ok in result.ships.items():
        typer.echo(f"{part} model: {'ships' if ok else 'does not beat the rules: not shipped'}")
    for path in result.written:
        typer.echo(f"wrote {path}")
    for path in result.removed:
        typer.echo(f"removed {path}")
