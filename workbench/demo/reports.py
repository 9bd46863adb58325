"""The demo county's event reports: received over a year, classified by the triage service, with their history."""

from __future__ import annotations

import datetime as dt

from workbench import triage as triage_service
from workbench.demo.sampling import Weighted


class ReportMaker:
    """The reports part of the generator (``workbench.demo.generator.Generator``): uses its rng, engine, county."""

    def reports(self, total: int) -> tuple[list[dict], list[dict]]:
        rng, county = self.rng, self.county
        days = int(county["sizes"].get("report_days", 365))
        sources = county["report_sources"]
        categories = {c: w for c, w in county["report_categories"].items() if self.book.category(c) is not None}
        for row in self.book.ownership:
            categories.setdefault(row.category, 1)
        source_picker = Weighted(list(sources), list(sources.values()))
        category_picker = Weighted(list(categories), list(categories.values()))
        hour_picker = Weighted(
            list(range(24)), [1, 1, 1, 1, 1, 2, 4, 8, 12, 12, 11, 10, 8, 9, 10, 10, 10, 9, 9, 8, 7, 5, 3, 2]
        )
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
            source = source_picker.pick(rng)
            ownership = self.book.category(category)
            row = {
                "number": number,
                "source": source,
                "category": category,
                "received_at": at,
                "community": community,
                "key_road": road in key_roads,
                "location_text": f"{road}",
                "people_affected": people,
                "flags": sorted(flags),
                "description": f"{road} {ownership.name_zh if ownership else category}",
            }
            triage = triage_service.classify_report(row, self.engine)  # the triage service's own classification
            self.engine_calls += 1
            row.update(
                {
                    "reporter_masked": self._person_name() if source in ("hotline", "call_centre") else None,
                    **triage_service.classification_fields(triage),
                    "overridden": False,
                    "override_reason": None,
                    "override_by": None,
                    "classification_by_engine": None,
                    "status": "received",
                    "assigned_to": triage["lead"],
                    "closed_at": None,
                    "created_at": at,
                    "updated_at": None,
                    "version": 1,
                }
            )
            events.extend(self._report_history(row, triage))
            reports.append(row)
        return reports, events

    def _report_history(self, row: dict, triage: dict) -> list[dict]:
        rng, county = self.rng, self.county
        at = row["received_at"]
        staff = f"platform_{rng.randint(1, 8):02d}"
        events = [
            {
                "report_number": row["number"],
                "at": at,
                "who": staff,
                "action": "receive",
                "from_status": None,
                "to_status": "received",
                "note": None,
                "data": {
                    "severity": triage["severity"],
                    "lead": triage["lead"],
                    "rules_version": triage["rules_version"],
                },
            }
        ]
        if rng.random() < float(county.get("report_override_share", 0.03)):
            engine_view = {k: triage[k] for k in triage_service.CLASSIFIED_FIELDS}
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
            events.append(
                {
                    "report_number": row["number"],
                    "at": at + dt.timedelta(minutes=rng.randint(3, 30)),
                    "who": staff,
                    "action": "override",
                    "from_status": "received",
                    "to_status": "received",
                    "note": reason,
                    "data": {"engine": engine_view},
                }
            )
        hours = row["handle_within_hours"] or 24.0
        stuck = rng.random() < float(county.get("report_stuck_share", 0.05))
        if rng.random() < float(county.get("report_late_share", 0.08)):
            share = rng.uniform(1.1, 3.0)
        else:
            share = rng.uniform(0.25, 0.95)
        close_at = at + dt.timedelta(hours=hours * share)
        steps = ["filed", "dispatched", "handling", "verifying", "closed"]
        actions = {
            "filed": "file",
            "dispatched": "dispatch",
            "handling": "handle",
            "verifying": "feedback",
            "closed": "close",
        }
        fractions = [0.08, 0.2, 0.35, 0.85, 1.0]
        status = "received"
        for step, fraction in zip(steps, fractions):
            when = at + (close_at - at) * fraction
            if when > self.now or (stuck and step in ("verifying", "closed")):
                break
            events.append(
                {
                    "report_number": row["number"],
                    "at": when.replace(second=0, microsecond=0),
                    "who": staff if step in ("filed", "dispatched", "closed") else row["assigned_to"],
                    "action": actions[step],
                    "from_status": status,
                    "to_status": step,
                    "note": None,
                    "data": None,
                }
            )
            status = step
            if step == "dispatched" and row["escalate_to"]:
                events.append(
                    {
                        "report_number": row["number"],
                        "at": when.replace(second=0, microsecond=0),
                        "who": staff,
                        "action": "escalate",
                        "from_status": status,
                        "to_status": status,
                        "note": "报 " + "、".join(row["escalate_to"]),
                        "data": {"escalate_to": row["escalate_to"]},
                    }
                )
        row["status"] = status
        if status == "closed":
            row["closed_at"] = events[-1]["at"]
        row["updated_at"] = events[-1]["at"]
        return events
