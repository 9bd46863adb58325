"""The triage console driven headlessly: set widget values, click buttons, check the store and the text shown."""

import datetime as dt
import logging

import pytest

from workbench import triage as service
from workbench.engine import get_engine
from workbench.store import session_scope
from workbench.store.models import Report
from workbench.ui.common import LanguageSwitch
from workbench.ui.triage import TriageConsole


@pytest.fixture
def console(db_url, clock):
    c = TriageConsole(url=db_url, clock=clock, lang="zh")
    c.operator.value = "值班员甲"
    return c


def file_report(c, category="street_vending", source="hotline", **fields):
    c.category.value = category
    c.source.value = source
    c.key_road.value = fields.get("key_road", False)
    c.people.value = fields.get("people", 0)
    c.community.value = fields.get("community", "")
    c.received_at.value = fields.get("received_at", "")
    for flag in fields.get("flags", []):
        c.flag_boxes[flag].value = True
    c.description.value = fields.get("description", "")
    c.submit.click()
    return c.last_intake


def stored(url, report_id) -> Report:
    with session_scope(url) as s:
        return s.get(Report, report_id)


def test_filing_stores_the_report_with_the_engines_classification_and_shows_its_basis(console, db_url, clock):
    result = file_report(
        console, "illegal_construction", "patrol", people=30, flags=["multi_department"], community="城关社区"
    )
    report = stored(db_url, result.report_id)
    expected = get_engine().classify(service.engine_input(report)).to_dict()
    assert report.status == "filed"
    assert report.received_at == clock.now
    assert (report.severity, report.lead, report.assist, report.coordination_level) == (
        expected["severity"],
        expected["lead"],
        expected["assist"],
        expected["coordination_level"],
    )
    assert report.due_at == dt.datetime.fromisoformat(expected["due_at"])
    card = console.classification.value
    assert report.number in card
    for basis in expected["basis"]:
        assert basis in card
    assert expected["rules_version"] in card
    assert "城管" in card  # lead department by name
    assert "wb-ok" in console.status._dom_classes
    assert report.number in console.status.value
    # the new report is selected in the queue, the form is cleared
    assert console.queue_table.selected == result.report_id
    assert console.description.value == "" and not console.flag_boxes["multi_department"].value


def test_full_workflow_by_buttons_keeps_a_timestamped_history(console, db_url, clock):
    result = file_report(console, "street_vending")
    rid = result.report_id
    steps = [
        (lambda: console.dispatch_button.click(), "dispatched"),
        (
            lambda: (setattr(console.support_dept, "value", "police_station"), console.support_button.click()),
            "dispatched",
        ),
        (
            lambda: (
                setattr(console.joint_lead, "value", "urban_management"),
                setattr(console.joint_members, "value", ("market_regulation", "traffic_police")),
                console.joint_button.click(),
            ),
            "dispatched",
        ),
        (lambda: console.escalate_button.click(), "dispatched"),
        (lambda: (setattr(console.feedback_text, "value", "摊位已清理"), console.feedback_button.click()), "verifying"),
        (lambda: console.verify_pass_button.click(), "closed"),
    ]
    for minute, (act, status) in enumerate(steps, start=1):
        clock.now = clock.now + dt.timedelta(minutes=minute)
        act()
        assert "wb-error" not in console.status._dom_classes, console.status.value
        assert stored(db_url, rid).status == status
    report = stored(db_url, rid)
    assert report.assigned_to == "urban_management"
    assert {"police_station", "market_regulation", "traffic_police"} <= set(report.assist)
    assert report.coordination_level == 3
    assert {"community", "county_leaders"} <= set(report.escalate_to)
    assert report.closed_at == clock.now
    events = service.history(rid, db_url)
    assert [e["action"] for e in events] == [
        "receive",
        "classify",
        "dispatch",
        "support",
        "joint",
        "escalate",
        "feedback",
        "verify",
        "close",
    ]
    times = [e["at"] for e in events]
    assert times == sorted(times) and times[2] < times[-1]
    assert all(e["who"] in ("值班员甲", "engine") for e in events)
    # shown: history table and the closed status, with every action button now disabled
    assert [r["action"] for r in console.history_table.rows][-1] == "close"
    assert "已结案" in console.detail.value
    assert console.dispatch_button.disabled and console.feedback_button.disabled and console.verify_pass_button.disabled


def test_verification_can_send_the_report_back(console, db_url):
    rid = file_report(console).report_id
    console.dispatch_button.click()
    console.feedback_text.value = "已劝离"
    console.feedback_button.click()
    console.verify_fail_button.click()  # no reason: refused
    assert "wb-error" in console.status._dom_classes
    assert stored(db_url, rid).status == "verifying"
    console.note.value = "复查仍有摊位"
    console.verify_fail_button.click()
    assert stored(db_url, rid).status == "handling"
    assert service.history(rid, db_url)[-1]["action"] == "return"


def test_an_override_needs_a_reason_and_is_kept_and_counted(console, db_url):
    rid = file_report(console, "street_vending").report_id
    engine_said = stored(db_url, rid).severity
    new = "major" if engine_said != "major" else "general"
    console.o_severity.value = new
    console.override_button.click()
    assert "wb-error" in console.status._dom_classes
    assert "改判须写明理由" in console.status.value
    assert not stored(db_url, rid).overridden  # nothing changed
    console.o_severity.value = new
    console.o_reason.value = "现场聚集人数较多，按重大事件处置"
    console.override_button.click()
    report = stored(db_url, rid)
    assert report.overridden and report.severity == new
    assert report.override_reason == "现场聚集人数较多，按重大事件处置" and report.override_by == "值班员甲"
    assert report.classification_by_engine["severity"] == engine_said  # the engine's answer is kept
    assert "已人工改判" in console.detail.value
    console.open_tab(3)
    assert console.override_stats["overrides"] == 1
    assert console.override_stats["by_field"] == {"severity": 1}
    assert "现场聚集人数较多" in console.overrides_table.grid.value
    assert console.reclassify_button.disabled  # an override is changed only by another override


def test_an_old_report_the_rules_cannot_classify_is_kept_and_explained(console, db_url, clock):
    with session_scope(db_url) as s:
        old = Report(
            number="R2019-000007",
            source="hotline",
            category="retired_category",
            received_at=clock.now - dt.timedelta(days=400),
        )
        s.add(old)
    console.refresh_button.click()
    rows = {r["number"]: r for r in console.queue_table.rows}
    assert not rows["R2019-000007"]["classified"]
    assert "未定级" in console.queue_table.grid.value
    console.queue_table.select(old.id)
    assert "尚未定级" in console.detail.value
    assert console.dispatch_button.disabled and not console.reclassify_button.disabled
    console.reclassify_button.click()
    assert "wb-info" in console.status._dom_classes
    assert "retired_category" in console.status.value
    report = stored(db_url, old.id)
    assert report.status == "received" and report.severity is None
    assert service.history(old.id, db_url)[-1]["action"] == "classify_failed"
    assert "retired_category" in console.detail.value


def test_overdue_list_by_department(console, db_url, clock):
    late = file_report(
        console, "street_vending", received_at=(clock.now - dt.timedelta(hours=30)).isoformat(sep=" ")
    ).report_id
    file_report(console, "illegal_construction")
    hours = stored(db_url, late).handle_within_hours
    console.tabs.selected_index = 2
    rows = console.overdue_table.rows
    assert [r["id"] for r in rows] == [late]
    assert rows[0]["overdue_hours"] == pytest.approx(30 - hours)
    assert console.overdue_dept_table.rows[0]["department"] == "urban_management"
    assert console.overdue_dept_table.rows[0]["count"] == 1
    # the queue's overdue filter shows the same report, marked
    console.f_overdue.value = True
    assert [r["id"] for r in console.queue_table.rows] == [late]
    assert 'class="wb-overdue"' in console.queue_table.grid.value


def test_queue_filters(console, db_url):
    a = file_report(console, "street_vending", "camera").report_id
    b = file_report(console, "illegal_construction", "hotline").report_id
    console.f_source.value = "camera"
    assert [r["id"] for r in console.queue_table.rows] == [a]
    console.f_source.value = None
    console.f_department.value = "planning"  # assists on illegal construction only
    assert [r["id"] for r in console.queue_table.rows] == [b]
    console.f_department.value = None
    number_b = service.get_report(b, db_url).number
    console.f_text.value = number_b[-3:]
    assert [r["id"] for r in console.queue_table.rows] == [b]
    console.f_text.value = "no such text"
    assert console.queue_table.rows == []
    console.f_text.value = ""
    console.current_id = a
    console.dispatch_button.click()
    console.f_status.value = "dispatched"
    assert [r["id"] for r in console.queue_table.rows] == [a]


def test_language_switch_relabels_without_losing_values(console, db_url):
    file_report(console, "illegal_construction")
    console.category.value = "graffiti"
    console.source.value = "patrol"
    console.i18n.set_language("en")
    assert console.submit.description.startswith("File and classify")
    assert console.tabs.titles[1].startswith("Queue")
    assert console.category.value == "graffiti" and console.source.value == "patrol"
    assert dict((v, k) for k, v in console.category.options)["graffiti"].startswith("Graffiti")
    assert "Severity 严重程度" in console.classification.value  # domain term keeps its Chinese name
    assert "Number 编号" in console.queue_table.grid.value
    assert "Filed" in console.status.value  # the last message follows
    assert "wb-lang-en" in console.widget._dom_classes
    console.i18n.set_language("zh")
    assert console.submit.description == "登记并定级"
    assert "严重程度" in console.classification.value and "Severity" not in console.classification.value


def test_dashboard_counts_reports_by_source_severity_and_department(console, db_url):
    file_report(console, "street_vending", "camera")
    file_report(console, "street_vending", "camera")
    file_report(console, "illegal_construction", "hotline")
    console.tabs.selected_index = 4
    assert "3" in console.dash_total.value
    totals = {label: sum(ys) for label, ys in zip(console.bars.labels, console.bars.y)}
    assert totals == {"视频监控": 2, "12345 热线": 1}
    console.dash_by.value = "department"
    assert sum(sum(ys) for ys in console.bars.y) == 3
    assert len(console.bars.x) == console.dash_days.value


def test_an_unexpected_error_is_logged_and_shown_briefly(console, db_url, monkeypatch):
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logging.getLogger("workbench.ui").addHandler(handler)
    try:
        file_report(console)
        monkeypatch.setattr(service, "dispatch", lambda *a, **k: 1 / 0)
        console.dispatch_button.click()
    finally:
        logging.getLogger("workbench.ui").removeHandler(handler)
    assert "wb-error" in console.status._dom_classes
    assert "错误已记录" in console.status.value and "Traceback" not in console.status.value
    assert "ZeroDivisionError" not in console.status.value
    assert records and records[-1].exc_info[0] is ZeroDivisionError


def test_without_a_database_the_console_says_what_to_do(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'never-initialised.db'}"
    console = TriageConsole(url=url)
    assert "wb-error" in console.status._dom_classes
    assert "workbench init" in console.status.value
    assert console.submit.disabled
    console.i18n.set_language("en")
    assert "not set up" in console.status.value


def test_an_action_on_a_report_someone_else_changed_is_refused(console, db_url, clock):
    rid = file_report(console).report_id
    other = TriageConsole(url=db_url, clock=clock)
    other.operator.value = "值班员乙"
    other.queue_table.select(rid)
    other.escalate_button.click()  # the other desk acts first
    console.dispatch_button.click()  # this desk still shows the old version
    assert "wb-error" in console.status._dom_classes
    assert "已被其他席位修改" in console.status.value and "changed by someone else" not in console.status.value
    console.i18n.set_language("en")
    assert "changed by someone else" in console.status.value and "其他席位" not in console.status.value
    console.i18n.set_language("zh")
    assert stored(db_url, rid).status == "filed"
    console.refresh_button.click()  # reload, then it works
    console.dispatch_button.click()
    assert stored(db_url, rid).status == "dispatched"


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from _walk(child)


def _texts(console):
    out = {}
    for n, w in enumerate(_walk(console.widget)):
        if isinstance(w, LanguageSwitch):  # 中文 / English name themselves
            continue
        for attr in ("description", "placeholder"):
            value = getattr(w, attr, None)
            if isinstance(value, str) and value.strip("\u200b"):
                out[(n, attr)] = value
        for i, option in enumerate(getattr(w, "options", ()) or ()):
            if isinstance(option, tuple) and isinstance(option[0], str) and option[0].strip("—"):
                out[(n, f"option {i}")] = option[0]
    for i, title in enumerate(console.tabs.titles):
        out[("tab", i)] = title
    return out


def test_every_label_of_the_console_follows_the_language(console, db_url):
    file_report(console)
    for index in (2, 3, 4):
        console.open_tab(index)
    zh = _texts(console)
    console.i18n.set_language("en")
    en = _texts(console)
    assert zh.keys() == en.keys()
    chinese = {k for k, v in zh.items() if any("\u4e00" <= ch <= "\u9fff" for ch in v)}
    assert len(chinese) > 100
    not_english = {
        k: en[k] for k in chinese if en[k] == zh[k] or not any(ch.isascii() and ch.isalpha() for ch in en[k])
    }
    assert not_english == {}, f"labels not relabelled: {not_english}"


def status_text(console) -> str:
    return console.status.text


def test_an_override_without_a_reason_is_refused_in_the_language_shown(console, db_url):
    rid = file_report(console, "street_vending").report_id
    console.o_severity.value = "major" if stored(db_url, rid).severity != "major" else "general"
    console.override_button.click()
    assert "wb-error" in console.status._dom_classes
    reason = f"人工改判须写明理由（至少 {service.MIN_REASON_CHARS} 个字）"
    assert status_text(console) == f"无法完成：{reason}"  # all Chinese: no English of the service in the frame
    console.i18n.set_language("en")
    assert "wb-error" in console.status._dom_classes
    assert status_text(console) == (
        f"Cannot do that: an override needs a written reason 改判理由 (at least {service.MIN_REASON_CHARS} characters)"
    )
    console.i18n.set_language("zh")
    assert status_text(console) == f"无法完成：{reason}"
    assert not stored(db_url, rid).overridden


def test_dispatching_a_closed_report_is_refused_in_the_language_shown(console, db_url, clock):
    rid = file_report(console, "street_vending").report_id
    number = stored(db_url, rid).number
    console.dispatch_button.click()
    console.feedback_text.value = "摊位已清理"
    console.feedback_button.click()
    console.verify_pass_button.click()
    assert stored(db_url, rid).status == "closed" and console.dispatch_button.disabled
    # the button is disabled on screen; a click that still arrives (or a script) is refused by the service
    console.dispatch_button.click()
    assert stored(db_url, rid).status == "closed"
    assert "wb-error" in console.status._dom_classes
    assert status_text(console) == f"无法完成：事件 {number} 当前状态为“已结案”，“派遣”只能在“已立案”状态下进行"
    console.i18n.set_language("en")
    assert (
        status_text(console)
        == f"Cannot do that: report {number} is Closed 已结案; 'dispatch 派遣' needs status Filed 已立案"
    )


def test_why_a_report_is_unclassified_follows_the_language(console, db_url, clock):
    with session_scope(db_url) as s:
        old = Report(
            number="R2019-000008",
            source="hotline",
            category="retired_category",
            received_at=clock.now - dt.timedelta(days=400),
        )
        s.add(old)
    console.refresh_button.click()
    console.queue_table.select(old.id)
    console.reclassify_button.click()
    assert status_text(console).startswith("已登记并保存 R2019-000008，但规则无法定级：")
    assert (
        "规则无法定级" in console.history_table.grid.value
        and "the rules could not" not in console.history_table.grid.value
    )
    console.i18n.set_language("en")
    assert status_text(console).startswith(
        "Filed and kept R2019-000008, but the rules could not classify this report: "
    )
    assert "retired_category" in status_text(console)
    assert (
        "the rules could not classify" in console.history_table.grid.value
        and "规则无法定级" not in console.history_table.grid.value
    )
    assert "the rules could not classify" in console.detail.value
