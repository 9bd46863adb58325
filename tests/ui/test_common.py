"""The shared UI pieces: language, safe callbacks, tables, progress."""

import logging

import ipywidgets as widgets
import pytest

from workbench.errors import InputError
from workbench.ui.common import (
    COMMON,
    Column,
    DataTable,
    I18n,
    LanguageSwitch,
    MessageKey,
    ProgressBar,
    StatusBar,
    app_shell,
    safe_callback,
)

MESSAGES = {
    "severity": {"zh": "严重程度", "en": "Severity 严重程度"},
    "sev_general": {"zh": "一般", "en": "General 一般"},
    "sev_major": {"zh": "重大", "en": "Major 重大"},
    "saved": {"zh": "已保存 {number}", "en": "Saved {number}"},
    "col_id": {"zh": "编号", "en": "No. 编号"},
    "col_area": {"zh": "面积", "en": "Area 面积"},
}


def test_switch_relabels_bound_widgets_and_keeps_values():
    i18n = I18n(MESSAGES, lang="zh")
    dropdown = i18n.bind_options(widgets.Dropdown(), [("sev_general", "general"), ("sev_major", "major")])
    i18n.bind(dropdown, "description", "severity")
    text = i18n.bind(widgets.Text(), "placeholder", "severity")
    heading = i18n.bind(widgets.HTML(), "value", "severity", wrap="<h3>{}</h3>")
    assert dropdown.value == "general"  # starts on the first option
    dropdown.value = "major"
    seen = []
    dropdown.observe(lambda change: seen.append(i18n.switching), names="value")
    switch = LanguageSwitch(i18n)
    switch.value = "en"
    assert dropdown.description == "Severity 严重程度" and text.placeholder == "Severity 严重程度"
    assert heading.value == "<h3>Severity 严重程度</h3>"
    assert dropdown.options == (("General 一般", "general"), ("Major 重大", "major"))
    assert dropdown.value == "major"
    assert seen and all(seen)  # transient changes happen while switching
    switch.value = "zh"
    assert dropdown.label == "重大"


def test_unknown_keys_show_the_key_and_every_message_has_both_languages():
    i18n = I18n(MESSAGES)
    assert i18n.t("no_such_key") == "no_such_key"
    assert i18n.t("saved", number="R1") == "已保存 R1"
    with pytest.raises(ValueError, match="en"):
        i18n.add({"half": {"zh": "半"}})
    with pytest.raises(ValueError):
        i18n.set_language("fr")
    assert all(set(texts) == {"zh", "en"} for texts in COMMON.values())


def test_status_messages_by_key_follow_the_language():
    i18n = I18n(MESSAGES, lang="zh")
    status = StatusBar(i18n)
    status.say("ok", "saved", number=MessageKey("sev_major"))
    assert "已保存 重大" in status.value and "wb-ok" in status._dom_classes
    i18n.set_language("en")
    assert "Saved Major 重大" in status.value
    status.error("fixed text")
    i18n.set_language("zh")
    assert "fixed text" in status.value and "wb-error" in status._dom_classes and "wb-ok" not in status._dom_classes


def test_safe_callback_shows_input_errors_and_logs_unexpected_ones():
    i18n = I18n(lang="en")
    status = StatusBar(i18n)
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logging.getLogger("workbench.ui").addHandler(handler)
    try:

        def bad_input():
            raise InputError("people_affected", "must be a whole number")

        def broken():
            raise KeyError("internal detail")

        assert safe_callback(bad_input, status, i18n)() is None
        assert "people_affected: must be a whole number" in status.value and "wb-error" in status._dom_classes
        safe_callback(broken, status, i18n)()
        assert "logged (ref" in status.value and "internal detail" not in status.value
        assert records[-1].exc_info[0] is KeyError
        assert safe_callback(lambda: 42, status, i18n)() == 42
    finally:
        logging.getLogger("workbench.ui").removeHandler(handler)


def rows(n):
    return [{"id": k, "area": (k * 7) % 10 if k % 4 else None, "name": f"<b>{k}</b>"} for k in range(1, n + 1)]


def test_table_pages_sorts_and_escapes():
    i18n = I18n(MESSAGES, lang="zh")
    table = DataTable(
        [Column("id", "col_id"), Column("area", "col_area"), Column("name", "col_id", sortable=False)],
        rows(25),
        i18n=i18n,
        page_size=10,
    )
    assert [r["id"] for r in table.page_rows()] == list(range(1, 11))
    assert "第 1–10 条，共 25 条" in table.range_label.value and table.prev_button.disabled
    table.next_button.click()
    table.next_button.click()
    assert [r["id"] for r in table.page_rows()] == list(range(21, 26)) and table.next_button.disabled
    table.next_page()
    assert table.page == 2
    table.sort_by("area", descending=True)
    ordered = table.sorted_rows()
    areas = [r["area"] for r in ordered]
    present = [a for a in areas if a is not None]
    assert present == sorted(present, reverse=True) and areas[len(present) :] == [None] * (25 - len(present))
    assert table.page == 0 and "面积 ▼" in table.grid.value
    assert "&lt;b&gt;" in table.grid.value and "<b>1</b>" not in table.grid.value
    assert [c[1] for c in table.sort_dropdown.options] == [None, "id", "area"]  # unsortable column not offered
    i18n.set_language("en")
    assert "No. 编号" in table.grid.value and "1–10 of 25" in table.range_label.value
    table.set_rows([])
    assert "No records" in table.grid.value


def test_table_selection_follows_pages():
    table = DataTable([Column("id", "col_id")], rows(30), page_size=10, selectable=True)
    chosen = []
    table.on_select(chosen.append)
    table.select(25)
    assert table.page == 2 and table.selected == 25 and chosen[-1] == 25
    table.prev_page()
    assert table.selected is None and chosen[-1] is None
    with pytest.raises(KeyError):
        table.select(99)


def test_progress_bar_is_shown_only_while_a_job_runs():
    progress = ProgressBar(I18n(lang="en"))
    assert progress.widget.layout.display == "none"
    seen = []
    for item in progress.track(["a", "b", "c"]):
        seen.append((item, progress.widget.layout.display, progress.bar.value))
    assert seen == [("a", "flex", 0), ("b", "flex", 1), ("c", "flex", 2)]
    assert progress.bar.value == 3 and progress.widget.layout.display == "none"
    with pytest.raises(RuntimeError):
        for _ in progress.track(range(5)):
            raise RuntimeError
    assert progress.widget.layout.display == "none"


def test_app_shell_marks_the_language_last():
    i18n = I18n(MESSAGES, lang="zh")
    shell = app_shell(i18n, "severity", widgets.Label("body"), StatusBar(i18n), cls="wb-test")
    assert {"wb-app", "wb-test", "wb-lang-zh"} <= set(shell._dom_classes)
    i18n.set_language("en")
    assert "wb-lang-en" in shell._dom_classes and "wb-lang-zh" not in shell._dom_classes


def test_start_page_links_the_notebooks_present(tmp_path):
    from workbench.ui import index

    for name in ("index", "triage", "training", "extra_app"):
        (tmp_path / f"{name}.ipynb").write_text("{}")
    page = index.app(tmp_path, I18n(lang="en"))
    listing = page.children[-1].value
    assert 'href="triage.ipynb"' in listing and "Triage console 分拨处置台" in listing
    assert 'href="extra_app.ipynb"' in listing  # unknown apps are listed by name
    assert 'href="index.ipynb"' not in listing and "review.ipynb" not in listing  # no dead links
