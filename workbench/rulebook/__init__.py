"""The rulebook: `rules/*.yaml` loaded, validated and linted (see docs/design.md)."""

from workbench.rulebook.lint import lint
from workbench.rulebook.loader import content_hash, default_rules_dir, load_rulebook, read_rulebook, reread_benchmark
from workbench.rulebook.model import LEVEL_NAMES, LEVELS, RuleBook
from workbench.rulebook.vocabulary import Term, Vocabulary, vocabulary

__all__ = [
    "load_rulebook",
    "read_rulebook",
    "reread_benchmark",
    "lint",
    "content_hash",
    "default_rules_dir",
    "RuleBook",
    "LEVELS",
    "LEVEL_NAMES",
    "Term",
    "Vocabulary",
    "vocabulary",
]
