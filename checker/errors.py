"""One error hierarchy and one table of error messages. Every CheckerError maps to exit code 2 in
the CLI, printed as one line; every message comes from `Errors`, so it carries a stable code
(`[E301] no such file`) that users and tests can grep (spaCy's ErrorsWithCodes idea)."""

from __future__ import annotations

import re
from typing import Any

_CODE = re.compile(r"E\d{3}")
_CODED_MESSAGE = re.compile(r"\[(E\d{3})\] ")


class _WithCodes(type):
    """Reading `Errors.E301` gives its template with the code in front: "[E301] no such file"."""

    def __getattribute__(cls, name: str) -> Any:
        value = super().__getattribute__(name)
        return f"[{name}] {value}" if _CODE.fullmatch(name) else value


class Errors(metaclass=_WithCodes):
    """Every user-facing error message, by code; fill the fields with `.format(...)`. A code is never
    reused for another message. E1xx installation and models, E2xx optional extras, E3xx input
    files, E4xx fetching URLs, E5xx rule packs, lexicons and rule cases, E6xx configuration and
    options, E7xx baselines, E8xx outputs, git, corpora and training."""

    # installation and shipped models
    E101 = "the trained parser is missing from this installation ({where})"
    E110 = "not valid JSON (line {line}: {reason})"
    E111 = "cannot read the model file: {reason}"
    E112 = "not a document model (expected format {expected!r})"
    E113 = "must be a list of rule ids"
    E114 = "must be a whole number, 0 or more"
    E115 = "not a sentence model (expected format {expected!r})"
    E116 = "missing"
    E117 = "groups must be a list from {groups}"
    E118 = "must be a number"
    E119 = "format is {found!r}, expected {expected!r}"
    E120 = "malformed linear model ({kind}: {reason})"
    E121 = "not a claim verifier (expected schema {expected!r}, found {found!r})"
    E122 = "malformed claim verifier ({reason})"
    # optional dependency groups
    E201 = "`checker {command}` needs {modules}: pip install 'checker[{extra}]'"
    E202 = "--engine dask needs dask.distributed: pip install 'dask[distributed]'"
    # input files
    E301 = "no such file"
    E302 = "is a directory (scan takes files; use `checker audit` for folders)"
    E303 = "file is {size:,} bytes, over the {limit:,}-byte limit"
    E304 = "permission denied"
    E305 = "cannot read: {reason}"
    E306 = "input is over the {limit:,}-byte limit"
    E307 = "unknown format {format!r} (expected text, html or markdown)"
    E308 = "binary file, not text (HTML, Markdown or plain text expected)"
    E309 = "no such file or folder"
    E310 = "not a regular file: {kind}"
    E311 = "no such file (removed after the folder was listed)"
    # fetching a URL
    E401 = "redirect without a location (HTTP {status})"
    E402 = "{reason}{where}"  # an address the fetch may not connect to (private, loopback…)
    E403 = "not fetched within the {deadline:g}-second deadline"
    E404 = "no answer within {timeout:g} s"
    E405 = "invalid URL{where}: {reason}"
    E406 = "could not fetch: {kind}: {reason}"
    E407 = "more than {limit} redirects"
    E408 = "HTTP {status} {reason}"
    E409 = "content type {content_type!r} is not a web page or text"
    E410 = "page is {size:,} bytes, over the {limit:,}-byte limit"
    E411 = "invalid URL (redirected to {location}): {reason}"
    E412 = "only http and https URLs are fetched, not {scheme}:{where}"
    E413 = "URL has no host"
    E414 = "stacked content encodings ({header}) are refused"
    E415 = "content encoding {coding!r} is not supported (only gzip and deflate)"
    E416 = "bad {coding} content: {reason}"
    E417 = "{decoded}page is over the {limit:,}-byte limit"
    E418 = "{coding} content expands more than {ratio}:1 ({consumed:,} bytes gave {size:,}): refused as a decompression bomb"
    # rule packs, lexicons and rule cases
    E501 = "bad regex {pattern}: {reason}"
    E502 = "a rule file must be a mapping"
    E503 = "id must start with the pack prefix {prefix!r}"
    E504 = "{reason}"  # a value that does not validate: pydantic's own words, after the file and key
    E505 = "unknown key"
    E506 = "uses {attrs}, which spacy.blank('en') never sets"
    E507 = "needs and_present or and_absent"
    E508 = "bad token pattern: {reason}"
    E509 = "not a rule pack (no pack.yml)"
    E510 = "is a symbolic link leading out of {folder} (to {target}); a pack's files must stay inside its folder"
    E511 = "pack name {name!r} is used twice"
    E512 = "rule id {rule} already used in {path}"
    E513 = "unknown rule or pack {name!r}"
    E520 = "a case file must be a mapping with `rule:` and named cases"
    E521 = "missing or empty (the id of the rule these cases test)"
    E522 = "case names are letters, digits, '_' and '-'"
    E523 = "a case must be a mapping with `text` and `fire`"
    E524 = "no cases"
    E525 = "no such cases directory"
    E526 = "no rule {rule!r} in pack {pack!r}"
    E530 = "YAML nested too deeply (over {limit} levels)"
    E531 = "YAML nested too deeply ({depth} levels, over {limit})"
    E532 = "invalid YAML: {reason}"
    E533 = "cannot read: {reason}"
    E534 = "YAML structure too large: {nodes:,} values once its aliases (*name) are expanded, over the limit of {limit:,}"
    E535 = "qualifiers.yml is missing"
    E536 = "duplicate key {key!r}"
    E537 = "status must be one of {statuses}"
    E538 = "YAML: {reason}"
    E539 = "kind must be one of {kinds}"
    # configuration and command-line options
    E601 = "no [tool.checker] table"
    E602 = "must be a table"
    E603 = "{entry!r} is not a rule pack folder (no pack.yml in {folder})"
    E604 = "{reason}"  # a config value that does not validate: pydantic's own words, after the file and key
    E605 = "unknown key{hint}"
    E606 = "no such config file"
    E607 = "invalid TOML: {reason}"
    E608 = "cannot read: {reason}"
    E610 = "expected RULE=high|medium|low, got {item!r}"
    E611 = "cannot be combined with --changed-since (the baseline would forget every unchanged file)"
    E612 = "cannot be combined with --isolated"
    E613 = "html writes one page's report: scan one input at a time"
    E614 = "unknown engine {engine!r} (expected local or dask)"
    E615 = "--scheduler needs --engine dask"
    E616 = "--jobs, the batch size and --max-bytes must be at least 1, --report-pages and --page-timeout at least 0"
    E617 = "at least one --include pattern is needed"
    E618 = "no folder to audit"
    E619 = "{folder} holds an audit made with other options ({changed}); resume with the same options, or drop --resume to start over"
    E620 = "another audit (PID {pid}) is writing to this folder; wait for it to end or choose another --out"
    E621 = ("worker processes could not start (when calling checker.audit.audit() from a script, "
            "put the call under `if __name__ == \"__main__\":`)")
    E622 = "cannot reach the Dask scheduler at {scheduler}: {reason}"
    E623 = "no rule {rule!r} (see `checker rules`)"
    E624 = "unknown split {split!r} (expected {splits})"
    # baselines
    E701 = "cannot write the baseline: {reason}"
    E702 = "no such baseline file (create one with --write-baseline)"
    E703 = "cannot read the baseline: {reason}"
    E704 = "not a checker baseline (invalid JSON: {reason})"
    E705 = "not a checker baseline (no entries)"
    E706 = "unsupported baseline version {found!r} (expected {expected})"
    E707 = "needs a fingerprint and a positive count"
    # outputs, git, corpora and training
    E801 = "cannot write the report: {reason}"
    E802 = "cannot write the audit output: {reason}"
    E803 = "not a checker audit journal"
    E804 = "cannot write the evaluation: {reason}"
    E810 = "git is not installed or not on PATH"
    E811 = "{folder} is not inside a git repository"
    E812 = "unknown git revision {rev!r}"
    E813 = "git {command} failed: {reason}"
    E820 = "no {file} here (a corpus directory holds {file} and texts/)"
    E821 = "line {line}: not JSON ({reason})"
    E822 = "line {line}: {reason}"
    E823 = "line {line}: duplicate id {id!r}"
    E824 = "no corpus given and none of the default corpora is here"
    E825 = "no such folder"
    E826 = "training needs documents in both the train and the dev split, in two folds or more"


def error_table() -> dict[str, str]:
    """code -> message template, in code order (for the docs and the tests)."""
    return {name: value for name, value in type.__getattribute__(Errors, "__dict__").items() if _CODE.fullmatch(name)}


def clip(text: str, limit: int = 200) -> str:
    """`text`, cut to about `limit` characters for an error line (a rule's regex can be megabytes)."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


class CheckerError(Exception):
    """Base class: a problem with the user's input, rules or configuration (exit code 2)."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None) -> None:
        self.path = path
        self.key = key
        self.detail = message  # "[E301] no such file": the message with its code, without the place
        coded = _CODED_MESSAGE.match(message)
        self.code = coded[1] if coded else None
        super().__init__(located(message, path, key))


def located(message: str, path: str | None = None, key: str | None = None) -> str:
    """One error line: the code first, then the place, then the words ("[E301] a.txt: no such file")."""
    coded = _CODED_MESSAGE.match(message)
    where = ": ".join(part for part in (path, key) if part)
    text = message[coded.end():] if coded else message
    line = f"{where}: {text}" if where else text
    return f"{coded[0]}{line}" if coded else line


class InputError(CheckerError):
    """A file or text the checker cannot read: missing, a directory, binary, too large."""


class RuleFileError(CheckerError):
    """A rule pack or lexicon that does not validate; names the file and the key."""


class ConfigError(CheckerError):
    """A configuration file or option that does not validate."""


class ModelError(CheckerError):
    """A shipped model file that is missing or malformed."""


class MissingExtraError(CheckerError):
    """A command needs an optional dependency group that is not installed."""


# Optional dependency groups (pyproject's extras): what each imports. Scanning needs none of them.
EXTRAS: dict[str, tuple[str, ...]] = {
    "audit": ("pandas", "pyarrow"),
    "train": ("sklearn", "scipy"),
    "dask": ("dask", "distributed"),
}


def require_extra(extra: str, *, command: str) -> None:
    """Raise a one-line error naming the extra to install when its modules are missing."""
    from importlib.util import find_spec

    missing = [m for m in EXTRAS[extra] if find_spec(m) is None]
    if missing:
        raise MissingExtraError(Errors.E201.format(command=command, modules=", ".join(missing), extra=extra))
