"""The audit's tables (pages, findings, claims): fixed column schemas, and writers that append
chunk by chunk to CSV and Parquet so no table is ever held whole in memory.

pandas and pyarrow are imported here, inside functions: never on the scan path.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# (column, type) with type one of str | int | float | bool. Pack columns are added per audit.
PAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("path", "str"), ("status", "str"), ("reason", "str"), ("format", "str"), ("encoding", "str"),
    ("bytes", "int"), ("words", "int"), ("score", "int"), ("band", "str"), ("findings", "int"),
    ("suppressed", "int"), ("high", "int"), ("medium", "int"), ("low", "int"), ("claims", "int"),
    ("cautions", "int"), ("caution_categories", "str"),
)
PAGE_TAIL: tuple[tuple[str, str], ...] = (("title", "str"), ("notes", "str"))
FINDING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("path", "str"), ("rule", "str"), ("name", "str"), ("pack", "str"), ("severity", "str"),
    ("confidence", "float"), ("message", "str"), ("start", "int"), ("end", "int"), ("line", "int"),
    ("column", "int"), ("match", "str"), ("contribution", "float"), ("why", "str"), ("modifiers", "str"),
    ("source", "str"), ("suppressed", "bool"), ("scope", "str"),
)
# each rule's text once (findings carry `why` and `source` only where they differ from their rule's)
RULE_COLUMNS: tuple[tuple[str, str], ...] = (("rule", "str"), ("name", "str"), ("pack", "str"), ("why", "str"), ("source", "str"))
CLAIM_COLUMNS: tuple[tuple[str, str], ...] = (
    ("path", "str"), ("start", "int"), ("end", "int"), ("line", "int"), ("column", "int"),
    ("intervention", "str"), ("intervention_source", "str"), ("effect", "str"), ("effect_class", "str"),
    ("condition", "str"), ("condition_key", "str"), ("condition_status", "str"), ("condition_source", "str"),
    ("body_part", "str"), ("modality", "str"), ("qualifiers", "str"), ("systems", "str"), ("text", "str"),
    ("confidence", "float"),
)


def pack_column(pack: str) -> str:
    return "pack_" + pack.replace(" ", "_").replace("-", "_")


def page_columns(packs: Sequence[str]) -> tuple[tuple[str, str], ...]:
    return PAGE_COLUMNS + tuple((pack_column(p), "int") for p in packs) + PAGE_TAIL


def page_row(record: dict[str, Any], packs: Sequence[str]) -> dict[str, Any]:
    page = dict(record["page"])
    per_pack = page.pop("packs", None)
    if page.get("status") == "ok":
        for pack in packs:
            page[pack_column(pack)] = (per_pack or {}).get(pack, 0)
    return page


def finding_rows(record: dict[str, Any], rules: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """A page's findings. A rule's explanation and source live once, in the rules table (from the
    journal header's `rules`); a finding carries its own only where they differ (e.g. an internal
    error), and a rule met only in findings (e.g. a model's) is added to `rules` from its first."""
    rows = []
    for f in record.get("findings", ()):
        if f["rule"] not in rules:
            rules[f["rule"]] = {"name": f["name"], "pack": f["pack"], "why": f.get("why", ""), "source": f.get("source", "")}
        shared = rules[f["rule"]]
        own = {k: f[k] if k in f and f[k] != shared.get(k, "") else "" for k in ("why", "source")}
        rows.append({"path": record["path"], **f, "modifiers": " | ".join(f["modifiers"]), **own})
    return rows


def rule_rows(rules: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    return [{"rule": rule, **{k: text.get(k, "") for k in ("name", "pack", "why", "source")}} for rule, text in sorted(rules.items())]


def claim_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"path": record["path"], **c, "qualifiers": " ".join(c["qualifiers"]), "systems": " ".join(c["systems"])}
            for c in record.get("claims", ())]


def _arrow_schema(columns: Sequence[tuple[str, str]]):  # type: ignore[no-untyped-def]
    import pyarrow as pa

    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    return pa.schema([(name, types[kind]) for name, kind in columns])


class TableWriter:
    """Appends rows to OUTDIR/<name>.csv and <name>.parquet through temporary files; `commit`
    moves both into place atomically (os.replace), `discard` removes them. Both files are written
    by Arrow's C++ writers from the same Arrow table (CSV: RFC 4180, quoted where needed, empty
    for a missing value, true/false for booleans)."""

    def __init__(self, out: Path, name: str, columns: Sequence[tuple[str, str]]) -> None:
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        self.columns = tuple(columns)
        self.schema = _arrow_schema(self.columns)
        self.final = {"csv": out / f"{name}.csv", "parquet": out / f"{name}.parquet"}
        self.tmp = {k: p.with_name(f".{p.name}.tmp") for k, p in self.final.items()}
        self._csv = pacsv.CSVWriter(str(self.tmp["csv"]), self.schema,
                                    write_options=pacsv.WriteOptions(quoting_style="needed"))
        self._parquet = pq.ParquetWriter(self.tmp["parquet"], self.schema)
        self.rows = 0

    def write(self, rows: list[dict[str, Any]]) -> None:
        import pyarrow as pa

        if not rows:
            return
        table = pa.Table.from_pydict({name: [r.get(name) for r in rows] for name, _ in self.columns}, schema=self.schema)
        self._parquet.write_table(table)
        self._csv.write_table(table)
        self.rows += len(rows)

    def commit(self) -> None:
        self._csv.close()
        self._parquet.close()
        for kind, tmp in self.tmp.items():
            os.replace(tmp, self.final[kind])

    def discard(self) -> None:
        self._csv.close()
        try:
            self._parquet.close()
        except Exception:  # noqa: BLE001
            pass
        for tmp in self.tmp.values():
            tmp.unlink(missing_ok=True)


def read_tables(out: str | os.PathLike[str]) -> dict[str, Any]:
    """The audit's tables as pandas DataFrames: {"pages": …, "findings": …, "claims": …, "rules": …}."""
    import pandas as pd

    folder = Path(out)
    return {name: pd.read_parquet(folder / f"{name}.parquet") for name in ("pages", "findings", "claims", "rules")}
