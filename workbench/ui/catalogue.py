"""UI message catalogues as data: one ``messages.yaml`` per app folder, one format.

Each file maps a message key to its texts, ``key: {zh: ..., en: ...}``; both
languages are required (a Chinese page never falls back to English). Files are
package data, read through importlib.resources, so an installed package finds them.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from ruamel.yaml import YAML

from workbench.errors import WorkbenchError

LANGUAGES = ("zh", "en")


class CatalogueError(WorkbenchError):
    """A message catalogue is broken: names the file and the key."""


@lru_cache(maxsize=None)
def _read(package: str, name: str) -> dict[str, dict[str, str]]:
    source = resources.files(package) / name
    where = f"{package.replace('.', '/')}/{name}"
    data = YAML(typ="safe").load(source.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise CatalogueError(f"{where}: expected a mapping of message keys to {{zh, en}}")
    out: dict[str, dict[str, str]] = {}
    for key, texts in data.items():
        if not isinstance(texts, dict) or any(not isinstance(texts.get(lang), str) for lang in LANGUAGES):
            raise CatalogueError(f"{where}: message {key!r} needs both zh and en texts")
        extra = set(texts) - set(LANGUAGES)
        if extra:
            raise CatalogueError(f"{where}: message {key!r} has unknown language(s) {sorted(extra)}")
        out[str(key)] = {lang: texts[lang] for lang in LANGUAGES}
    return out


def load_messages(package: str, name: str = "messages.yaml") -> dict[str, dict[str, str]]:
    """The catalogue ``name`` of ``package`` (e.g. ``workbench.ui.triage``), as a fresh dict."""
    return {key: dict(texts) for key, texts in _read(package, name).items()}
