"""The typed rulebook: what `rules/*.yaml` say, after loading and validation.

Every object keeps the file and line it came from, so lint findings and the
engine's trace can point at the row a legal officer would edit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from workbench.rulebook.vocabulary import Vocabulary, vocabulary

# The closed lists, from the vocabulary (rules/vocabulary.yaml), read once when this module is imported.
_VOCAB = vocabulary()
LEVELS = _VOCAB.codes("levels")
LEVEL_RANK = {name: rank for rank, name in enumerate(LEVELS)}
LEVEL_NAMES = _VOCAB.names("levels")  # code -> (zh, en)
PARTY_KINDS = ("person", "organisation")
CAPACITIES = ("full", "limited", "none")
CIRCUMSTANCES = _VOCAB.codes("circumstances")
OTHER_PENALTIES = _VOCAB.codes("other_penalties")
# Measures that are not penalties under Art. 9 but appear beside them in benchmarks.
OTHER_MEASURES = _VOCAB.codes("other_measures")
REPORT_SOURCES = _VOCAB.codes("report_sources")
REPORT_FLAGS = _VOCAB.codes("report_flags")
SEVERITIES = _VOCAB.codes("severities")
FACT_TYPES = ("number", "integer", "boolean", "enum")


@dataclass(frozen=True)
class Where:
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class Department:
    code: str
    name_zh: str
    name_en: str
    kind: str
    where: Where
    # may restrict personal liberty (行政拘留): only the police and organs named by law (APL Art. 18 ¶3)
    restricts_liberty: bool = False


@dataclass
class FactSpec:
    name: str
    type: str
    zh: str
    en: str
    values: tuple = ()
    minimum: float | None = None
    maximum: float | None = None


@dataclass
class Violation:
    code: str
    name_zh: str
    name_en: str
    department: str
    offence_basis: str
    penalty_basis: str
    fine: dict[str, tuple[int, int]] | None  # party kind -> statutory (min, max), yuan
    fine_rate: tuple[str, float, float] | None  # (fact it multiplies, low, high)
    other_penalties: tuple[str, ...]
    facts: dict[str, FactSpec]
    where: Where
    order_first: OrderFirst | None = None
    branches: list[Branch] = field(default_factory=list)


@dataclass
class Branch:
    """An alternative the statute itself lays down (e.g. 城乡规划法 Art. 64): first match decides before the
    benchmark. ``fine_rate`` None: no fine (an order such as 限期拆除, or a penalty without a fine)."""

    id: str
    when: dict
    penalize: bool
    fine_rate: tuple[float, float] | None
    other_penalties: tuple[str, ...]
    basis: str
    text: str
    where: Where
    fine: dict[str, tuple[int, int]] | None = None  # party kind -> (min, max) yuan, the branch's own statute


@dataclass
class OrderFirst:
    """The statute orders correction first and penalises only a refusal (拒不改正), from ``valid_from``.

    A party the case shows corrected after the order (``fact`` true) gets the order, not a penalty."""

    fact: str
    valid_from: dt.date | None
    basis: str
    text: str
    also: tuple[str, ...] = ()  # penalties imposed whether or not the party corrected (e.g. confiscation)

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from is None or self.valid_from <= day


@dataclass
class LevelRow:
    id: str
    level: str
    when: dict  # resolved condition (parameters replaced by values)
    fine: dict[str, tuple[int, int]] | None
    fine_rate: tuple[float, float] | None
    other_penalties: tuple[str, ...]
    basis: str
    where: Where


@dataclass
class BenchmarkVersion:
    effective_from: dt.date
    reason: str
    levels: list[LevelRow]
    where: Where


@dataclass
class Benchmark:
    violation: str
    versions: list[BenchmarkVersion]  # oldest first
    path: str

    def in_force(self, day: dt.date) -> BenchmarkVersion:
        """The version in force on ``day``; before the first version, the first."""
        chosen = self.versions[0]
        for version in self.versions:
            if version.effective_from <= day:
                chosen = version
        return chosen


@dataclass
class StageRow:
    id: str
    when: dict
    set: dict
    basis: str
    text: str
    where: Where
    # validity window of the text the row rests on (in_force: {from: D, before: D}); None: always
    valid_from: dt.date | None = None
    valid_before: dt.date | None = None

    def in_force(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_before is None or day < self.valid_before
        )


@dataclass
class Stage:
    name: str
    mode: str  # "first" | "all"
    rows: list[StageRow]
    defaults: dict
    where: Where

    def window_dates(self) -> set[dt.date]:
        """The days on which one of the stage's rows comes into force or ceases to be."""
        return {d for row in self.rows for d in (row.valid_from, row.valid_before) if d is not None}


@dataclass
class Parameter:
    name: str
    value: float
    unit: str
    source: str
    where: Where


@dataclass
class OwnershipRow:
    category: str
    name_zh: str
    name_en: str
    lead: str
    assist: tuple[str, ...]
    coordination_level: int
    handle_within_hours: float
    basis: str
    where: Where


@dataclass
class RuleTest:
    name: str
    kind: str  # "decide" | "classify"
    given: dict
    expect: dict
    where: Where
    today: dt.date | None = None  # the county's date the test is judged on (default: the case's decision date)


@dataclass
class RuleBook:
    root: str
    version: str  # content hash of every rule file, 12 hex chars
    departments: dict[str, Department] = field(default_factory=dict)
    violations: dict[str, Violation] = field(default_factory=dict)
    benchmarks: dict[str, Benchmark] = field(default_factory=dict)
    parameters: dict[str, Parameter] = field(default_factory=dict)
    stages: list[Stage] = field(default_factory=list)
    ownership: list[OwnershipRow] = field(default_factory=list)
    severity: Stage | None = None
    tests: list[RuleTest] = field(default_factory=list)
    vocabulary: Vocabulary | None = None  # rules/vocabulary.yaml of this rules directory (the project's when absent)

    def stage(self, name: str) -> Stage | None:
        return next((s for s in self.stages if s.name == name), None)

    def substantive_stages(self) -> list[Stage]:
        """The stages before ``procedure``: they decide whether and how much (Art. 37 weighs them)."""
        out = []
        for stage in self.stages:
            if stage.name == "procedure":
                break
            out.append(stage)
        return out

    def category(self, code: str) -> OwnershipRow | None:
        return next((r for r in self.ownership if r.category == code), None)
