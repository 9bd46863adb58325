"""The Review desk (案卷评查): checklist, pre-checks, sampling, scoring and reports."""

from workbench.review.checklist import load_checklist, validate_review_rules

__all__ = ["load_checklist", "validate_review_rules"]
