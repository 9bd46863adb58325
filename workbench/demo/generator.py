"""The demo county's generator: departments, officers, judicial offices and case files, checked by the engine.

Each case file is decided through the one case contract (``workbench.engine.inputs.case_input_from_record``);
event reports are drawn by ``workbench.demo.reports``. Draws come from one seeded ``random.Random``, in a fixed order.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from typing import Any

from workbench.demo.reports import ReportMaker
from workbench.demo.sampling import Weighted, apportion, apportion_fixed
from workbench.engine.inputs import case_input_from_record
from workbench.errors import WorkbenchError
from workbench.rulebook.model import OTHER_PENALTIES
from workbench.rulebook.vocabulary import vocabulary

PENALTIES = OTHER_PENALTIES  # the Art. 9 penalties besides the fine, from rules/vocabulary.yaml
MITIGATING = ("eliminated_harm", "confessed_unknown", "meritorious", "coerced")
DECISION_LIMIT_DAYS = 90
COUNTY_CODE = "431123"


class Generator(ReportMaker):
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
        self._community_picker = Weighted(
            [c["code"] for c in self.communities], [c["weight"] for c in self.communities]
        )
        unknown = [code for code in county["violations"] if code not in self.book.violations]
        self.violation_codes = [code for code in county["violations"] if code in self.book.violations]
        self.violation_codes += [code for code in self.book.violations if code not in county["violations"]]
        if not self.violation_codes:
            raise WorkbenchError("data/demo/county.yaml: no violation of the catalogue to generate")
        self._violation_picker = Weighted(
            self.violation_codes, [county["violations"].get(c, {}).get("weight", 1) for c in self.violation_codes]
        )
        self.unknown_codes = unknown

    # reference data

    def departments(self) -> list[dict]:
        return [
            {"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en, "kind": d.kind, "active": True, "version": 1}
            for d in self.book.departments.values()
        ]

    def officers(self, total: int) -> list[dict]:
        per = self.county["officers_per_department"]
        enforcing = [d.code for d in self.book.departments.values() if d.kind == "enforcement"]
        owners = sorted({v.department for v in self.book.violations.values()})
        for code in owners:
            if code not in enforcing:
                enforcing.append(code)
        weights = [float(per.get(code, per.get("default", 1))) for code in enforcing]
        counts = apportion(total, weights)
        for code in owners:  # every owning department needs two officers for a file
            i = enforcing.index(code)
            if counts[i] < 2 and total >= 2 * len(owners):
                counts[i] = 2
        counts = apportion_fixed(counts, total)
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
                dept_rows.append(
                    {
                        "number": f"SP{d_index:02d}{k + 1:03d}",
                        "name_masked": self._person_name(),
                        "department_code": code,
                        "certificate_no": f"HN{COUNTY_CODE}{serial:05d}",
                        "domains": sorted(domains),
                        "ab_partner": None,
                        "active": self.rng.random() > 0.02,
                        "planted_bias": planted,
                        "version": 1,
                    }
                )
            for a in range(0, len(dept_rows) - 1, 2):
                dept_rows[a]["ab_partner"] = dept_rows[a + 1]["number"]
                dept_rows[a + 1]["ab_partner"] = dept_rows[a]["number"]
            if len(dept_rows) % 2 == 1 and len(dept_rows) > 1:
                dept_rows[-1]["ab_partner"] = dept_rows[0]["number"]
            self.officers_by_department[code] = dept_rows
            rows.extend(dept_rows)
        return rows

    def judicial_offices(self) -> list[dict]:
        return [
            {
                "code": f"jo_{t['code']}",
                "name_zh": f"{t['zh']}司法所",
                "name_en": f"{t['en']} Judicial Office",
                "township": t["code"],
                "version": 1,
            }
            for t in self.county["townships"]
        ]

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
        rows.sort(
            key=lambda r: (
                r["filing_date"] or r["decision_date"] or r["act_date"],
                r["party_name_masked"],
                r["violation"],
            )
        )
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
        pool = [
            o for o in self.officers_by_department.get(department, []) if o["active"]
        ] or self.officers_by_department.get(department, [])
        if len(pool) < 2:
            raise WorkbenchError(f"demo: department {department} needs at least two officers for {code} files")
        lead = rng.choice(pool)
        partner = next((o for o in pool if o["number"] == lead["ab_partner"]), None) if rng.random() < 0.8 else None
        if partner is None or partner is lead:
            partner = rng.choice([o for o in pool if o is not lead])
        row: dict[str, Any] = {
            "number": None,
            "party_kind": "organisation" if org else "person",
            "party_name_masked": self._org_name() if org else self._person_name(),
            "party_id_masked": None,
            "party_age": age,
            "party_capacity": capacity,
            "violation": code,
            "department_code": department,
            "community": self._community_picker.pick(rng),
            "act_date": act,
            "act_end_date": act_end,
            "discovered_date": discovered,
            "filing_date": filing,
            "decision_date": decision,
            "service_date": None,
            "served_on_spot": False,
            "officers": [lead["number"], partner["number"]],
            "lead_officer": lead["number"],
            "facts": facts,
            "circumstances": circumstances,
            "penalize": True,
            "no_penalty_reason": None,
            "fine_yuan": None,
            "other_penalties": [],
            "measures": [],
            "level_applied": None,
            "procedure": None,
            "documents": [],
            "rules_version": self.book.version,
            "recommended_level": None,
            "recommended_min": None,
            "recommended_max": None,
            "hearing_right": None,
            "legal_review": None,
            "status": "decided",
            "planted_defects": [],
            "created_at": None,
            "updated_at": None,
            "version": 1,
        }
        row["party_id_masked"] = self._org_id() if org else self._person_id(act, age)
        if decision > self.anchor:  # still being investigated
            row.update(
                decision_date=None,
                status="open",
                documents=["filing_approval", "interview_record", "site_inspection_record"][: rng.randint(1, 3)],
            )
            row["created_at"] = dt.datetime.combine(filing, dt.time(9, 0))
            return row
        advice = self._decide(row, with_penalty=False)
        row.update(
            recommended_level=advice["level"],
            hearing_right=advice["hearing_right"],
            legal_review=advice["legal_review"],
            level_applied=advice["level"],
        )
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
            row["service_date"] = min(
                row["decision_date"] + dt.timedelta(days=rng.choice([0, 0, 1, 1, 2, 3, 4])), self.anchor
            )
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
        kinds = list(vocabulary().codes("defect_kinds"))
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
        decision = row["filing_date"] + dt.timedelta(
            days=self.rng.randint(DECISION_LIMIT_DAYS + 1, DECISION_LIMIT_DAYS + 60)
        )
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
        extra = (["hearing_notice"] if d.get("hearing_right") else []) + (
            ["legal_review_opinion"] if d.get("legal_review") else []
        )
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
        case = case_input_from_record(row, with_penalty=with_penalty)
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
            value = rng.uniform(
                spec.minimum or 0, spec.maximum if spec.maximum is not None else (spec.minimum or 0) + 20
            )
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
        none, limited = p["capacity_none"], p["capacity_none"] + p["capacity_limited"]
        capacity = "none" if v < none else "limited" if v < limited else "full"
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
