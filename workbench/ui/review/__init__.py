"""Review desk (案卷评查台)."""

from workbench.ui.review.app import GRADE_NAMES, MESSAGES, ReviewDesk, app, build

__all__ = ["GRADE_NAMES", "MESSAGES", "ReviewDesk", "app", "build"]
