"""The frame of every app (header with title and language switch, status line, body) and the stylesheet."""

from __future__ import annotations

import ipywidgets as widgets

from workbench.ui.common.i18n import LANGUAGES, I18n, LanguageSwitch, label
from workbench.ui.common.status import StatusBar

CSS = """
.wb-app { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif; max-width: 1400px; }
.wb-header { border-bottom: 2px solid #1f4e79; margin-bottom: 8px; padding-bottom: 4px; }
.wb-header h2 { margin: 4px 12px 4px 0; color: #1f4e79; }
.wb-status { min-height: 1.6em; }
.wb-status .wb-status-text { padding: 4px 8px; border-radius: 3px; }
.wb-ok .wb-status-text { background: #e6f4ea; color: #1e6b34; }
.wb-info .wb-status-text { background: #e8f0fe; color: #1a4f9c; }
.wb-error .wb-status-text { background: #fdecea; color: #9b1c1c; font-weight: bold; }
table.wb-table-grid { border-collapse: collapse; font-size: 13px; width: 100%; }
table.wb-table-grid th { background: #eef3f8; text-align: left; }
table.wb-table-grid th, table.wb-table-grid td { border: 1px solid #d0d7de; padding: 3px 6px; vertical-align: top; }
table.wb-table-grid tr.wb-overdue td { background: #fff4e5; }
table.wb-table-grid tr.wb-row-error td { background: #fdecea; }
.wb-table-empty { color: #666; padding: 6px; }
.wb-card { border: 1px solid #d0d7de; border-radius: 4px; padding: 6px 10px; margin: 4px 0; }
.wb-basis { color: #444; font-size: 12px; }
table.wb-classification-table th { white-space: nowrap; width: 9em; }
.wb-sev-major { color: #9b1c1c; font-weight: bold; }
.wb-sev-composite { color: #a15c00; font-weight: bold; }
.wb-sev-general { color: #1e6b34; }
"""


def style() -> widgets.HTML:
    """The shared stylesheet, as a widget (inline: nothing is fetched from the network)."""
    widget = widgets.HTML(f"<style>{CSS}</style>")
    widget.add_class("wb-style")
    return widget


def app_shell(
    i18n: I18n, title_key: str, body, status: StatusBar | None = None, cls: str | None = None
) -> widgets.VBox:
    """The frame of an app: style, a header with the title and the language switch, the body, the status line."""
    title = label(i18n, title_key, tag="h2", cls="wb-title")
    header = widgets.HBox(
        [title, LanguageSwitch(i18n)], layout=widgets.Layout(align_items="center", justify_content="space-between")
    )
    header.add_class("wb-header")
    children = [style(), header]
    if status is not None:
        children.append(status)
    children.append(body)
    shell = widgets.VBox(children)
    shell.add_class("wb-app")
    shell.add_class(f"wb-lang-{i18n.lang}")
    if cls:
        shell.add_class(cls)

    def mark(lang: str) -> None:  # registered last: when it shows, every relabelling before it has been sent
        for other in LANGUAGES:
            if other != lang:
                shell.remove_class(f"wb-lang-{other}")
        shell.add_class(f"wb-lang-{lang}")

    i18n.on_change(mark)
    return shell
