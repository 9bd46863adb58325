"""Review reports: per sample, department and officer, with the estimated defect rate.

A file is *defective* when its final score has at least one confirmed
deduction or veto. The population defect rate is estimated from the sample
with a confidence interval:

- simple random sample, and each department of a simple or stratified sample:
  the **Wilson score interval with a finite-population correction** — Wilson's
  formula with the effective sample size n' = n·(N−1)/(N−n) (so the interval
  shrinks to the point when the whole population was reviewed);
- a stratified sample overall: the stratified estimate p = Σ W_h·p_h with the
  **normal interval with FPC**, Var = Σ W_h²·(1−n_h/N_h)·p_h(1−p_h)/(n_h−1);
- a risk-weighted sample (overall and per group): files weighted by 1/weight
  (Hájek estimator) and the Wilson interval on Kish's effective sample size,
  no FPC — approximate, marked so.
"""

from __future__ import annotations

import io
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import pandas as pd

GRADE_ORDER = [("excellent", "优秀"), ("good", "良好"), ("pass", "合格"), ("fail", "不合格")]


@dataclass
class Interval:
    estimate: float
    low: float
    high: float
    method: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "estimate": round(self.estimate, 4),
            "low": round(self.low, 4),
            "high": round(self.high, 4),
            "method": self.method,
            "confidence": self.confidence,
        }


def wilson_fpc(defects: int, n: int, population: int | None, confidence: float = 0.95) -> Interval:
    """Wilson score interval; with FPC through the effective sample size n·(N−1)/(N−n)."""
    if n <= 0:
        return Interval(float("nan"), float("nan"), float("nan"), "wilson+fpc", confidence)
    p = defects / n
    if population is not None and population <= n:
        return Interval(p, p, p, "wilson+fpc (census)", confidence)
    n_eff = n if population is None else n * (population - 1) / (population - n)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    denom = 1 + z * z / n_eff
    centre = (p + z * z / (2 * n_eff)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n_eff + z * z / (4 * n_eff * n_eff))
    return Interval(
        p, max(0.0, centre - half), min(1.0, centre + half), "wilson+fpc" if population else "wilson", confidence
    )


def stratified_normal(strata: list[tuple[int, int, int]], confidence: float = 0.95) -> Interval:
    """``strata``: (population N_h, reviewed n_h, defective d_h). Normal interval with FPC."""
    total = sum(N for N, n, d in strata if n > 0)
    if total == 0:
        return Interval(float("nan"), float("nan"), float("nan"), "stratified normal+fpc", confidence)
    estimate, variance = 0.0, 0.0
    for N, n, d in strata:
        if n == 0:
            continue
        w = N / total
        p = d / n
        estimate += w * p
        if n > 1:
            variance += w * w * (1 - n / N) * p * (1 - p) / (n - 1)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    half = z * math.sqrt(variance)
    return Interval(estimate, max(0.0, estimate - half), min(1.0, estimate + half), "stratified normal+fpc", confidence)


def weighted_wilson(rows: list[tuple[bool, float]], confidence: float = 0.95) -> Interval:
    """``rows``: (defective, selection weight). Hájek estimate, Wilson on Kish's effective n (approximate)."""
    inv = [1.0 / w for _, w in rows]
    if not inv:
        return Interval(float("nan"), float("nan"), float("nan"), "weighted wilson (approx.)", confidence)
    p = sum(i for (defective, _), i in zip(rows, inv) if defective) / sum(inv)
    n_eff = sum(inv) ** 2 / sum(i * i for i in inv)
    interval = wilson_fpc(round(p * n_eff), max(1, round(n_eff)), None, confidence)
    return Interval(p, interval.low, interval.high, "weighted wilson, Kish n_eff (approx.)", confidence)


@dataclass
class ReviewReport:
    sample: dict[str, Any]
    summary: dict[str, Any]
    departments: pd.DataFrame
    officers: pd.DataFrame
    defects: pd.DataFrame
    files: pd.DataFrame
    grade_distribution: dict[str, int] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        summary = pd.DataFrame([{"field": k, "value": _cell(v)} for k, v in self.summary.items()])
        return {
            "summary": summary,
            "departments": self.departments,
            "officers": self.officers,
            "defects": self.defects,
            "files": self.files,
        }


def build_report(
    sample: dict[str, Any], scored: list[dict[str, Any]], populations: dict[str, int], confidence: float = 0.95
) -> ReviewReport:
    """``sample``: method, allocation, weights (Sample.to_dict or the stored sample);
    ``scored``: one row per scored file {case_id, department, officers, total, grade, defective, deductions, reviewer,
    weight (risk samples)}; ``populations``: department → number of files in the sampled population."""
    method = sample.get("method", "simple")
    drawn = len(sample.get("case_ids") or []) or sample.get("size") or len(scored)
    population_total = sum(populations.values()) or None
    n = len(scored)
    defects = sum(1 for r in scored if r["defective"])
    if method == "stratified":
        by_dept = defaultdict(lambda: [0, 0])
        for r in scored:
            by_dept[r["department"]][0] += 1
            by_dept[r["department"]][1] += int(bool(r["defective"]))
        interval = stratified_normal(
            [(populations.get(d, n_d), n_d, d_d) for d, (n_d, d_d) in by_dept.items()], confidence
        )
    elif method == "risk":
        interval = weighted_wilson([(bool(r["defective"]), float(r.get("weight") or 1.0)) for r in scored], confidence)
    else:
        interval = wilson_fpc(defects, n, population_total, confidence)
    grades = Counter(r["grade"] for r in scored)
    summary = {
        "sample_id": sample.get("id"),
        "method": method,
        "seed": sample.get("seed"),
        "population": population_total,
        "drawn": drawn,
        "reviewed": n,
        "average_score": round(sum(r["total"] for r in scored) / n, 2) if n else None,
        "defective_files": defects,
        "defect_rate": interval.to_dict(),
        "grades": {code: grades.get(code, 0) for code, _ in GRADE_ORDER},
        "top_defects": _top_defects(scored, 5),
        "checklist_version": next((r.get("checklist_version") for r in scored if r.get("checklist_version")), None),
    }
    weighted = method == "risk"
    departments = _group_table(scored, "department", populations, confidence, weighted)
    officer_rows = [{**r, "officer": o} for r in scored for o in (r.get("officers") or [])]
    officers = _group_table(officer_rows, "officer", None, confidence, weighted)
    defect_table = pd.DataFrame(_top_defects(scored, None), columns=["item", "zh", "en", "section", "files", "points"])
    files = pd.DataFrame(
        [
            {
                "case_id": r["case_id"],
                "department": r["department"],
                "officers": ", ".join(map(str, r.get("officers") or [])),
                "reviewer": r.get("reviewer"),
                "total": r["total"],
                "grade": r["grade"],
                "defective": bool(r["defective"]),
                "deductions": "; ".join(
                    f"{d['item']}(-{d['deducted']:g})" if not d.get("veto") else f"{d['item']}(否决)"
                    for d in r.get("deductions") or []
                    if d.get("status", "confirmed") == "confirmed"
                ),
            }
            for r in scored
        ],
        columns=["case_id", "department", "officers", "reviewer", "total", "grade", "defective", "deductions"],
    )
    return ReviewReport(sample, summary, departments, officers, defect_table, files, summary["grades"])


def _group_table(
    rows: list[dict[str, Any]], key: str, populations: dict[str, int] | None, confidence: float, weighted: bool = False
) -> pd.DataFrame:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[str(r[key])].append(r)
    out = []
    for name in sorted(groups):
        members = groups[name]
        n = len(members)
        d = sum(1 for r in members if r["defective"])
        N = populations.get(name) if populations else None
        if weighted:
            ci = weighted_wilson([(bool(r["defective"]), float(r.get("weight") or 1.0)) for r in members], confidence)
        else:
            ci = wilson_fpc(d, n, N, confidence)
        grades = Counter(r["grade"] for r in members)
        top = _top_defects(members, 3)
        out.append(
            {
                key: name,
                "population": N,
                "reviewed": n,
                "average_score": round(sum(r["total"] for r in members) / n, 2),
                **{zh: grades.get(code, 0) for code, zh in GRADE_ORDER},
                "defective": d,
                "defect_rate": round(ci.estimate, 4),
                "ci_low": round(ci.low, 4),
                "ci_high": round(ci.high, 4),
                "ci_method": ci.method,
                "top_defects": ", ".join(f"{t['zh']}×{t['files']}" for t in top),
            }
        )
    columns = [
        key,
        "population",
        "reviewed",
        "average_score",
        *[zh for _, zh in GRADE_ORDER],
        "defective",
        "defect_rate",
        "ci_low",
        "ci_high",
        "ci_method",
        "top_defects",
    ]
    return pd.DataFrame(out, columns=columns)


def _top_defects(rows: list[dict[str, Any]], limit: int | None) -> list[dict[str, Any]]:
    files: Counter = Counter()
    points: Counter = Counter()
    info: dict[str, dict[str, Any]] = {}
    for r in rows:
        seen = set()
        for d in r.get("deductions") or []:
            if d.get("status", "confirmed") != "confirmed":
                continue
            code = d["item"]
            points[code] += d.get("deducted", 0.0) or 0.0
            info[code] = {"zh": d.get("zh", code), "en": d.get("en", code), "section": d.get("section") or "veto 否决"}
            if code not in seen:
                files[code] += 1
                seen.add(code)
    ranked = sorted(files, key=lambda c: (-files[c], c))
    if limit is not None:
        ranked = ranked[:limit]
    return [{"item": c, **info[c], "files": files[c], "points": round(points[c], 2)} for c in ranked]


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return value


SHEET_NAMES = {
    "summary": "汇总 Summary",
    "departments": "按单位 Departments",
    "officers": "按人员 Officers",
    "defects": "扣分项 Defects",
    "files": "案卷 Files",
}


def to_xlsx(report: ReviewReport) -> bytes:
    """All tables of the report as one XLSX workbook (one sheet each)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, table in report.tables().items():
            table.to_excel(writer, sheet_name=SHEET_NAMES[name], index=False)
    return buffer.getvalue()


def to_csv(report: ReviewReport, table: str = "departments") -> bytes:
    """One table as UTF-8 CSV with a BOM (so Excel opens the Chinese text correctly)."""
    tables = report.tables()
    if table not in tables:
        from workbench.errors import InputError

        raise InputError("table", f"must be one of {', '.join(tables)}")
    return tables[table].to_csv(index=False).encode("utf-8-sig")
