"""JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure, CircleCI).

One <testsuite> (inside <testsuites>), one <testcase> per checked page. A page that fails the
gate gets one <failure> per blocking finding (and one for a score under min-score or, under
--fail-on low, an unused suppression); the page's other findings go to <system-out>. A file that
could not be read is a testcase with an <error>; a named file that the config excludes, one with
<skipped>."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TextIO

from checker.report.model import MIN_SCORE_NAME, MIN_SCORE_RULE, UNUSED_NAME, UNUSED_RULE, CiResult, ReportOptions
from checker.report.text import one_line

# Characters XML 1.0 cannot carry at all, even escaped (control characters other than tab, LF, CR).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def to_xml(result: CiResult) -> ET.Element:
    failures = sum(p.failed for p in result.pages)
    tests = len(result.pages) + len(result.errors) + len(result.skipped)
    counts = {"tests": str(tests), "failures": str(failures), "errors": str(len(result.errors)),
              "skipped": str(len(result.skipped))}
    root = ET.Element("testsuites", {"name": "checker", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "checker ci", **counts})
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", {"name": "fail-on", "value": result.fail_on})
    if result.min_score is not None:
        ET.SubElement(props, "property", {"name": "min-score", "value": str(result.min_score)})
    for page in result.pages:
        case = ET.SubElement(suite, "testcase", {"classname": "checker", "name": page.path, "file": page.path})
        for c in page.blocking:
            f = c.finding
            failure = ET.SubElement(case, "failure", {"message": f"{f.rule} {f.name}: {one_line(f.message)}", "type": f.severity})
            failure.text = f"{page.path}:{c.line}:{c.column}: {f.severity} {f.rule} {one_line(f.message)}\nmatch: {f.match}\nwhy: {f.explanation.why}"
        if page.under_min_score:
            failure = ET.SubElement(case, "failure", {"message": f"{MIN_SCORE_RULE} {MIN_SCORE_NAME}: {page.score_message}", "type": "min-score"})
            failure.text = f"{page.path}: {page.score_message}"
        if page.unused_block:
            for u in page.unused:
                failure = ET.SubElement(case, "failure", {"message": f"{UNUSED_RULE} {UNUSED_NAME}: {u.message}", "type": "low"})
                failure.text = f"{page.path}:{u.line}:{u.column}: {u.message}"
        other = [c for c in page.findings if not c.blocking]
        lines = [f"score {page.report.score}/100 ({page.report.band})"]
        lines += [f"{page.path}:{c.line}:{c.column}: {c.finding.severity} {c.finding.rule} {one_line(c.finding.message)} ({c.status})"
                  for c in other]
        if not page.unused_block:
            lines += [f"{page.path}:{u.line}:{u.column}: low {UNUSED_RULE} {u.message}" for u in page.unused]
        ET.SubElement(case, "system-out").text = "\n".join(lines)
    for err in result.errors:
        case = ET.SubElement(suite, "testcase", {"classname": "checker", "name": err.path, "file": err.path})
        ET.SubElement(case, "error", {"message": err.message, "type": "input-error"}).text = f"{err.path}: {err.message}"
    for skip in result.skipped:
        case = ET.SubElement(suite, "testcase", {"classname": "checker", "name": skip.display, "file": skip.display})
        ET.SubElement(case, "skipped", {"message": skip.reason})
    return root


def _clean(root: ET.Element) -> None:
    for el in root.iter():
        if el.text:
            el.text = _NOT_XML.sub("\ufffd", el.text)
        for key, value in el.attrib.items():
            el.attrib[key] = _NOT_XML.sub("\ufffd", value)


def render(result: CiResult, stream: TextIO, *, options: ReportOptions) -> None:
    root = to_xml(result)
    _clean(root)
    ET.indent(root)
    stream.write(ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n")
