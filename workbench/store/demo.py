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

from workbench.config import settings
import bisect
import datetime as dt
import json
import math
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from sqlalchemy import delete, func, insert, select

from workbench.errors import WorkbenchError
from workbench.store import models as m
from workbench.store.db import get_engine

__all__ = ["build_demo", "demo_present", "load_departments", "DemoSummary", "DEFAULT_SEED", "demo_data_dir", "case_for_engine"]

DEFAULT_SEED = 3112  # 双牌 (431123) — any fixed number will do
def demo_data_dir() -> Path:
    return settings().data() / "demo"
PENALTIES = ("warning", "confiscation", "permit_revocation", "qualification_downgrade", "suspension", "closure",
             "practice_restriction", "detention")
MITIGATING = ("eliminated_harm", "confessed_unknown", "meritorious", "coerced")
DECISION_LIMIT_DAYS = 90
COUNTY_CODE = "431123"


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
            f"  {self.reports} reports ({self.open_reports} open, {self.overdue_reports} overdue), {self.report_events} status events",
            f"  {self.engine_calls} engine decisions ({self.regenerated} clean files drawn again), {self.seconds:.1f} s",
        ]


def build_demo(url: str | None = None, *, seed: int = DEFAULT_SEED, anchor: dt.date | None = None,
               cases: int | None = None, reports: int | None = None, officers: int | None = None,
               rules_dir: str | Path | None = None, data_dir: str | Path | None = None,
               replace: bool = False) -> DemoSummary:
    """Fill the database at ``url`` (already at the head revision) with the demo county.

    Refuses when the database already holds case files or reports, unless
    ``replace`` (then every row of every table is deleted first, in the same
    transaction as the new rows).
    """
    started = time.perf_counter()
    anchor = anchor or dt.date.today()
    from workbench.engine import get_engine as get_decision_engine

    engine = get_decision_engine(rules_dir) if rules_dir else get_decision_engine()
    county = _load_yaml(Path(data_dir or demo_data_dir()) / "county.yaml")
    names = _load_yaml(Path(data_dir or demo_data_dir()) / "names.yaml")
    sizes = county["sizes"]
    gen = _Generator(engine, county, names, seed, anchor)
    summary = DemoSummary(seed=seed, anchor=anchor, rules_version=engine.rulebook.version)

    departments = gen.departments()
    officer_rows = gen.officers(officers if officers is not None else int(sizes["officers"]))
    offices = gen.judicial_offices()
    case_rows = gen.case_files(cases if cases is not None else int(sizes["cases"]))
    report_rows, event_rows = gen.reports(reports if reports is not None else int(sizes["reports"]))

    db = get_engine(url)
    with db.begin() as conn:
        existing = conn.execute(select(func.count()).select_from(m.CaseFile.__table__)).scalar() + \
            conn.execute(select(func.count()).select_from(m.Report.__table__)).scalar()
        if existing and not replace:
            raise WorkbenchError(
                f"{db.url.render_as_string(hide_password=True)} already holds {existing} case files and reports; "
                "the demo county is built only into an empty database. Use --rebuild to delete everything and build it again."
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
        meta = {"demo_seed": str(seed), "demo_anchor": anchor.isoformat(), "demo_rules_version": engine.rulebook.version,
                "demo_sizes": json.dumps({"officers": len(officer_rows), "cases": len(case_rows), "reports": len(report_rows)})}
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
    from workbench.engine import get_engine as get_decision_engine

    book = (get_decision_engine(rules_dir) if rules_dir else get_decision_engine()).rulebook
    with get_engine(url).begin() as conn:
        present = {r[0] for r in conn.execute(select(m.Department.__table__.c.code))}
        rows = [{"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en, "kind": d.kind, "active": True, "version": 1}
                for d in book.departments.values() if d.code not in present]
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


def case_for_engine(row: dict[str, Any], with_penalty: bool = True) -> dict[str, Any]:
    """The engine's case (issue 2 §5) from a case_file row (dict of columns)."""
    party: dict[str, Any] = {"kind": row["party_kind"], "capacity": row.get("party_capacity") or "full"}
    if row.get("party_age") is not None:
        party["age"] = row["party_age"]
    case: dict[str, Any] = {"violation": row["violation"], "act_date": _iso(row["act_date"]), "party": party,
                            "facts": dict(row.get("facts") or {}), "circumstances": list(row.get("circumstances") or [])}
    for key in ("act_end_date", "discovered_date", "decision_date"):
        if row.get(key) is not None:
            case[key] = _iso(row[key])
    if with_penalty and (row.get("fine_yuan") is not None or row.get("other_penalties")):
        penalty: dict[str, Any] = {"other": list(row.get("other_penalties") or [])}
        if row.get("fine_yuan") is not None:
            penalty["fine_yuan"] = int(row["fine_yuan"])
        case["proposed_penalty"] = penalty
    return case


# -- the generator ------------------------------------------------------------------


class _Generator:
    def __init__(self, engine: Any, county: dict, names: dict, seed: int, anchor: dt.date):
        self.engine, self.book = engine, engine.rulebook
        self.county, self.names = county, names
        self.rng = random.Random(seed)
        self.anchor = anchor
        self.now = dt.datetime.combine(anchor, dt.time(17, 30))
        self.engine_calls = 0
        self.regenerated = 0
        self.planted: dict[str, int] = {}
        self._cache: dict[str, dict] = {}
        self.officers_by_department: dict[str, list[dict]] = {}
        self.communities = county["communities"]
        self._community_picker = _Weighted([c["code"] for c in self.communities], [c["weight"] for c in self.communities])
        unknown = [code for code in county["violations"] if code not in self.book.violations]
        self.violation_codes = [code for code in county["violations"] if code in self.book.violations]
        self.violation_codes += [code for code in self.book.violations if code not in county["violations"]]
        if not self.violation_codes:
            raise WorkbenchError("data/demo/county.yaml: no violation of the catalogue to generate")
        self._violation_picker = _Weighted(self.violation_codes,
                                           [county["violations"].get(c, {}).get("weight", 1) for c in self.violation_codes])
        self.unknown_codes = unknown

    # reference data

    def departments(self) -> list[dict]:
        return [{"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en, "kind": d.kind, "active": True, "version": 1}
                for d in self.book.departments.values()]

    def officers(self, total: int) -> list[dict]:
        per = self.county["officers_per_department"]
        enforcing = [d.code for d in self.book.departments.values() if d.kind == "enforcement"]
        owners = sorted({v.department for v in self.book.violations.values()})
        for code in owners:
            if code not in enforcing:
                enforcing.append(code)
        weights = [float(per.get(code, per.get("default", 1))) for code in enforcing]
        counts = _apportion(total, weights)
        for code in owners:  # every owning department needs two officers for a file
            i = enforcing.index(code)
            if counts[i] < 2 and total >= 2 * len(owners):
                counts[i] = 2
        counts = _apportion_fixed(counts, total)
        bias = self.county.get("officer_bias", {})
        rows: list[dict] = []
        serial = 0
        for d_index, (code, count) in enumerate(zip(enforcing, counts), start=1):
            own = sorted(v.code for v in self.book.violations.values() if v.department == code)
            dept_rows = []
            for k in range(count):
                serial += 1
                domains = list(own)
                others = [c for c in self.violation_codes if c not in own]
                if others and self.rng.random() < 0.2:
                    domains.append(self.rng.choice(others))
                u = self.rng.random()
                planted = None
                if u < bias.get("high", 0):
                    planted = round(self.rng.uniform(0.88, 1.0), 2)
                elif u < bias.get("high", 0) + bias.get("low", 0):
                    planted = round(self.rng.uniform(0.0, 0.12), 2)
                dept_rows.append({
                    "number": f"SP{d_index:02d}{k + 1:03d}",
                    "name_masked": self._person_name(),
                    "department_code": code,
                    "certificate_no": f"HN{COUNTY_CODE}{serial:05d}",
                    "domains": sorted(domains),
                    "ab_partner": None,
                    "active": self.rng.random() > 0.02,
                    "planted_bias": planted,
                    "version": 1,
                })
            for a in range(0, len(dept_rows) - 1, 2):
                dept_rows[a]["ab_partner"] = dept_rows[a + 1]["number"]
                dept_rows[a + 1]["ab_partner"] = dept_rows[a]["number"]
            if len(dept_rows) % 2 == 1 and len(dept_rows) > 1:
                dept_rows[-1]["ab_partner"] = dept_rows[0]["number"]
            self.officers_by_department[code] = dept_rows
            rows.extend(dept_rows)
        return rows

    def judicial_offices(self) -> list[dict]:
        return [{"code": f"jo_{t['code']}", "name_zh": f"{t['zh']}司法所", "name_en": f"{t['en']} Judicial Office",
                 "township": t["code"], "version": 1} for t in self.county["townships"]]

    # case files

    def case_files(self, total: int) -> list[dict]:
        years = int(self.county["sizes"].get("years", 3))
        start = self.anchor - dt.timedelta(days=round(365.25 * years))
        span = (self.anchor - start).days
        share = float(self.county["sizes"].get("defect_share", 1 / 6))
        rows = []
        for _ in range(total):
            act = start + dt.timedelta(days=self.rng.randrange(max(1, span - 5)))
            row = None
            for _attempt in range(6):
                row = self._clean_case(act)
                if not self._problems(row):
                    break
                self.regenerated += 1
            if row["status"] != "open" and self.rng.random() < share / 0.95:
                self._plant_defect(row)
            rows.append(row)
        rows.sort(key=lambda r: (r["filing_date"] or r["decision_date"] or r["act_date"], r["party_name_masked"], r["violation"]))
        per_year: dict[int, int] = {}
        for row in rows:
            day = row["filing_date"] or row["decision_date"] or row["discovered_date"]
            per_year[day.year] = per_year.get(day.year, 0) + 1
            row["number"] = f"CF{day.year}-{per_year[day.year]:05d}"
        return rows

    def _clean_case(self, act: dt.date) -> dict:
        rng = self.rng
        code = self._violation_picker.pick(rng)
        violation = self.book.violations[code]
        spec = self.county["violations"].get(code, {})
        org = rng.random() < float(spec.get("organisation_share", 0.2))
        facts = {name: self._fact(fs, spec.get("facts", {}).get(name)) for name, fs in violation.facts.items()}
        circumstances = self._circumstances(facts)
        age, capacity = (None, "full") if org else self._age_capacity()
        act_end = None
        if code in ("illegal_construction", "road_occupation_digging", "outdoor_advertising") and rng.random() < 0.25:
            act_end = min(act + dt.timedelta(days=rng.randint(10, 240)), self.anchor)
        discovered = min((act_end or act) + dt.timedelta(days=int(rng.expovariate(1 / 6))), self.anchor)
        filing = min(discovered + dt.timedelta(days=rng.randint(0, 4)), self.anchor)
        duration = max(3, min(DECISION_LIMIT_DAYS - 2, int(rng.gammavariate(3.0, 10.0))))
        decision = filing + dt.timedelta(days=duration)
        department = violation.department
        pool = [o for o in self.officers_by_department.get(department, []) if o["active"]] or \
            self.officers_by_department.get(department, [])
        if len(pool) < 2:
            raise WorkbenchError(f"demo: department {department} needs at least two officers for {code} files")
        lead = rng.choice(pool)
        partner = next((o for o in pool if o["number"] == lead["ab_partner"]), None) if rng.random() < 0.8 else None
        if partner is None or partner is lead:
            partner = rng.choice([o for o in pool if o is not lead])
        row: dict[str, Any] = {
            "number": None, "party_kind": "organisation" if org else "person",
            "party_name_masked": self._org_name() if org else self._person_name(),
            "party_id_masked": None, "party_age": age, "party_capacity": capacity,
            "violation": code, "department_code": department, "community": self._community_picker.pick(rng),
            "act_date": act, "act_end_date": act_end, "discovered_date": discovered, "filing_date": filing,
            "decision_date": decision, "service_date": None, "served_on_spot": False,
            "officers": [lead["number"], partner["number"]], "lead_officer": lead["number"],
            "facts": facts, "circumstances": circumstances, "penalize": True, "no_penalty_reason": None,
            "fine_yuan": None, "other_penalties": [], "measures": [], "level_applied": None, "procedure": None,
            "documents": [], "rules_version": self.book.version, "recommended_level": None,
            "recommended_min": None, "recommended_max": None, "hearing_right": None, "legal_review": None,
            "status": "decided", "planted_defects": [], "created_at": None, "updated_at": None, "version": 1,
        }
        row["party_id_masked"] = self._org_id() if org else self._person_id(act, age)
        if decision > self.anchor:  # still being investigated
            row.update(decision_date=None, status="open", documents=["filing_approval", "interview_record", "site_inspection_record"][: rng.randint(1, 3)])
            row["created_at"] = dt.datetime.combine(filing, dt.time(9, 0))
            return row
        advice = self._decide(row, with_penalty=False)
        row.update(recommended_level=advice["level"], hearing_right=advice["hearing_right"], legal_review=advice["legal_review"],
                   level_applied=advice["level"])
        rng_fine = advice.get("fine_yuan") or {}
        row["recommended_min"], row["recommended_max"] = rng_fine.get("min"), rng_fine.get("max")
        measures = [p for p in advice.get("other_penalties") or [] if p not in PENALTIES]
        row["measures"] = measures
        if not advice["penalize"] or not rng_fine or rng_fine.get("max", 0) <= 0:
            row.update(penalize=False, no_penalty_reason=advice.get("reason") or "exempt", fine_yuan=None)
            self._finish_decision(row, advice)
            return row
        row["fine_yuan"] = self._choose_fine(lead, rng_fine["min"], rng_fine["max"])
        final = self._decide(row)
        if final["procedure"] == "summary" and rng.random() < 0.7:
            summary = dict(row, filing_date=None, decision_date=discovered, served_on_spot=True)
            check = self._decide(summary)
            if check.get("within_benchmark") and check["procedure"] == "summary":
                row, final = summary, check
        self._finish_decision(row, final)
        return row

    def _finish_decision(self, row: dict, d: dict) -> None:
        rng = self.rng
        row["hearing_right"], row["legal_review"] = bool(d.get("hearing_right")), bool(d.get("legal_review"))
        row["procedure"] = "summary" if row["served_on_spot"] else "general"  # the procedure used, not the one allowed
        if row["served_on_spot"]:
            row["service_date"] = row["decision_date"]
            row["documents"] = ["site_inspection_record", "decision"]
        else:
            row["service_date"] = min(row["decision_date"] + dt.timedelta(days=rng.choice([0, 0, 1, 1, 2, 3, 4])), self.anchor)
            docs = ["filing_approval", "interview_record", "site_inspection_record"]
            if row["penalize"]:
                docs.append("penalty_notice")
            if row["hearing_right"]:
                docs.append("hearing_notice")
            if row["legal_review"]:
                docs.append("legal_review_opinion")
            docs += ["decision", "service_receipt"]
            row["documents"] = docs
        row["status"] = "closed" if (self.anchor - row["decision_date"]).days > 30 else "decided"
        row["created_at"] = dt.datetime.combine(row["filing_date"] or row["decision_date"], dt.time(9, 0))
        row["updated_at"] = dt.datetime.combine(row["service_date"], dt.time(16, 0))

    def _choose_fine(self, officer: dict, low: int, high: int) -> int:
        bias = officer.get("planted_bias")
        share = bias if bias is not None else self.rng.betavariate(2.2, 2.2)
        value = low + share * (high - low)
        step = 100 if high - low >= 5000 else 50 if high - low >= 500 else 10
        value = max(low, min(high, int(round(value / step) * step)))
        return value if value > 0 else min(high, step)  # a decided fine of 0 yuan is no fine

    # defects

    def _plant_defect(self, row: dict) -> None:
        kinds = list(m.DEFECT_KINDS)
        self.rng.shuffle(kinds)
        kinds.sort(key=lambda k: self.planted.get(k, 0))  # the rarest kind first, so the kinds stay balanced
        for kind in kinds:
            candidate = getattr(self, f"_plant_{kind}")(dict(row))
            if candidate is not None and self._problems(candidate) == [kind]:
                candidate["planted_defects"] = [kind]
                self.planted[kind] = self.planted.get(kind, 0) + 1
                row.clear()
                row.update(candidate)
                return

    def _plant_officers_fewer_than_two(self, row: dict) -> dict | None:
        row["officers"] = [row["lead_officer"]]
        return row

    def _plant_decision_over_90_days(self, row: dict) -> dict | None:
        if not row["filing_date"] or row["served_on_spot"]:
            return None
        decision = row["filing_date"] + dt.timedelta(days=self.rng.randint(DECISION_LIMIT_DAYS + 1, DECISION_LIMIT_DAYS + 60))
        if decision > self.anchor:
            return None
        row["decision_date"] = decision
        row["service_date"] = min(decision + dt.timedelta(days=self.rng.randint(0, 3)), self.anchor)
        return row

    def _plant_hearing_notice_missing(self, row: dict) -> dict | None:
        if not row["hearing_right"] or "hearing_notice" not in row["documents"]:
            return None
        row["documents"] = [d for d in row["documents"] if d != "hearing_notice"]
        return row

    def _plant_fine_outside_benchmark(self, row: dict) -> dict | None:
        if not row["penalize"] or row["served_on_spot"] or row["fine_yuan"] is None:
            return None
        low, high = row["recommended_min"], row["recommended_max"]
        if low and low > 0 and self.rng.random() < 0.35:
            fine = int(low * self.rng.uniform(0.3, 0.8) // 10 * 10)
        else:
            fine = int(math.ceil(high * self.rng.uniform(1.2, 1.8) / 50) * 50)
        if (low or 0) <= fine <= high:
            return None
        row["fine_yuan"] = fine
        self._sync_documents(row)
        return row

    def _plant_mitigation_not_applied(self, row: dict) -> dict | None:
        if not row["penalize"] or row["fine_yuan"] is None or row["served_on_spot"]:
            return None
        extra = self.rng.choice(MITIGATING)
        if extra in row["circumstances"]:
            return None
        row["circumstances"] = sorted(row["circumstances"] + [extra])
        self._sync_documents(row)
        return row

    def _plant_time_barred(self, row: dict) -> dict | None:
        if not row["penalize"] or not row["fine_yuan"]:
            return None
        if {"life_health_safety", "financial_safety", "police_case"} & set(row["circumstances"]):
            return None
        discovered = row["discovered_date"]
        row["act_date"] = discovered - dt.timedelta(days=self.rng.randint(760, 1300))
        row["act_end_date"] = None
        return row

    def _sync_documents(self, row: dict) -> None:
        """Keep the hearing and legal-review documents in step with the engine after a change."""
        d = self._decide(row)
        docs = [x for x in row["documents"] if x not in ("hearing_notice", "legal_review_opinion")]
        at = docs.index("decision") if "decision" in docs else len(docs)
        extra = (["hearing_notice"] if d.get("hearing_right") else []) + (["legal_review_opinion"] if d.get("legal_review") else [])
        row["documents"] = docs[:at] + extra + docs[at:]
        row["hearing_right"], row["legal_review"] = bool(d.get("hearing_right")), bool(d.get("legal_review"))

    def _problems(self, row: dict) -> list[str]:
        """What a reviewer (and the pre-check) would find in this file, by the engine."""
        if row["status"] == "open":
            return []
        found = []
        if len(set(row["officers"])) < 2:
            found.append("officers_fewer_than_two")
        if row["filing_date"] and (row["decision_date"] - row["filing_date"]).days > DECISION_LIMIT_DAYS:
            found.append("decision_over_90_days")
        if row["procedure"] == "summary" and (row["fine_yuan"] or 0) > (200 if row["party_kind"] == "person" else 3000):
            found.append("summary_above_threshold")
        if row["service_date"] and not row["served_on_spot"] and (row["service_date"] - row["decision_date"]).days > 7:
            found.append("service_late")
        d = self._decide(row)
        penalised = bool(row["fine_yuan"]) or bool(row["other_penalties"])
        if not d["penalize"]:
            if d.get("reason") == "time_barred" and penalised:
                found.append("time_barred")
            return found
        if not penalised:
            found.append("penalty_missing")  # engine says penalise, file says not: not a planted kind
            return found
        docs = set(row["documents"])
        if d.get("hearing_right") and "hearing_notice" not in docs:
            found.append("hearing_notice_missing")
        if d.get("legal_review") and "legal_review_opinion" not in docs:
            found.append("legal_review_missing")
        if d.get("within_benchmark") is False and row["fine_yuan"] is not None:
            high = (d.get("fine_yuan") or {}).get("max")
            if d.get("mandatory_mitigation") and high is not None and row["fine_yuan"] > high:
                found.append("mitigation_not_applied")
            else:
                found.append("fine_outside_benchmark")
        return found

    def _decide(self, row: dict, with_penalty: bool = True) -> dict:
        case = case_for_engine(row, with_penalty=with_penalty)
        key = json.dumps(case, sort_keys=True, ensure_ascii=False)
        hit = self._cache.get(key)
        if hit is None:
            self.engine_calls += 1
            hit = self.engine.decide(case).to_dict()
            hit.pop("trace", None)
            self._cache[key] = hit
        return hit

    # drawing facts, circumstances and people

    def _fact(self, spec: Any, how: dict | None) -> Any:
        rng = self.rng
        how = how or {}
        if spec.type == "boolean":
            return rng.random() < float(how.get("p", 0.2))
        if spec.type == "enum":
            return rng.choice(list(how.get("choice", spec.values)))
        if "choice" in how:
            value = rng.choice(how["choice"])
        elif "uniform" in how:
            value = rng.uniform(*how["uniform"])
        elif "lognormal" in how:
            value = rng.lognormvariate(*how["lognormal"])
        else:
            value = rng.uniform(spec.minimum or 0, spec.maximum if spec.maximum is not None else (spec.minimum or 0) + 20)
        if "max" in how:
            value = min(value, how["max"])
        if spec.minimum is not None:
            value = max(value, spec.minimum)
        if spec.maximum is not None:
            value = min(value, spec.maximum)
        if spec.type == "integer":
            return int(round(value))
        digits = int(how.get("round", 2))
        value = round(value, digits)
        return int(value) if digits <= 0 else value

    def _circumstances(self, facts: dict) -> list[str]:
        rng = self.rng
        probs = self.county["circumstances"]
        chosen = [name for name, p in probs.items() if rng.random() < float(p)]
        if facts.get("repeat_count", 0) and "first_offence" in chosen:
            chosen.remove("first_offence")
        if "no_harm" in chosen and "minor_harm" in chosen:
            chosen.remove(rng.choice(["no_harm", "minor_harm"]))
        if "harmful_consequences" in chosen:
            chosen = [c for c in chosen if c not in ("no_harm", "minor_harm", "minor")]
        return sorted(chosen)

    def _age_capacity(self) -> tuple[int, str]:
        rng = self.rng
        p = self.county["party"]
        u = rng.random()
        if u < p["under_14"]:
            age = rng.randint(11, 13)
        elif u < p["under_14"] + p["minor_14_17"]:
            age = rng.randint(14, 17)
        else:
            age = int(min(78, max(18, rng.gauss(42, 12))))
        v = rng.random()
        capacity = "none" if v < p["capacity_none"] else "limited" if v < p["capacity_none"] + p["capacity_limited"] else "full"
        return age, capacity

    def _person_name(self) -> str:
        n = self.names
        given = self.rng.choice(n["given"]) if self.rng.random() < 0.8 else ""
        return f"{self.rng.choice(n['surnames'])}*{given}"

    def _org_name(self) -> str:
        n = self.names
        return f"{self.rng.choice(n['company_prefix'])}**{self.rng.choice(n['company_kinds'])}"

    def _person_id(self, act: dt.date, age: int | None) -> str:
        birth_year = act.year - (age if age is not None else 40)
        return f"{COUNTY_CODE}{birth_year}********{self.rng.randint(0, 9)}"

    def _org_id(self) -> str:
        return f"91{COUNTY_CODE}MA4*******{self.rng.choice('0123456789X')}"

    # event reports

    def reports(self, total: int) -> tuple[list[dict], list[dict]]:
        rng, county = self.rng, self.county
        days = int(county["sizes"].get("report_days", 365))
        sources = county["report_sources"]
        categories = {c: w for c, w in county["report_categories"].items() if self.book.category(c) is not None}
        for row in self.book.ownership:
            categories.setdefault(row.category, 1)
        source_picker = _Weighted(list(sources), list(sources.values()))
        category_picker = _Weighted(list(categories), list(categories.values()))
        hour_picker = _Weighted(list(range(24)), [1, 1, 1, 1, 1, 2, 4, 8, 12, 12, 11, 10, 8, 9, 10, 10, 10, 9, 9, 8, 7, 5, 3, 2])
        roads, key_roads = county["roads"], set(county["key_roads"])
        flags_p = county["report_flags"]
        received = []
        recent = float(county.get("report_recent_share", 0.0))
        for _ in range(total):
            day = self.anchor - dt.timedelta(days=rng.randrange(3) if rng.random() < recent else rng.randrange(days))
            at = dt.datetime.combine(day, dt.time(hour_picker.pick(rng), rng.randrange(60)))
            if at > self.now:
                at = self.now - dt.timedelta(minutes=rng.randint(5, 600))
            received.append(at)
        received.sort()
        reports, events = [], []
        per_year: dict[int, int] = {}
        for at in received:
            per_year[at.year] = per_year.get(at.year, 0) + 1
            number = f"R{at.year}-{per_year[at.year]:06d}"
            category = category_picker.pick(rng)
            road = rng.choice(roads)
            community = self._community_picker.pick(rng)
            flags = [f for f, p in flags_p.items() if rng.random() < float(p)]
            people = 0 if rng.random() < 0.55 else min(200, int(rng.expovariate(1 / 4)) + 1)
            if "mass_gathering" in flags:
                people = max(people, rng.randint(30, 120))
            report = {"category": category, "source": source_picker.pick(rng), "received_at": at.isoformat(timespec="minutes"),
                      "location": {"key_road": road in key_roads, "community": community},
                      "people_affected": people, "flags": sorted(flags)}
            triage = self.engine.classify(report).to_dict()
            self.engine_calls += 1
            ownership = self.book.category(category)
            row = {
                "number": number, "source": report["source"], "category": category, "received_at": at,
                "community": community, "key_road": road in key_roads, "location_text": f"{road}",
                "people_affected": people, "flags": sorted(flags),
                "description": f"{road} {ownership.name_zh if ownership else category}",
                "reporter_masked": self._person_name() if report["source"] in ("hotline", "call_centre") else None,
                "severity": triage["severity"], "lead": triage["lead"], "assist": list(triage["assist"]),
                "coordination_level": triage["coordination_level"], "escalate_to": list(triage["escalate_to"]),
                "handle_within_hours": float(triage["handle_within_hours"]),
                "due_at": dt.datetime.fromisoformat(triage["due_at"]), "rules_version": triage["rules_version"],
                "basis": list(triage["basis"]), "trace": list(triage["trace"]), "overridden": False,
                "override_reason": None, "override_by": None, "classification_by_engine": None,
                "status": "received", "assigned_to": triage["lead"], "closed_at": None,
                "created_at": at, "updated_at": None, "version": 1,
            }
            events.extend(self._report_history(row, triage))
            reports.append(row)
        return reports, events

    def _report_history(self, row: dict, triage: dict) -> list[dict]:
        rng, county = self.rng, self.county
        at = row["received_at"]
        staff = f"platform_{rng.randint(1, 8):02d}"
        events = [{"report_number": row["number"], "at": at, "who": staff, "action": "receive", "from_status": None,
                   "to_status": "received", "note": None,
                   "data": {"severity": triage["severity"], "lead": triage["lead"], "rules_version": triage["rules_version"]}}]
        if rng.random() < float(county.get("report_override_share", 0.03)):
            engine_view = {k: triage[k] for k in ("severity", "lead", "assist", "coordination_level", "escalate_to", "handle_within_hours", "due_at")}
            other_leads = [r.lead for r in self.book.ownership if r.lead != row["lead"]]
            if row["severity"] == "general" and rng.random() < 0.6:
                row["severity"], row["coordination_level"] = "composite", max(2, row["coordination_level"] or 1)
                reason = "现场涉及多个部门, 升为综合事件 · several departments involved on site"
            elif other_leads:
                row["lead"] = row["assigned_to"] = rng.choice(sorted(set(other_leads)))
                reason = "经核实属其他部门职责 · on checking, another department's duty"
            else:
                reason = "复核后调整 · adjusted on review"
            row.update(overridden=True, override_reason=reason, override_by=staff, classification_by_engine=engine_view)
            events.append({"report_number": row["number"], "at": at + dt.timedelta(minutes=rng.randint(3, 30)), "who": staff,
                           "action": "override", "from_status": "received", "to_status": "received", "note": reason,
                           "data": {"engine": engine_view}})
        hours = row["handle_within_hours"] or 24.0
        stuck = rng.random() < float(county.get("report_stuck_share", 0.05))
        if rng.random() < float(county.get("report_late_share", 0.08)):
            share = rng.uniform(1.1, 3.0)
        else:
            share = rng.uniform(0.25, 0.95)
        close_at = at + dt.timedelta(hours=hours * share)
        steps = ["filed", "dispatched", "handling", "verifying", "closed"]
        actions = {"filed": "file", "dispatched": "dispatch", "handling": "handle", "verifying": "feedback", "closed": "close"}
        fractions = [0.08, 0.2, 0.35, 0.85, 1.0]
        status = "received"
        for step, fraction in zip(steps, fractions):
            when = at + (close_at - at) * fraction
            if when > self.now or (stuck and step in ("verifying", "closed")):
                break
            events.append({"report_number": row["number"], "at": when.replace(second=0, microsecond=0),
                           "who": staff if step in ("filed", "dispatched", "closed") else row["assigned_to"],
                           "action": actions[step], "from_status": status, "to_status": step, "note": None, "data": None})
            status = step
            if step == "dispatched" and row["escalate_to"]:
                events.append({"report_number": row["number"], "at": when.replace(second=0, microsecond=0), "who": staff,
                               "action": "escalate", "from_status": status, "to_status": status,
                               "note": "报 " + "、".join(row["escalate_to"]), "data": {"escalate_to": row["escalate_to"]}})
        row["status"] = status
        if status == "closed":
            row["closed_at"] = events[-1]["at"]
        row["updated_at"] = events[-1]["at"]
        return events


# -- helpers ---------------------------------------------------------------------------


class _Weighted:
    def __init__(self, items: list, weights: list):
        self.items = list(items)
        self.cumulative = []
        total = 0.0
        for w in weights:
            total += float(w)
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def _apportion(total: int, weights: list[float]) -> list[int]:
    s = sum(weights)
    raw = [total * w / s for w in weights]
    counts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _apportion_fixed(counts: list[int], total: int) -> list[int]:
    """Take back officers given to small departments from the largest ones, keeping the total."""
    counts = list(counts)
    while sum(counts) > total:
        counts[counts.index(max(counts))] -= 1
    return counts


def _chunks(rows: list, size: int):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _load_yaml(path: Path) -> dict:
    if not path.exists():
        raise WorkbenchError(f"{path}: missing; the demo county's reference data lives in data/demo/")
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))
