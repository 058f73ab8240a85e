"""Where a page's time goes, stage by stage, against a bare spaCy pass (not a test).

    python bench/bench_stages.py [--pages 1000] [--seed 0] [--repeat 3]

Pages are the audit benchmark's synthetic pages (checker.audit.synth, same seed, same mix of
HTML, Markdown and text). Each stage of `Analyzer.check_page` is timed on its own, in the order
the analyzer runs them, best of --repeat passes; the bare pass is `spacy.blank("en")` +
sentencizer over the extracted page texts (extraction not timed), as in bench_audit.py. It prints
milliseconds a page for each stage, its multiple of the bare pass, and the best ratio to the bare
pass the pipeline could reach if every stage after the spaCy components cost nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

WORD = re.compile(r"\w+(?:[’'-]\w+)*")
FORMATS = {"txt": "text", "md": "markdown", "html": "html"}


def synthetic(n: int, seed: int) -> list[tuple[str, str]]:
    from checker.audit.synth import _terms, page_sentences, render

    rng = random.Random(seed)
    lex = {label: sorted(set(_terms(label))) for label in ("INTERVENTION", "CONDITION", "BODY_PART")}
    out = []
    for _ in range(n):
        fmt = rng.choice(("html", "html", "md", "txt"))
        title, sections = page_sentences(rng, lex)
        out.append((render(title, sections, fmt, rng), FORMATS[fmt]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=HERE / "out" / "bench_stages.json")
    args = ap.parse_args()

    import spacy

    from checker.analyze import Analyzer
    from checker.claims import extract_cautions, extract_claims, sentence_views
    from checker.engine import PageContext, evaluate
    from checker.ingest import page_from_text
    from checker.ingest.normalize import normalize
    from checker.model.apply import apply_models
    from checker.nlp.pipeline import _make_doc, analysis_text, annotate, chunks

    sources = synthetic(args.pages, args.seed)
    analyzer = Analyzer()
    pages = [page_from_text(text, format=fmt) for text, fmt in sources]
    texts = [p.text for p in pages]
    words = sum(len(WORD.findall(t)) for t in texts)
    anns = [annotate(p, analyzer.nlp, [analyzer.matchers], key_terms=analyzer.key_terms) for p in pages]
    claims = [extract_claims(p, a, analyzer.lexicon) for p, a in zip(pages, anns)]
    cautions = [extract_cautions(p, a) for p, a in zip(pages, anns)]
    ctxs = [PageContext(p, a, sentence_views(a), c, k, analyzer.lexicon, len(WORD.findall(p.text)))
            for p, a, c, k in zip(pages, anns, claims, cautions)]
    found = [evaluate(ctx, analyzer.ruleset) for ctx in ctxs]
    docs = [[_make_doc(analyzer.nlp, analysis_text(p, s, e)) for s, e in chunks(p)] for p in pages]

    def components() -> None:
        for page_docs in docs:
            for doc in page_docs:
                doc.user_data = {"checker_text": doc.user_data["checker_text"]}
                for _, proc in analyzer.nlp.pipeline:
                    doc = proc(doc)

    bare = spacy.blank("en")
    bare.add_pipe("sentencizer")
    stages: dict[str, Callable[[], object]] = {
        "bare spaCy: blank('en') + sentencizer": lambda: list(bare.pipe(texts, batch_size=32)),
        "ingest (HTML/Markdown/text to a Page)": lambda: [page_from_text(t, format=f) for t, f in sources],
        "evasion normalization": lambda: [normalize(t, analyzer.key_terms) for t in texts],
        "spaCy tokenizer": lambda: [[_make_doc(analyzer.nlp, analysis_text(p, s, e)) for s, e in chunks(p)] for p in pages],
        "spaCy components (sentences, entities, negex, qualifiers)": components,
        "annotate (normalization + tokenizer + components + rule matchers)":
            lambda: [annotate(p, analyzer.nlp, [analyzer.matchers], key_terms=analyzer.key_terms) for p in pages],
        "claims and cautions": lambda: [(extract_claims(p, a, analyzer.lexicon), extract_cautions(p, a)) for p, a in zip(pages, anns)],
        "rules (41, all kinds)": lambda: [evaluate(ctx, analyzer.ruleset) for ctx in ctxs],
        "learned models (sentence + document)": lambda: [
            apply_models(analyzer.models, ctx, f, page_rules=analyzer.page_rules, rule_weights=analyzer.rule_weights,
                         disabled=analyzer.ruleset.disabled) for ctx, f in zip(ctxs, found)],
        "whole check_page (ingest excluded)": lambda: [analyzer.check_page(p) for p in pages],
    }
    best: dict[str, float] = {}
    for name, run in stages.items():
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            run()
            times.append(time.perf_counter() - t0)
        best[name] = min(times)
    n = len(pages)
    base = best["bare spaCy: blank('en') + sentencizer"]
    print(f"{n} synthetic pages, {words:,} words; ms a page (best of {args.repeat}) and multiple of the bare pass")
    for name, seconds in best.items():
        print(f"  {seconds * 1000 / n:7.3f} ms  {seconds / base:6.2f}x  {name}")
    spacy_only = best["spaCy tokenizer"] + best["spaCy components (sentences, entities, negex, qualifiers)"]
    whole = best["whole check_page (ingest excluded)"] + best["ingest (HTML/Markdown/text to a Page)"]
    result = {
        "pages": n, "words": words, "ms_per_page": {k: round(v * 1000 / n, 4) for k, v in best.items()},
        "ratio_whole_to_bare": round(base / whole, 3),
        "ratio_spacy_components_only_to_bare": round(base / spacy_only, 3),
    }
    print(f"ratio to bare, whole pipeline with ingest: {result['ratio_whole_to_bare']:.3f}x; "
          f"tokenizer + our spaCy components alone, everything else free: {result['ratio_spacy_components_only_to_bare']:.3f}x")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
