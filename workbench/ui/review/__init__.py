"""Review desk (案卷评查台): draw a sample, score its files with the pre-check findings, report and export.

Built only on the review service (workbench/review/service.py) and the shared
UI pieces; every callback is wrapped (errors show in the status line). Test
hooks: classes ``wb-review-*``; ``build()`` returns the ReviewDesk so pytest
can drive it without a browser.

One file per tab or panel, composed by ``desk.py`` (ReviewDesk); what they share is ``context.py``
(DeskContext: the chosen sample, the open file, the reviewer, the names of codes, the hooks that tie the tabs):

- ``draw.py`` (DrawTab): the sampling form, allocation, weights, samples so far;
- ``score.py`` (ScoreTab): the sample's files and the open one, with ``case_file.py`` (its card)
  and ``deductions.py`` (DeductionEditor: the deduction lines and the score preview);
- ``report.py`` (ReportTab): summary, by department and officer, defects, downloads;
- ``layout.py``: a table under its heading, show/hide; ``messages.yaml`` (read by ``messages.py``): the texts.
"""

from workbench.ui.review.desk import ReviewDesk, app, build
from workbench.ui.review.messages import GRADE_NAMES, MESSAGES

__all__ = ["GRADE_NAMES", "MESSAGES", "ReviewDesk", "app", "build"]
