"""`checker eval CORPUS`: measure the checker against the labelled corpus (and the external data
when it is there); print a table and write the figures as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from checker.cli.app import app
from checker.errors import CheckerError, Errors, InputError, located

DEFAULT_CORPORA = (Path("corpora/real"), Path("corpora/clinic-claims"))  # real first; the synthetic corpus reported apart
_ROWS = (
    ("claim precision", ("claims", "precision")),
    ("claim recall", ("claims", "recall")),
    ("claim F1", ("claims", "f1")),
    ("problematic precision", ("problematic", "precision")),
    ("problematic recall", ("problematic", "recall")),
    ("problematic F1", ("problematic", "f1")),
    ("document ROC AUC", ("document", "auc")),
    ("false-flag rate (credible < 50)", ("document", "false_flag_rate")),
    ("miss rate (problematic >= 50)", ("document", "miss_rate")),
)


def _get(d: dict[str, Any] | None, path: tuple[str, ...]) -> Any:
    for key in path:
        if d is None:
            return None
        d = d.get(key)
    return d


def _fmt(value: Any) -> str:
    return "—" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def comparison_table(configs: dict[str, dict[str, Any]], *, title: str) -> str:
    """Metrics (rows) by configuration (columns), as aligned plain text."""
    names = list(configs)
    width = max(len(label) for label, _ in _ROWS) + 2
    cols = [max(len(n), 7) + 2 for n in names]
    lines = [title, "".ljust(width) + "".join(n.rjust(c) for n, c in zip(names, cols))]
    for label, path in _ROWS:
        lines.append(label.ljust(width) + "".join(_fmt(_get(configs[n], path)).rjust(c) for n, c in zip(names, cols)))
    return "\n".join(lines)


def _counts(summary: dict[str, Any]) -> str:
    c, p, d = summary["claims"], summary["problematic"], summary["document"]["confusion"]
    return (f"  claims tp/fp/fn/tn {c['tp']}/{c['fp']}/{c['fn']}/{c['tn']}; problematic {p['tp']}/{p['fp']}/{p['fn']}/{p['tn']}; "
            f"documents: problematic flagged {d['problematic_flagged']}, credible flagged {d['credible_flagged']}, "
            f"problematic passed {d['problematic_passed']}, credible passed {d['credible_passed']}")


def render(result: dict[str, Any]) -> str:
    configs = result["configurations"]
    out = [f"warning: {w}" for w in result.get("warnings", [])]
    out += [comparison_table(configs, title=f"{result['corpus']} · split {'+'.join(result['splits'])} · {result['documents']} documents")]
    for name, summary in configs.items():
        out.append(f"{name}:" + _counts(summary)[1:])
    styles: dict[str, dict[str, Any]] = {}
    for name, summary in configs.items():
        for style, sub in summary["styles"].items():
            if sub is not None:
                styles.setdefault(style, {})[name] = sub
    for style, per_config in styles.items():
        n = next(iter(per_config.values()))["documents"]
        out.append("")
        out.append(comparison_table(per_config, title=f"{style.replace('_', ' ')} ({n} documents)"))
    families: dict[str, dict[str, Any]] = {}
    for name, summary in configs.items():
        for family, sub in summary.get("families", {}).items():
            families.setdefault(family, {})[name] = sub
    for family, per_config in families.items():
        n = next(iter(per_config.values()))["documents"]
        out.append("")
        out.append(comparison_table(per_config, title=f"{family.replace('_', ' ')} pages ({n} documents)"))
    last = list(configs)[-1]
    out.append("")
    out.append(f"false-flag rate by genre ({last}): " + ", ".join(
        f"{g} {_fmt(sub['document']['false_flag_rate'])} ({sub['document']['credible']} credible)"
        for g, sub in configs[last]["genres"].items() if sub["document"]["credible"]))
    rules = configs[last].get("rules", {})
    if rules:
        out.append("")
        out.append(f"per-rule precision ({last}): rule, level, fired, problematic precision, tag precision")
        for rule, r in sorted(rules.items(), key=lambda kv: (kv[1]["problematic_precision"], kv[0])):
            out.append(f"  {rule:8s} {r['level']:8s} {r['fired']:5d}  {_fmt(r['problematic_precision']):>6s}  {_fmt(r.get('tag_precision')):>6s}")
    out.append("")
    out.append(f"targets ({last}):")
    for name, t in configs[last]["targets"].items():
        mark = "—" if t["met"] is None else "met" if t["met"] else "NOT met"
        op = "<=" if name.startswith("false_flag_rate") else ">="
        out.append(f"  {name:18s} {_fmt(t['value']):>7s}  target {op} {t['target']:.2f}  {mark}")
    ext = result.get("external")
    if ext:
        out.append("")
        out.append(f"external data ({ext['dir']}), with {last}:")
        h = ext.get("healthfc")
        if h:
            out.append(f"  HealthFC: {h['claims']} question-form claims; a claim found in {h['claim_found_rate']:.1%}")
            for verdict, v in h["by_verdict"].items():
                out.append(f"    {verdict:20s} n={v['claims']:<4d} claim found {v['claim_found_rate']:.1%}  "
                           f"predicted problematic {v['predicted_problematic_rate']:.1%}  mean score {v['mean_score']:.1f}")
        f = ext.get("fda_letters")
        if f:
            out.append(f"  FDA letters: {f['quotes']} quoted claims in {f['letters']} letters; claim recall "
                       f"{_fmt(f['claim_recall'])}, problematic recall {_fmt(f['problematic_recall'])}")
    return "\n".join(out)


@app.command(name="eval")
def eval_command(
    corpus: Annotated[list[Path] | None, typer.Argument(help="Labelled corpus folders (corpus.jsonl + texts/); default: corpora/real, then the synthetic corpora/clinic-claims.")] = None,
    split: Annotated[list[str] | None, typer.Option("--split", help="Split(s) to measure: train, dev, test (repeatable or comma-separated; default test).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the figures as JSON here.")] = None,
    external: Annotated[Path | None, typer.Option("--external", help="The external data folder (default: ../shared/corpora/external when present).")] = None,
    no_external: Annotated[bool, typer.Option("--no-external", help="Skip the external data.")] = False,
    rules_only: Annotated[bool, typer.Option("--rules-only", help="Measure the rules alone, not the shipped models.")] = False,
    no_parse: Annotated[bool, typer.Option("--compare-no-parse", help="Also measure the rules reading claims by co-occurrence, without the parser.")] = False,
    no_verifier: Annotated[bool, typer.Option("--compare-no-verifier", help="Also measure the rules keeping every candidate claim, without the claim verifier.")] = False,
    check_targets: Annotated[bool, typer.Option("--check-targets", help="Exit 1 when a target is missed.")] = False,
) -> None:
    """Sentence-level precision/recall/F1 for claims and problematic sentences, per-rule
    precision, document ROC AUC, false-flag rate and confusion counts: for the rules alone and,
    when models ship, for rules + models."""
    from checker.evaluate.corpus import SPLITS
    from checker.evaluate.external import default_external_dir, evaluate_external
    from checker.evaluate.harness import default_configurations, evaluate_corpus

    splits = [s.strip() for item in (split or ["test"]) for s in item.split(",") if s.strip()]
    try:
        bad = [s for s in splits if s not in SPLITS]
        if bad:
            raise InputError(Errors.E624.format(split=bad[0], splits=", ".join(SPLITS)), key="--split")
        configs = default_configurations()
        if rules_only:
            configs = {"rules": configs["rules"]}
        if no_parse:
            from checker.analyze import Analyzer

            configs = {"rules-no-parse": lambda: Analyzer(use_models=False, use_syntax=False), **configs}
        if no_verifier:
            from checker.analyze import Analyzer

            configs = {"rules-no-verifier": lambda: Analyzer(use_models=False, use_verifier=False), **configs}
        corpora = corpus or [p for p in DEFAULT_CORPORA if (p / "corpus.jsonl").is_file()]
        if not corpora:
            raise InputError(Errors.E824, path=", ".join(map(str, DEFAULT_CORPORA)))
        results = [evaluate_corpus(c, splits=splits, configurations=configs) for c in corpora]
        ext_dir = None if no_external else (external or default_external_dir())
        if ext_dir is not None:
            if not ext_dir.is_dir():
                raise InputError(Errors.E825, path=str(ext_dir))
            from checker.analyze import Analyzer

            results[-1]["external"] = evaluate_external(ext_dir, Analyzer(use_models=not rules_only))
    except CheckerError as exc:
        typer.echo(f"checker: error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo("\n\n".join(render(r) for r in results))
    result = results[0] if len(results) == 1 else {"schema": "checker.eval/1", "corpora": results}
    if out is not None:
        try:
            out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        except OSError as exc:
            typer.echo(f"checker: error: {located(Errors.E804.format(reason=exc.strerror or exc), str(out))}", err=True)
            raise typer.Exit(2) from None
    first = list(results[0]["configurations"].values())[-1]  # targets are judged on the first (real) corpus
    if check_targets and any(t["met"] is False for t in first["targets"].values()):  # None: not measurable here
        raise typer.Exit(1)
