"""Synthetic clinic pages for benchmarks and tests: deterministic (seeded), varied in length,
format and content, built from sentence templates filled with the project's own lexicon terms.
They are made up; they only exercise the pipeline at scale."""

from __future__ import annotations

import random
from pathlib import Path

CLAIMS = (
    "Our {i} can {v} {c} in just a few sessions.",
    "{I} {v}s {c} by repairing damaged {b}.",
    "Patients with {c} have seen their symptoms disappear after {i}.",
    "We believe {i} may help with {c}, although results vary.",
    "{I} does not cure {c}, but some patients report less pain.",
    "Thousands of people with {c} have turned to {i} to {v} their condition.",
    "After treatment with {i}, my {c} was gone. I feel twenty years younger!",
    "If you suffer from {c}, {i} could be the answer you have been waiting for.",
    "The {i} works by sending new cells to the {b}, where they {v} the tissue.",
    "Our doctors use {i} to {v} {c}, {c2} and {c3}.",
    "{I} is a breakthrough that can reverse {c} without surgery.",
    "Clinical experience shows that {i} helps relieve {c} in most of our patients.",
)
CAUTIONS = (
    "Like any procedure, {i} carries risks, including infection and side effects.",
    "{I} is experimental and is not approved by the FDA for {c}.",
    "Ask your own doctor whether a clinical trial for {c} is right for you.",
    "Standard treatments for {c} remain the first choice for most people.",
    "A full course costs between {p1} and {p2} dollars and is not covered by insurance.",
    "According to a study published in a peer-reviewed journal, results for {c} are still uncertain.",
)
NEUTRAL = (
    "{N} opened its doors in {y} and has welcomed patients from {n} countries.",
    "Dr. {d} leads a team of {n} specialists and nurses.",
    "Our clinic is located near the airport and offers free parking.",
    "Every visit begins with a review of your medical history and current medications.",
    "We are open from Monday to Saturday, and we speak English and Spanish.",
    "Many of our patients travel with a family member, and we help arrange hotels.",
    "The procedure takes about {n} minutes and most patients return home the same day.",
    "Our staff will answer your questions before, during and after your visit.",
    "{N} works with laboratories that follow strict handling procedures.",
)
CTAS = (
    "Call now to book your free consultation!",
    "Limited spots available this month: schedule your appointment today.",
    "Financing available. Ask about our seminar on {c}.",
)
HEADINGS = ("About us", "How it works", "Conditions we treat", "What our patients say", "Safety", "Pricing",
            "Frequently asked questions", "Why choose {N}?", "Our approach to {c}")
VERBS = ("cure", "reverse", "repair", "regenerate", "heal", "restore", "treat", "relieve")
SYLLABLES = ("ba", "den", "ri", "lo", "ka", "mer", "vi", "sa", "tor", "el", "na", "quin", "zo", "per", "lu")


def _terms(label: str) -> list[str]:
    from checker.lexicon import load_lexicon

    terms = {t for e in load_lexicon().labelled(label) for t in e.terms if t.isascii() and len(t) > 3 and not t.isupper()}
    return [t for t in terms if not (t.endswith("s") and (t[:-1] in terms or t[:-2] in terms))]  # no made-up plurals


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def page_sentences(rng: random.Random, lex: dict[str, list[str]]) -> tuple[str, list[list[str]]]:
    """A title and sections (heading first) of sentences for one page."""
    clinic = f"{_name(rng)} {rng.choice(('Stem Cell Institute', 'Regenerative Clinic', 'Wellness Center', 'Cell Therapy'))}"
    conds = rng.sample(lex["CONDITION"], 3)

    def fill(template: str) -> str:
        i = rng.choice(lex["INTERVENTION"])
        return template.format(
            i=i, I=i[0].upper() + i[1:], v=rng.choice(VERBS), c=conds[0] if rng.random() < 0.6 else rng.choice(lex["CONDITION"]),
            c2=conds[1], c3=conds[2], b=rng.choice(lex["BODY_PART"]), N=clinic, d=f"{_name(rng)} {_name(rng)}",
            y=rng.randint(1995, 2023), n=rng.randint(2, 60), p1=rng.randint(3, 9) * 1000, p2=rng.randint(10, 30) * 1000,
        )

    sections = []
    for _ in range(rng.choice((1, 2, 3, 3, 4, 5, 6, 8))):
        sentences = [fill(rng.choice(HEADINGS))]
        for _ in range(rng.randint(3, 12)):
            r = rng.random()
            pool = CLAIMS if r < 0.22 else CAUTIONS if r < 0.34 else CTAS if r < 0.38 else NEUTRAL
            sentences.append(fill(rng.choice(pool)))
        sections.append(sentences)
    return f"{clinic}: treatment for {conds[0]}", sections


def render(title: str, sections: list[list[str]], fmt: str, rng: random.Random) -> str:
    if fmt == "md":
        parts = [f"# {title}\n"]
        for heading, *body in sections:
            parts.append(f"\n## {heading}\n")
            if rng.random() < 0.3:
                parts.extend(f"- {s}\n" for s in body)
            else:
                parts.append("\n" + " ".join(body) + "\n")
        return "".join(parts)
    if fmt == "html":
        parts = [f"<!DOCTYPE html>\n<html><head><title>{title}</title><style>p{{margin:0}}</style></head><body>\n",
                 '<nav><a href="/">Home</a> <a href="/book">Book now</a></nav>\n<main>\n', f"<h1>{title}</h1>\n"]
        for heading, *body in sections:
            parts.append(f"<h2>{heading}</h2>\n")
            if rng.random() < 0.3:
                parts.append("<ul>" + "".join(f"<li>{s}</li>" for s in body) + "</ul>\n")
            else:
                parts.append("<p>" + " ".join(body) + "</p>\n")
        parts.append('</main>\n<footer><p>Call now: 555-0100</p><script>var x = 1;</script></footer></body></html>\n')
        return "".join(parts)
    return title + "\n\n" + "\n\n".join(heading + "\n" + " ".join(body) for heading, *body in sections) + "\n"


def write_pages(folder: str | Path, count: int, *, seed: int = 0, per_folder: int = 500) -> list[Path]:
    """Write `count` pages under `folder` (in sub-folders of `per_folder`); return their paths."""
    rng = random.Random(seed)
    lex = {label: sorted(set(_terms(label))) for label in ("INTERVENTION", "CONDITION", "BODY_PART")}
    root = Path(folder)
    paths = []
    for n in range(count):
        fmt = rng.choice(("html", "html", "md", "txt"))
        title, sections = page_sentences(rng, lex)
        sub = root / f"site-{n // per_folder:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"page-{n:06d}.{fmt}"
        path.write_text(render(title, sections, fmt, rng), encoding="utf-8")
        paths.append(path)
    return paths
