"""The vocabulary (`rules/vocabulary.yaml`): every closed list of codes with its zh/en names and aliases.

One type renders a code in the current language and resolves what an importer
reads back to its code::

    vocab = vocabulary()
    vocab.name("levels", "lighter", "zh")     # '从轻处罚'
    vocab.code_of("report_sources", "热线")    # 'hotline'
    vocab.codes("severities")                 # ('general', 'composite', 'major')

``read_vocabulary(path)`` returns the vocabulary and every problem with its
``path:line`` (the rulebook loader calls it, so ``workbench check`` lints the
file and the content hash covers it). This module imports nothing from the
engine or the services: the store may use it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from workbench.config import bundled, settings, source_checkout
from workbench.errors import Problem
from workbench.rulebook.yamlsource import line_of, plain

log = logging.getLogger(__name__)

FILE_NAME = "vocabulary.yaml"
ENTRY_KEYS = {"code", "zh", "en", "aliases"}
# The lists, each with the keys its entries carry beyond ENTRY_KEYS (all required). The set is closed.
LISTS: dict[str, frozenset[str]] = {
    "severities": frozenset(),
    "levels": frozenset(),
    "procedures": frozenset(),
    "report_statuses": frozenset(),
    "report_sources": frozenset(),
    "report_flags": frozenset(),
    "circumstances": frozenset(),
    "other_penalties": frozenset(),
    "other_measures": frozenset(),
    "case_documents": frozenset(),
    "findings": frozenset({"basis", "engine"}),
    "defect_kinds": frozenset(),
    "questions": frozenset(),
    "exercise_statuses": frozenset(),
    "deduction_statuses": frozenset(),
    "deduction_sources": frozenset(),
    "rule_diff": frozenset(),
}
# (list, list it refers to): every code of the first must be a code of the second.
SUBSETS = (("defect_kinds", "findings"),)


@dataclass(frozen=True)
class Term:
    """One code of a list, with its names; ``extra`` holds the list's own keys (a finding's basis)."""

    code: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    line: int = 0

    def name(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass
class Vocabulary:
    path: str
    lists: dict[str, tuple[Term, ...]]
    problems: list[Problem] = field(default_factory=list)  # what read_vocabulary found (entries it skipped)

    def terms(self, list_name: str) -> tuple[Term, ...]:
        if list_name not in LISTS:
            raise KeyError(f"no vocabulary list {list_name!r}; known: {', '.join(LISTS)}")
        return self.lists.get(list_name, ())

    def codes(self, list_name: str) -> tuple[str, ...]:
        return tuple(t.code for t in self.terms(list_name))

    def term(self, list_name: str, code: str) -> Term | None:
        return next((t for t in self.terms(list_name) if t.code == code), None)

    def name(self, list_name: str, code: str, lang: str = "zh") -> str:
        """``code`` in ``lang`` (zh, else English); an unknown code is shown as itself."""
        term = self.term(list_name, code)
        return code if term is None else term.name(lang)

    def names(self, list_name: str) -> dict[str, tuple[str, str]]:
        """code -> (zh, en), in the list's order."""
        return {t.code: (t.zh, t.en) for t in self.terms(list_name)}

    def code_of(self, list_name: str, text: Any) -> str | None:
        """The code that ``text`` (a code, its Chinese name or an alias) stands for; None if none."""
        key = str(text).strip()
        for term in self.terms(list_name):
            if key == term.code or key == term.zh or key in term.aliases:
                return term.code
        return None

    def aliases(self, list_name: str) -> dict[str, str]:
        """Every accepted spelling -> its code (code, Chinese name, aliases), for an importer's column."""
        out: dict[str, str] = {}
        for term in self.terms(list_name):
            out[term.code] = term.code
            out[term.zh] = term.code
            out.update({alias: term.code for alias in term.aliases})
        return out


def read_vocabulary(path: str | Path, rel: str | None = None) -> tuple[Vocabulary, list[Problem]]:
    """Read and check ``path``; problems are named ``rel`` (default: the path) with their line."""
    path = Path(path)
    rel = rel or str(path)
    problems: list[Problem] = []
    lists: dict[str, tuple[Term, ...]] = {}

    def err(line: int, message: str) -> None:
        problems.append(Problem(rel, line, message))

    data = _load(path, err)
    if data is None:
        return Vocabulary(str(path), lists, problems), problems
    for name in data:
        if name not in LISTS:
            err(line_of(data, name), f"unknown vocabulary list {name!r}; known: {', '.join(LISTS)}")
    for name, extra in LISTS.items():
        if name not in data:
            err(1, f"the vocabulary lacks the list {name!r}")
            continue
        node = data[name]
        if not isinstance(node, CommentedSeq) or not node:
            err(line_of(data, name), f"{name}: must be a non-empty list of {{code, zh, en}}")
            continue
        lists[name] = tuple(_entries(name, node, extra, err))
    for part, whole in SUBSETS:
        known = {t.code for t in lists.get(whole, ())}
        for term in lists.get(part, ()) if known else ():
            if term.code not in known:
                err(term.line, f"{part}: {term.code!r} is not a code of {whole}")
    return Vocabulary(str(path), lists, problems), problems


def _load(path: Path, err) -> CommentedMap | None:
    if not path.is_file():
        err(0, "file missing: the vocabulary must be at rules/vocabulary.yaml")
        return None
    try:
        data = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        err(1, f"not UTF-8 ({exc.reason}); save the file as UTF-8")
        return None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        err(mark.line + 1 if mark else 1, f"not valid YAML: {getattr(exc, 'problem', exc)}")
        return None
    if not isinstance(data, CommentedMap):
        err(1, "the file must be a mapping (list name: entries) at the top")
        return None
    return data


def _entries(name: str, node: CommentedSeq, extra: frozenset[str], err):
    seen: dict[str, int] = {}  # every code, Chinese name and alias of the list -> its line
    allowed = ENTRY_KEYS | extra
    required = {"code", "zh", "en"} | extra
    for index, entry in enumerate(node):
        line = line_of(node, index)
        if not isinstance(entry, CommentedMap):
            err(line, f"{name}: each entry must be a mapping {{code, zh, en, aliases}}")
            continue
        ok = True
        for key in entry:
            if key not in allowed:
                err(line_of(entry, key), f"{name}: unknown key {key!r}; allowed: {', '.join(sorted(allowed))}")
                ok = False
        for key in sorted(required - set(entry)):
            err(line, f"{name}: entry {entry.get('code', index + 1)!r} lacks {key!r}")
            ok = False
        texts = {key: entry.get(key) for key in ("code", "zh", "en")}
        bad = [key for key, value in texts.items() if not isinstance(value, str) or not value.strip()]
        for key in bad:
            err(line_of(entry, key, line), f"{name}: {key} must be non-empty text")
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            err(line_of(entry, "aliases", line), f"{name}: aliases must be a list of texts")
            aliases = []
        if bad or not ok:
            continue
        code = texts["code"]
        duplicated = False
        for spelling, what in [(code, "code"), (texts["zh"], "Chinese name"), *((a, "alias") for a in aliases)]:
            if spelling in seen:
                err(line, f"{name}: {what} {spelling!r} already used at line {seen[spelling]}")
                duplicated = True
            seen[spelling] = line
        if duplicated:
            continue
        yield Term(
            code,
            texts["zh"],
            texts["en"],
            tuple(str(a) for a in aliases),
            {key: plain(entry[key]) for key in sorted(extra)},
            line,
        )


def shipped_path() -> Path:
    """The vocabulary of the rules in force, else the one shipped with the package."""
    here = settings().rules() / FILE_NAME
    if here.is_file():
        return here
    for root in (bundled("rules"), source_checkout() and source_checkout() / "rules"):
        if root is not None and (root / FILE_NAME).is_file():
            return root / FILE_NAME
    return here


def vocabulary(path: str | Path | None = None) -> Vocabulary:
    """The vocabulary (default: that of ``settings().rules()``), read once per file version.

    It never raises, so a mistake in the file cannot stop the modules that read their
    constants from it at import: the entries that are wrong are left out and listed on
    ``problems``. The rulebook loader reports the same problems with their lines
    (``workbench check``) and refuses the rules, so no engine runs on a broken vocabulary.
    """
    path = Path(path) if path is not None else shipped_path()
    stamp = path.stat().st_mtime_ns if path.is_file() else 0
    return _cached(str(path), stamp)


@lru_cache(maxsize=8)
def _cached(path: str, stamp: int) -> Vocabulary:
    vocab, problems = read_vocabulary(path)
    if problems:
        log.warning(
            "%s has %d problem(s); run `workbench check`:\n%s", path, len(problems), "\n".join(str(p) for p in problems)
        )
    return vocab


__all__ = ["Term", "Vocabulary", "vocabulary", "read_vocabulary", "shipped_path", "LISTS", "FILE_NAME"]
