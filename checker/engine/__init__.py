"""The rule engine: run every rule's evaluator over a page and explain each hit as a Finding."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import replace

from checker.engine.kinds import EVALUATORS, Hit, PageContext
from checker.engine.loader import DocMatchers, Rule, RuleSet, load_ruleset
from checker.types import Explanation, Finding, Modifier, Scope

__all__ = ["evaluate", "PageContext", "RuleSet", "Rule", "DocMatchers", "load_ruleset", "rule_scope", "page_scope_rules"]

PAGE_SCOPE_KINDS = frozenset({"absence", "metric"})

log = logging.getLogger(__name__)


class _Fields(defaultdict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def rule_scope(rule: Rule) -> Scope:
    """Whether a rule judges the whole page (a disclosure it never makes, a density over the
    page, a condition over the whole document) or the words it matched."""
    within = getattr(rule.match, "within", None)
    return "page" if rule.kind in PAGE_SCOPE_KINDS or (rule.kind == "conditional" and within == "document") else "sentence"


def page_scope_rules(ruleset: RuleSet) -> frozenset[str]:
    return frozenset(rule.id for rule in ruleset.rules if rule_scope(rule) == "page")


def _finding(rule: Rule, hit: Hit) -> Finding:
    fields = _Fields(str, {"match": hit.match, **hit.fields})
    try:
        message = rule.message.format_map(fields)
    except (ValueError, IndexError):
        message = rule.message
    scope = rule_scope(rule)
    on_page = scope == "page"  # a page-level judgement points at no sentence
    return Finding(
        rule=rule.id,
        name=rule.name,
        pack=rule.pack,
        severity=hit.severity or rule.severity,
        confidence=rule.confidence,
        message=message,
        start=0 if on_page else hit.start,
        end=0 if on_page else hit.end,
        match=hit.match,  # kept: what a page-level rule counted (e.g. the stuffed keyword)
        explanation=Explanation(why=rule.why, modifiers=tuple(m.text for m in hit.modifiers), contribution=0.0,
                                source=rule.references[0], adjustments=hit.modifiers),
        references=rule.references,
        scope=scope,
    )


def evaluate(ctx: PageContext, ruleset: RuleSet) -> list[Finding]:
    """All findings, sorted by (start, rule id). A rule that crashes becomes one
    internal-error finding for that rule and page; the other rules still run."""
    findings: list[Finding] = []
    for rule in ruleset.rules:
        try:
            findings.extend(_finding(rule, hit) for hit in EVALUATORS[rule.kind](rule, ctx))
        except Exception as exc:  # a broken rule must not abort the page
            log.warning("rule %s failed on %s: %s", rule.id, ctx.page.source, exc)
            findings.append(Finding(
                rule=rule.id, name="internal-error", pack=rule.pack, severity="low", confidence=0.0,
                message=f"rule {rule.id} failed on this page: {type(exc).__name__}: {exc}",
                start=0, end=0, match="",
                explanation=Explanation(why="The rule raised an error; it was skipped for this page.",
                                        modifiers=(), contribution=0.0, source=rule.path),
            ))
    findings = [_mark_evasion(f, ctx) for f in findings] if ctx.ann.evasions else findings
    findings.sort(key=lambda f: (f.start, f.rule, f.end))
    return findings


def _mark_evasion(finding: Finding, ctx: PageContext) -> Finding:
    """A finding whose matched text was disguised says so, with what it was read as."""
    hits = [e for e in ctx.ann.evasions if e.start < finding.end and finding.start < e.end]
    if not hits or not finding.match:
        return finding
    modifier = Modifier("evasion", "; ".join(f"{e.kind} {e.original!r} -> {e.normalized!r}" for e in hits[:3]))
    explanation = replace(finding.explanation, modifiers=(*finding.explanation.modifiers, modifier.text),
                          adjustments=(*finding.explanation.adjustments, modifier))
    return replace(finding, evasion=True, explanation=explanation)
