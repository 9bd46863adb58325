"""Late payment of a fine (行政处罚法 第六十七条, 第七十二条): the surcharge.

The rate and the payment period are parameters of provisions.yaml, so the
legal office changes them as data; the cap (never more than the fine) is the
law's text.
"""

from __future__ import annotations

from workbench.errors import InputError
from workbench.rulebook.model import RuleBook


def late_payment_surcharge(book: RuleBook, fine_yuan: int, days_late: int) -> dict:
    """Surcharge for ``days_late`` days after the payment period, with its basis."""
    if isinstance(fine_yuan, bool) or not isinstance(fine_yuan, int) or fine_yuan < 0:
        raise InputError("fine_yuan", "must be a whole number of yuan ≥ 0")
    if isinstance(days_late, bool) or not isinstance(days_late, int) or days_late < 0:
        raise InputError("days_late", "must be a whole number of days ≥ 0")
    rate = book.parameters["late_payment_daily_rate"].value
    uncapped = round(fine_yuan * rate * days_late)
    amount = min(uncapped, fine_yuan)
    return {
        "surcharge_yuan": amount,
        "capped": uncapped > fine_yuan,
        "uncapped_yuan": uncapped,
        "basis": ["行政处罚法 第六十七条", "行政处罚法 第七十二条"],
        "why": f"{fine_yuan} × {rate:g} × {days_late} days = {uncapped}"
        + (f", capped at the fine {fine_yuan}" if uncapped > fine_yuan else ""),
    }
