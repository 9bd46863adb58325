"""The start page: which apps there are, who they are for, and a link to each.

Only apps whose notebook exists beside ``index.ipynb`` are linked (Voila runs
a notebook's kernel in the notebook's folder), so a half-installed system
never shows a dead link; a notebook not in ``APPS`` is listed by its name.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets

from workbench.ui.common import I18n, app_shell

APPS = [
    # (notebook, title key, description key)
    ("triage.ipynb", "app_triage", "app_triage_what"),
    ("rule_lab.ipynb", "app_lab", "app_lab_what"),
    ("review.ipynb", "app_review", "app_review_what"),
    ("training.ipynb", "app_training", "app_training_what"),
]

MESSAGES = {
    "index_title": {"zh": "综合执法工作台", "en": "Enforcement Workbench 综合执法工作台"},
    "index_intro": {"zh": "请选择应用：", "en": "Choose an app:"},
    "index_none": {"zh": "尚未安装任何应用。", "en": "No apps are installed yet."},
    "app_triage": {"zh": "分拨处置台", "en": "Triage console 分拨处置台"},
    "app_triage_what": {
        "zh": "联合执法平台值班人员：受理上报事件，规则引擎定级、确定主办与协办部门，派遣、督办、升级、结案。",
        "en": "Joint enforcement platform staff: take in reports; the rule engine grades severity and names the lead and assisting departments; dispatch, track deadlines, escalate, close.",
    },
    "app_lab": {"zh": "规则实验室", "en": "Rule lab 规则实验室"},
    "app_lab_what": {
        "zh": "法制科：调整裁量基准，查看校验错误、规则测试和对历史案件的影响，发布新版本。",
        "en": "Legal office: tune discretion benchmarks, see lint errors, rule tests and the impact on past cases, publish a new version.",
    },
    "app_review": {"zh": "案卷评查台", "en": "Review desk 案卷评查台"},
    "app_review_what": {
        "zh": "评查人员：抽取案卷样本，查看自动预检结果，按评查标准打分并导出报告。",
        "en": "Case-file reviewers: draw a sample, see automatic pre-check findings, score against the checklist, export reports.",
    },
    "app_training": {"zh": "培训室", "en": "Training room 培训室"},
    "app_training_what": {
        "zh": "培训人员与执法队员：情景练习，引擎评分并给出法律依据。",
        "en": "Trainers and officers: scenario exercises graded by the engine with the legal basis.",
    },
}


def app(notebooks_dir: str | Path | None = None, i18n: I18n | None = None) -> widgets.VBox:
    """The start page; ``notebooks_dir`` defaults to the current folder (Voila's kernel folder)."""
    folder = Path(notebooks_dir) if notebooks_dir else Path.cwd()
    i18n = i18n or I18n()
    i18n.add(MESSAGES)
    listing = widgets.HTML()
    listing.add_class("wb-app-list")

    def render(_lang=None) -> None:
        present = [a for a in APPS if (folder / a[0]).exists()]
        known = {a[0] for a in APPS} | {"index.ipynb"}
        # an app added later without an entry here is still listed, by its file name
        present += [(p.name, p.stem, "") for p in sorted(folder.glob("*.ipynb")) if p.name not in known]
        if not present:
            listing.value = f"<p>{html.escape(i18n.t('index_none'))}</p>"
            return
        items = "".join(
            f'<li class="wb-app-link" data-app="{html.escape(nb[:-6])}"><a href="{html.escape(nb)}" target="_self">'
            f"<b>{html.escape(i18n.t(title))}</b></a><br><span>{html.escape(i18n.t(what) if what else '')}</span></li>"
            for nb, title, what in present
        )
        listing.value = f"<p>{html.escape(i18n.t('index_intro'))}</p><ul>{items}</ul>"

    render()
    i18n.on_change(render)
    return app_shell(i18n, "index_title", listing, cls="wb-index")
