"""The start page: which apps there are, who they are for, and a link to each.

Only apps whose notebook exists beside ``index.ipynb`` are linked (Voila runs
a notebook's kernel in the notebook's folder), so a half-installed system
never shows a dead link; a notebook not in ``APPS`` is listed by its name.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets

from workbench.ui.catalogue import load_messages
from workbench.ui.common import I18n, app_shell

APPS = [
    # (notebook, title key, description key)
    ("triage.ipynb", "app_triage", "app_triage_what"),
    ("rule_lab.ipynb", "app_lab", "app_lab_what"),
    ("review.ipynb", "app_review", "app_review_what"),
    ("training.ipynb", "app_training", "app_training_what"),
]

MESSAGES = load_messages("workbench.ui", "index_messages.yaml")  # workbench/ui/index_messages.yaml


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
