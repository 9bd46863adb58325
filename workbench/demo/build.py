"""The demo county: a realistic, reproducible database built from a fixed seed.

``build_demo(url, seed=..., anchor=date)`` fills an (upgraded) database with
the county's departments (rules/departments.yaml), officers, judicial offices,
about 5,000 case files over three years and about 2,000 event reports, shaped
by ``data/demo/county.yaml`` and ``data/demo/names.yaml``.

The data is advised by the one engine: each case file's level, fine range,
procedure, hearing right and legal review come from ``decide()``, and each
report's severity, departments and deadline from ``classify()``. About one
file in six carries a planted defect (``DEFECT_KINDS``); every file is checked
against the engine after it is made, so a planted file has exactly the defect
recorded in ``planted_defects`` and a clean file has none the engine can see.

Same seed, same anchor date, same rules → the same rows. Nothing reads the
wall clock except the default anchor (today); tests pass a fixed anchor.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from sqlalchemy import delete, func, insert, select

from workbench.config import settings
from workbench.demo.generator import Generator
from workbench.engine import get_engine as get_decision_engine
from workbench.errors import WorkbenchError
from workbench.store import models as m
from workbench.store.db import get_engine

__all__ = ["build_demo", "demo_present", "load_departments", "DemoSummary", "DEFAULT_SEED", "demo_data_dir"]

DEFAULT_SEED = 3112  # 双牌 (431123) — any fixed number will do


def demo_data_dir() -> Path:
    return settings().data() / "demo"


@dataclass
class DemoSummary:
    seed: int
    anchor: dt.date
    rules_version: str
    departments: int = 0
    officers: int = 0
    judicial_offices: int = 0
    cases: int = 0
    open_cases: int = 0
    reports: int = 0
    open_reports: int = 0
    overdue_reports: int = 0
    report_events: int = 0
    defects: dict[str, int] = field(default_factory=dict)
    regenerated: int = 0  # clean cases the engine found a problem in, drawn again
    engine_calls: int = 0
    seconds: float = 0.0

    def lines(self) -> list[str]:
        planted = sum(self.defects.values())
        return [
            f"demo county · seed {self.seed} · anchor {self.anchor} · rules version {self.rules_version}",
            f"  {self.departments} departments, {self.officers} officers, {self.judicial_offices} judicial offices",
            f"  {self.cases} case files ({self.open_cases} still open), {planted} with a planted defect: "
            + ", ".join(f"{k} {v}" for k, v in sorted(self.defects.items())),
            f"  {self.reports} reports ({self.open_reports} open, {self.overdue_reports} overdue), "
            f"{self.report_events} status events",
            f"  {self.engine_calls} engine decisions ({self.regenerated} clean files drawn again), "
            f"{self.seconds:.1f} s",
        ]


def build_demo(
    url: str | None = None,
    *,
    seed: int = DEFAULT_SEED,
    anchor: dt.date | None = None,
    cases: int | None = None,
    reports: int | None = None,
    officers: int | None = None,
    rules_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    replace: bool = False,
) -> DemoSummary:
    """Fill the database at ``url`` (already at the head revision) with the demo county.

    Refuses when the database already holds case files or reports, unless
    ``replace`` (then every row of every table is deleted first, in the same
    transaction as the new rows).
    """
    started = time.perf_counter()
    anchor = anchor or dt.date.today()
    engine = get_decision_engine(rules_dir) if rules_dir else get_decision_engine()
    county = _load_yaml(Path(data_dir or demo_data_dir()) / "county.yaml")
    names = _load_yaml(Path(data_dir or demo_data_dir()) / "names.yaml")
    sizes = county["sizes"]
    gen = Generator(engine, county, names, seed, anchor)
    summary = DemoSummary(seed=seed, anchor=anchor, rules_version=engine.rulebook.version)

    departments = gen.departments()
    officer_rows = gen.officers(officers if officers is not None else int(sizes["officers"]))
    offices = gen.judicial_offices()
    case_rows = gen.case_files(cases if cases is not None else int(sizes["cases"]))
    report_rows, event_rows = gen.reports(reports if reports is not None else int(sizes["reports"]))

    db = get_engine(url)
    with db.begin() as conn:
        existing = (
            conn.execute(select(func.count()).select_from(m.CaseFile.__table__)).scalar()
            + conn.execute(select(func.count()).select_from(m.Report.__table__)).scalar()
        )
        if existing and not replace:
            raise WorkbenchError(
                f"{db.url.render_as_string(hide_password=True)} already holds {existing} case files and reports; "
                "the demo county is built only into an empty database. "
                "Use --rebuild to delete everything and build it again."
            )
        if replace:
            for table in reversed(m.metadata.sorted_tables):
                if table.name != "alembic_version":
                    conn.execute(delete(table))
        present = {r[0] for r in conn.execute(select(m.Department.__table__.c.code))}
        missing = [d for d in departments if d["code"] not in present]
        if missing:
            conn.execute(insert(m.Department.__table__), missing)
        conn.execute(insert(m.Officer.__table__), officer_rows)
        conn.execute(insert(m.JudicialOffice.__table__), offices)
        for chunk in _chunks(case_rows, 2000):
            conn.execute(insert(m.CaseFile.__table__), chunk)
        for chunk in _chunks(report_rows, 2000):
            conn.execute(insert(m.Report.__table__), chunk)
        ids = dict(conn.execute(select(m.Report.__table__.c.number, m.Report.__table__.c.id)).all())
        for event in event_rows:
            event["report_id"] = ids[event.pop("report_number")]
        for chunk in _chunks(event_rows, 5000):
            conn.execute(insert(m.ReportEvent.__table__), chunk)
        meta = {
            "demo_seed": str(seed),
            "demo_anchor": anchor.isoformat(),
            "demo_rules_version": engine.rulebook.version,
            "demo_sizes": json.dumps(
                {"officers": len(officer_rows), "cases": len(case_rows), "reports": len(report_rows)}
            ),
        }
        conn.execute(delete(m.StoreMeta.__table__).where(m.StoreMeta.__table__.c.key.in_(list(meta))))
        conn.execute(insert(m.StoreMeta.__table__), [{"key": k, "value": v} for k, v in meta.items()])

    now = gen.now
    summary.departments, summary.officers, summary.judicial_offices = len(departments), len(officer_rows), len(offices)
    summary.cases = len(case_rows)
    summary.open_cases = sum(1 for r in case_rows if r["status"] == "open")
    summary.reports, summary.report_events = len(report_rows), len(event_rows)
    open_reports = [r for r in report_rows if r["status"] in m.OPEN_REPORT_STATUSES]
    summary.open_reports = len(open_reports)
    summary.overdue_reports = sum(1 for r in open_reports if r["due_at"] and r["due_at"] < now)
    for row in case_rows:
        for kind in row["planted_defects"]:
            summary.defects[kind] = summary.defects.get(kind, 0) + 1
    summary.regenerated = gen.regenerated
    summary.engine_calls = gen.engine_calls
    summary.seconds = time.perf_counter() - started
    return summary


def load_departments(url: str | None = None, rules_dir: str | Path | None = None) -> int:
    """Insert the departments of rules/departments.yaml that the database lacks; returns how many."""
    book = (get_decision_engine(rules_dir) if rules_dir else get_decision_engine()).rulebook
    with get_engine(url).begin() as conn:
        present = {r[0] for r in conn.execute(select(m.Department.__table__.c.code))}
        rows = [
            {"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en, "kind": d.kind, "active": True, "version": 1}
            for d in book.departments.values()
            if d.code not in present
        ]
        if rows:
            conn.execute(insert(m.Department.__table__), rows)
    return len(rows)


def demo_present(url: str | None = None) -> str | None:
    """How the demo in this database was built ("seed S, anchor A"), or None when there is none."""
    with get_engine(url).connect() as conn:
        meta = dict(conn.execute(select(m.StoreMeta.__table__.c.key, m.StoreMeta.__table__.c.value)).all())
    if "demo_seed" not in meta:
        return None
    return f"seed {meta['demo_seed']}, anchor {meta.get('demo_anchor')}, rules {meta.get('demo_rules_version')}"


def _chunks(rows: list, size: int):
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _load_yaml(path: Path) -> dict:
    if not path.exists():
        raise WorkbenchError(f"{path}: missing; the demo county's reference data lives in data/demo/")
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))
