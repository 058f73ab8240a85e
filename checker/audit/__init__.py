"""audit: many pages into tables (pages, findings, claims), a summary and an HTML report.

Streaming, parallel (local processes or Dask), every input accounted for, resumable. pandas is
imported only when the tables are built, never on the scan path.

    >>> from checker.audit import audit, read_tables        # doctest: +SKIP
    >>> result = audit(["pages/"], out="report/")            # doctest: +SKIP
    >>> read_tables("report/")["pages"].status.value_counts()  # doctest: +SKIP
"""

from checker.audit.run import AuditProgress, AuditResult, audit
from checker.audit.tables import read_tables
from checker.audit.walk import DEFAULT_INCLUDE

__all__ = ["audit", "AuditProgress", "AuditResult", "read_tables", "DEFAULT_INCLUDE"]
