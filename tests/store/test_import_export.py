"""Import of case files and reports (good and bad files) and export to CSV/XLSX."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from workbench.cli import main
from workbench.demo import load_departments
from workbench.errors import InputError
from workbench.importer import import_file, mask_id, mask_name
from workbench.store import models as m
from workbench.store.db import session_scope
from workbench.store.exporting import export_rows, export_table
from workbench.store.migrate import upgrade

TODAY = dt.date(2026, 6, 30)
HEADER = (
    "number,party_kind,party_name,party_id,party_age,violation,act_date,discovered_date,filing_date,"
    "decision_date,service_date,officers,facts,circumstances,fine_yuan,level_applied,procedure,documents"
)
GOOD = [
    "CF2026-00001,person,张三丰,431123198001011234,46,street_vending,2026-03-01,2026-03-01,2026-03-02,2026-03-20,"
    '2026-03-21,SP01001;SP01002,"{""area_m2"": 4, ""repeat_count"": 0, ""key_road"": false}",,200,standard,general,'
    "立案审批表;询问笔录;处罚决定书;送达回证",
    "CF2026-00002,organisation,双牌县恒达商贸有限公司,91431123MA4L123456,,outdoor_advertising,2026-02-10,2026-02-11,"
    "2026-02-12,2026-03-30,2026-03-31,SP01001;SP01002,"
    '"{""ad_area_m2"": 12, ""safety_hazard"": false, ""repeat_count"": 0}",first_offence,2000,standard,general,'
    "filing_approval;decision",
    "CF2026-00003,person,李四,,30,graffiti,2026-05-01,,,,,SP01001,,,,,,立案审批表",
]


@pytest.fixture
def db(db_url):
    upgrade(db_url)
    load_departments(db_url)
    with session_scope(db_url) as s:
        for number in ("SP01001", "SP01002"):
            s.add(
                m.Officer(
                    number=number, name_masked="王*", department_code="urban_management", certificate_no=f"HN{number}"
                )
            )
    return db_url


def _write(tmp_path, lines, name="cases.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def _count(url, model):
    with session_scope(url) as s:
        return s.execute(select(func.count()).select_from(model)).scalar()


def test_good_file_goes_in_masked_with_engine_advice_and_audit(db, tmp_path):
    result = import_file(_write(tmp_path, [HEADER, *GOOD]), url=db, today=TODAY, who="clerk")
    assert result.errors == [] and (result.inserted, result.updated, result.unchanged) == (3, 0, 0) and result.written
    with session_scope(db) as s:
        rows = {c.number: c for c in s.execute(select(m.CaseFile)).scalars()}
        audits = s.execute(select(m.AuditLog).where(m.AuditLog.action == "import_create")).scalars().all()
    first = rows["CF2026-00001"]
    assert first.party_name_masked == "张*丰" and first.party_id_masked == "431123***********4"
    assert first.documents == ["filing_approval", "interview_record", "decision", "service_receipt"]
    assert first.rules_version and first.recommended_min is not None and first.department_code == "urban_management"
    assert rows["CF2026-00002"].party_name_masked == "双牌县**有限公司"
    assert rows["CF2026-00003"].status == "open" and rows["CF2026-00003"].decision_date is None
    assert {a.entity_id for a in audits} == set(rows) and all(a.who == "clerk" for a in audits)


def test_reimporting_the_same_file_creates_no_duplicates(db, tmp_path):
    path = _write(tmp_path, [HEADER, *GOOD])
    import_file(path, url=db, today=TODAY)
    again = import_file(path, url=db, today=TODAY)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert _count(db, m.CaseFile) == 3
    changed = _write(tmp_path, [HEADER, GOOD[0].replace(",200,standard", ",300,standard")], name="changed.csv")
    third = import_file(changed, url=db, today=TODAY, who="clerk2")
    assert (third.inserted, third.updated) == (0, 1)
    with session_scope(db) as s:
        row = s.execute(select(m.CaseFile).where(m.CaseFile.number == "CF2026-00001")).scalar_one()
        audit = s.execute(select(m.AuditLog).where(m.AuditLog.action == "import_update")).scalar_one()
    assert row.fine_yuan == 300 and row.version == 2
    assert audit.before["fine_yuan"] == 200 and audit.after["fine_yuan"] == 300 and audit.who == "clerk2"


def test_bad_rows_are_reported_and_good_rows_still_go_in(db, tmp_path):
    bad = [
        GOOD[0],
        GOOD[1].replace("outdoor_advertising", "jaywalking"),  # row 3: unknown violation
        GOOD[0].replace("CF2026-00001", "CF2026-00011").replace("2026-03-20", "2027-01-01"),  # row 4: future date
        # row 5: no such date
        GOOD[0].replace("CF2026-00001", "CF2026-00012").replace("2026-03-01,2026-03-01", "2026-02-30,2026-03-01"),
        # row 6: unknown officer
        GOOD[0].replace("CF2026-00001", "CF2026-00013").replace("SP01001;SP01002", "SP01001;SP09999"),
        # row 7: unknown circumstance
        GOOD[0].replace("CF2026-00001", "CF2026-00014").replace(",,200", ",nap_time,200"),
        GOOD[0].replace("CF2026-00001", "CF2026-00015").replace(",200,", ",-5,"),  # row 8: negative fine
        GOOD[0].replace("CF2026-00001", "CF2026-00016").replace("处罚决定书", "感谢信"),  # row 9: unknown document
        # row 10: decision before filing
        GOOD[0].replace("CF2026-00001", "CF2026-00017").replace("2026-03-02,2026-03-20", "2026-03-25,2026-03-20"),
        GOOD[0].replace("CF2026-00001", "").replace(",person,", ",person,"),  # row 11: empty number
        GOOD[0].replace("CF2026-00001", "CF2026-00018").replace(",person,", ",robot,"),  # row 12: unknown party kind
        # row 13: bad fact
        GOOD[0].replace("CF2026-00001", "CF2026-00019").replace('""area_m2"": 4', '""area_m2"": ""big""'),
    ]
    result = import_file(_write(tmp_path, [HEADER, *bad]), url=db, today=TODAY)
    by_row = {p.row: p for p in result.errors}
    assert sorted(by_row) == list(range(3, 14))
    assert by_row[3].column == "violation" and "jaywalking" in by_row[3].message and "street_vending" in by_row[3].fix
    assert by_row[4].column == "decision_date" and "future" in by_row[4].message
    assert by_row[5].column == "act_date" and "not a date" in by_row[5].message and "YYYY-MM-DD" in by_row[5].fix
    assert by_row[6].column == "officers" and "SP09999" in by_row[6].message
    assert by_row[7].column == "circumstances" and "nap_time" in by_row[7].message
    assert by_row[8].column == "fine_yuan"
    assert by_row[9].column == "documents" and "感谢信" in by_row[9].message
    assert by_row[10].column == "decision_date" and "filing_date" in by_row[10].message
    assert by_row[11].column == "number" and by_row[11].message == "empty"
    assert by_row[12].column == "party_kind" and "robot" in by_row[12].message
    assert by_row[13].column == "facts" and "area_m2" in by_row[13].message
    assert all(p.fix for p in result.errors)
    assert result.inserted == 1 and _count(db, m.CaseFile) == 1


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(db, tmp_path):
    lines = [HEADER, *GOOD, GOOD[1].replace("CF2026-00002", "CF2026-00009").replace("2026-02-10", "2030-02-10")]
    result = import_file(_write(tmp_path, lines), url=db, today=TODAY, all_or_nothing=True)
    assert len(result.errors) == 1 and not result.written and result.inserted == 0
    assert _count(db, m.CaseFile) == 0 and _count(db, m.AuditLog) == 0


def test_nothing_is_lost_when_an_import_fails_halfway(db, tmp_path, monkeypatch):
    import_file(_write(tmp_path, [HEADER, GOOD[0]]), url=db, today=TODAY)
    import workbench.importer.service as importing

    calls = {"n": 0}
    real_audit = importing.audit

    def failing_audit(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real_audit(*args, **kwargs)

    monkeypatch.setattr(importing, "audit", failing_audit)
    changed = [GOOD[0].replace(",200,standard", ",400,standard"), GOOD[1], GOOD[2]]
    with pytest.raises(RuntimeError, match="disk full"):
        import_file(_write(tmp_path, [HEADER, *changed], name="second.csv"), url=db, today=TODAY)
    with session_scope(db) as s:
        rows = s.execute(select(m.CaseFile)).scalars().all()
        assert [(r.number, r.fine_yuan, r.version) for r in rows] == [("CF2026-00001", 200, 1)]
        assert s.execute(select(func.count()).select_from(m.AuditLog)).scalar() == 1


def test_duplicate_rows(db, tmp_path):
    lines = [HEADER, GOOD[0], GOOD[1], GOOD[0], GOOD[1].replace(",2000,", ",2500,")]
    result = import_file(_write(tmp_path, lines), url=db, today=TODAY)
    assert result.duplicates == 1
    dup = [p for p in result.problems if p.severity == "warning" and p.row == 4]
    assert dup and "same as row 2" in dup[0].message
    conflict_rows = sorted(p.row for p in result.errors)
    assert conflict_rows == [3, 5] and all("different values" in p.message for p in result.errors)
    assert result.inserted == 1 and _count(db, m.CaseFile) == 1


def test_encodings(db, tmp_path):
    gb = import_file(_write(tmp_path, [HEADER, *GOOD], name="gb.csv", encoding="gb18030"), url=db, today=TODAY)
    assert gb.encoding == "gb18030" and gb.inserted == 3 and "GB18030" in gb.problems[0].message
    with session_scope(db) as s:
        masked = s.execute(select(m.CaseFile.party_name_masked).where(m.CaseFile.number == "CF2026-00001")).scalar()
        assert masked == "张*丰"
    bom = _write(tmp_path, [HEADER, *GOOD], name="bom.csv", encoding="utf-8-sig")
    assert import_file(bom, url=db, today=TODAY).unchanged == 3
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(HEADER.encode() + b"\n\xff\xff\xff\xfe\x80\x80,person\n")
    with pytest.raises(InputError, match="neither UTF-8 nor GB18030"):
        import_file(garbage, url=db, today=TODAY)


def test_empty_and_headless_files(db, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        import_file(empty, kind="cases", url=db, today=TODAY)
    header_only = import_file(_write(tmp_path, [HEADER], name="header.csv"), url=db, today=TODAY)
    assert header_only.rows == 0 and header_only.errors == [] and header_only.inserted == 0
    missing = import_file(
        _write(tmp_path, ["number,party_kind", "CF1,person"], name="missing.csv"), kind="cases", url=db, today=TODAY
    )
    assert missing.errors and missing.errors[0].row == 1 and "violation" in missing.errors[0].column
    assert not missing.written and _count(db, m.CaseFile) == 0


def test_xlsx_with_chinese_headers_and_excel_dates(db, tmp_path):
    book = Workbook()
    ws = book.active
    ws.append(
        [
            "案号",
            "当事人类型",
            "当事人",
            "违法行为",
            "违法行为发生日期",
            "决定日期",
            "执法人员",
            "fact.area_m2",
            "fact.repeat_count",
            "fact.key_road",
            "罚款",
        ]
    )
    ws.append(
        [
            "CF2026-00100",
            "个人",
            "王五",
            "street_vending",
            dt.datetime(2026, 4, 1),
            dt.datetime(2026, 4, 9),
            "SP01001；SP01002",
            2.5,
            0,
            "否",
            100,
        ]
    )
    ws.append(
        [
            "CF2026-00101",
            "单位",
            "某某有限公司",
            "street_vending",
            dt.datetime(2026, 4, 1),
            None,
            "SP01001",
            1,
            0,
            False,
            None,
        ]
    )
    path = tmp_path / "cases.xlsx"
    book.save(path)
    result = import_file(path, url=db, today=TODAY)
    assert result.errors == [] and result.inserted == 2 and result.kind == "cases"
    with session_scope(db) as s:
        row = s.execute(select(m.CaseFile).where(m.CaseFile.number == "CF2026-00100")).scalar_one()
    assert row.facts == {"area_m2": 2.5, "repeat_count": 0, "key_road": False} and row.officers == [
        "SP01001",
        "SP01002",
    ]
    assert row.decision_date == dt.date(2026, 4, 9) and row.party_name_masked == "王*"


def test_reports_are_classified_by_the_engine_on_import(db, tmp_path):
    lines = [
        "事件编号,来源,类别,受理时间,社区,重点路段,影响人数,标记",
        "R2026-000001,热线,street_vending,2026-06-01 09:30,xiaoshui,是,0,",
        "R2026-000002,camera,illegal_construction,2026-06-02T10:00,chengbei,false,3,repeat_complaint",
        "R2026-000003,pigeon,street_vending,2026-06-02 10:00,chengbei,false,0,",
        "R2026-000004,camera,alien_landing,2026-06-02 10:00,chengbei,false,0,",
        "R2026-000005,camera,street_vending,2026-07-02 10:00,chengbei,false,0,",
    ]
    result = import_file(_write(tmp_path, lines, name="reports.csv"), url=db, today=TODAY)
    assert result.kind == "reports" and result.inserted == 2
    by_row = {p.row: p for p in result.errors}
    assert by_row[4].column == "来源" and "pigeon" in by_row[4].message
    assert by_row[5].column == "类别" and "alien_landing" in by_row[5].message
    assert by_row[6].column == "受理时间" and "future" in by_row[6].message
    with session_scope(db) as s:
        report = s.execute(select(m.Report).where(m.Report.number == "R2026-000001")).scalar_one()
        events = s.execute(select(m.ReportEvent).where(m.ReportEvent.report_id == report.id)).scalars().all()
    assert report.source == "hotline" and report.lead == "urban_management" and report.severity
    assert report.due_at > report.received_at and report.rules_version and report.key_road is True
    assert [e.action for e in events] == ["import"]


REPORT_HEADER = "number,source,category,received_at,community,key_road,people_affected,flags,status"


def _report(url, number):
    with session_scope(url) as s:
        report = s.execute(select(m.Report).where(m.Report.number == number)).scalar_one()
        events = (
            s.execute(select(m.ReportEvent).where(m.ReportEvent.report_id == report.id).order_by(m.ReportEvent.id))
            .scalars()
            .all()
        )
        audits = (
            s.execute(select(m.AuditLog).where(m.AuditLog.action == "report.import").order_by(m.AuditLog.id))
            .scalars()
            .all()
        )
        s.expunge_all()
    return report, events, audits


def test_reimport_keeps_a_staff_override_and_says_so(db, tmp_path, capsys):
    from workbench import triage

    first = _write(
        tmp_path,
        [
            REPORT_HEADER,
            "R2026-000010,hotline,street_vending,2026-06-01 09:30,xiaoshui,false,0,,received",
            "R2026-000011,hotline,street_vending,2026-06-01 09:40,xiaoshui,false,0,,received",
        ],
        name="reports.csv",
    )
    assert import_file(first, url=db, today=TODAY).inserted == 2
    report, _, _ = _report(db, "R2026-000010")
    assert report.severity == "general" and not report.overridden
    triage.override(
        report.id,
        "platform_02",
        "现场涉及多个部门 · several departments on site",
        {"severity": "composite", "coordination_level": 2, "handle_within_hours": 12},
        url=db,
    )
    staff, _, _ = _report(db, "R2026-000010")

    # the inputs change so that the engine now says major (casualties), and the receipt time is corrected
    second = _write(
        tmp_path,
        [
            REPORT_HEADER,
            "R2026-000010,hotline,street_vending,2026-06-01 08:30,xiaoshui,false,0,casualties,received",
            "R2026-000011,hotline,street_vending,2026-06-01 09:40,xiaoshui,false,0,casualties,received",
        ],
        name="reports2.csv",
    )
    result = import_file(second, url=db, today=TODAY, who="clerk")
    assert result.errors == [] and (result.inserted, result.updated, result.unchanged) == (0, 2, 0)
    assert result.kept_overrides == 1 and "1 staff override(s) kept" in result.summary()
    kept, events, _ = _report(db, "R2026-000010")
    # the staff's classification stands, the inputs and the engine's own answer are new
    assert (kept.severity, kept.coordination_level, kept.handle_within_hours) == ("composite", 2, 12.0)
    assert (kept.lead, kept.escalate_to, kept.rules_version) == (staff.lead, staff.escalate_to, staff.rules_version)
    assert kept.overridden and kept.override_reason == staff.override_reason and kept.override_by == "platform_02"
    assert kept.flags == ["casualties"] and kept.received_at == dt.datetime(2026, 6, 1, 8, 30)
    assert kept.due_at == dt.datetime(2026, 6, 1, 20, 30)  # the staff's 12 h from the corrected receipt time
    assert kept.classification_by_engine["severity"] == "major"
    assert kept.classification_by_engine["handle_within_hours"] == 1
    assert kept.classification_by_engine["rules_version"] == kept.rules_version
    # the report without an override follows the engine
    plain, _, _ = _report(db, "R2026-000011")
    assert (plain.severity, plain.coordination_level, plain.handle_within_hours) == ("major", 3, 1.0)
    assert plain.classification_by_engine["severity"] == "major" and not plain.overridden
    # the import report names the row, the report and what the engine now says
    [notice] = [p for p in result.problems if p.severity == "warning"]
    assert notice.row == 2
    assert str(notice).startswith("row 2: kept the staff override of R2026-000010; the engine now says severity major")
    assert "staff have severity composite" in notice.message and "platform_02" in notice.message
    # no status change: no history step from this import
    assert [e.action for e in events] == ["import", "override"]
    # the same file again changes nothing and says nothing
    again = import_file(second, url=db, today=TODAY, who="clerk")
    assert (again.updated, again.unchanged, again.kept_overrides, again.problems) == (0, 2, 0, [])
    # the command prints the notice as a warning and succeeds
    third = _write(
        tmp_path,
        [REPORT_HEADER, "R2026-000010,hotline,street_vending,2026-06-01 08:30,xiaoshui,false,7,casualties,received"],
        name="reports3.csv",
    )
    assert main(["import", str(third), "--kind", "reports", "--db", db]) == 0
    out = capsys.readouterr()
    assert "warning: row 2: kept the staff override of R2026-000010; the engine now says severity major" in out.err
    assert "1 staff override(s) kept" in out.out
    final, _, _ = _report(db, "R2026-000010")
    assert final.severity == "composite" and final.people_affected == 7


def test_reimport_status_change_writes_history_and_audit(db, tmp_path):
    row = "R2026-000020,camera,street_vending,2026-06-02 10:00,chengbei,false,0,,{}"
    path = _write(tmp_path, [REPORT_HEADER, row.format("received")], name="reports.csv")
    import_file(path, url=db, today=TODAY, who="clerk")
    moved = _write(tmp_path, [REPORT_HEADER, row.format("dispatched")], name="moved.csv")
    result = import_file(moved, url=db, today=TODAY, who="clerk")
    assert (result.updated, result.problems) == (1, [])
    report, events, audits = _report(db, "R2026-000020")
    assert report.status == "dispatched" and report.version == 2
    assert [(e.action, e.who, e.from_status, e.to_status) for e in events] == [
        ("import", "clerk", None, "received"),
        ("import", "clerk", "received", "dispatched"),
    ]
    assert "moved.csv row 2" in events[-1].note
    [entry] = audits
    assert (entry.who, entry.entity, entry.entity_id) == ("clerk", "report", str(report.id))
    assert entry.before == {"status": "received"} and entry.after == {"status": "dispatched"}
    assert "R2026-000020" in entry.note and "moved.csv row 2" in entry.note
    # an unchanged re-import writes nothing; the default name is "import"; closing sets closed_at
    assert import_file(moved, url=db, today=TODAY).unchanged == 1
    assert len(_report(db, "R2026-000020")[1]) == 2
    closed = _write(tmp_path, [REPORT_HEADER, row.format("closed")], name="closed.csv")
    import_file(closed, url=db, today=TODAY)
    report, events, audits = _report(db, "R2026-000020")
    assert report.status == "closed" and report.closed_at is not None
    assert (events[-1].who, events[-1].from_status, events[-1].to_status) == ("import", "dispatched", "closed")
    assert len(audits) == 2 and audits[-1].who == "import"


def test_status_event_is_in_the_same_transaction_as_the_change(db, tmp_path, monkeypatch):
    import workbench.triage.base as importing  # the status event and its audit row are written by the triage service

    row = "R2026-000030,camera,street_vending,2026-06-02 10:00,chengbei,false,0,,{}"
    import_file(_write(tmp_path, [REPORT_HEADER, row.format("received")], name="reports.csv"), url=db, today=TODAY)
    real_audit = importing.audit

    def failing_audit(session, who, action, *args, **kwargs):
        if action == "report.import":
            raise RuntimeError("disk full")
        return real_audit(session, who, action, *args, **kwargs)

    monkeypatch.setattr(importing, "audit", failing_audit)
    with pytest.raises(RuntimeError, match="disk full"):
        import_file(_write(tmp_path, [REPORT_HEADER, row.format("filed")], name="moved.csv"), url=db, today=TODAY)
    report, events, audits = _report(db, "R2026-000030")
    assert (report.status, report.version, len(events), audits) == ("received", 1, 1, [])


def test_import_command_exit_status_and_messages(db, tmp_path, capsys):
    path = _write(tmp_path, [HEADER, GOOD[0], GOOD[1].replace("outdoor_advertising", "jaywalking")])
    assert main(["import", str(path), "--db", db, "--all-or-nothing"]) == 2
    captured = capsys.readouterr()
    assert "row 3, column violation: unknown violation code 'jaywalking'" in captured.err
    assert "nothing written" in captured.out
    assert _count(db, m.CaseFile) == 0
    assert main(["import", str(path), "--db", db]) == 2
    assert "1 inserted" in capsys.readouterr().out
    ok = _write(tmp_path, [HEADER, GOOD[0]], name="ok.csv")
    assert main(["import", str(ok), "--db", db]) == 0
    assert "1 unchanged" in capsys.readouterr().out


def test_masking():
    assert mask_name("张三") == "张*" and mask_name("欧阳明日") == "欧**日" and mask_name("张*丰") == "张*丰"
    assert mask_name("永州市双牌县恒达商贸有限公司") == "永州市**有限公司"
    assert mask_id("431123199001011234") == "431123***********4"


def test_export_csv_and_xlsx_round_trip_chinese(tmp_path):
    columns = ["number", "name", "when", "tags", "facts", "fine"]
    rows = [
        {
            "number": "CF1",
            "name": "张*丰",
            "when": dt.date(2026, 1, 2),
            "tags": ["a", "b"],
            "facts": {"x": 1},
            "fine": 200,
        },
        ("CF2", "双牌县**公司", dt.datetime(2026, 1, 3, 9, 30), [], None, None),
    ]
    assert export_rows(columns, rows, tmp_path / "out.csv") == 2
    raw = (tmp_path / "out.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel opens UTF-8 with a BOM correctly
    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as handle:
        got = list(csv.reader(handle))
    assert got == [
        columns,
        ["CF1", "张*丰", "2026-01-02", "a; b", '{"x": 1}', "200"],
        ["CF2", "双牌县**公司", "2026-01-03 09:30", "", "", ""],
    ]
    headers = ["案号", "当事人", "日期", "标签", "事实", "罚款"]
    assert export_rows(columns, rows, tmp_path / "out.xlsx", headers=headers) == 2
    ws = load_workbook(tmp_path / "out.xlsx").active
    values = list(ws.values)
    assert values[0][0] == "案号" and values[1][1] == "张*丰" and values[1][5] == 200
    assert values[2][2] == dt.datetime(2026, 1, 3, 9, 30)
    with pytest.raises(InputError, match=".csv or .xlsx"):
        export_rows(columns, rows, tmp_path / "out.pdf")


def test_export_table_hides_the_generator_columns_and_reimports(tmp_path):
    from workbench.demo import build_demo

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)
    build_demo(url, seed=5, anchor=TODAY, cases=40, reports=10)
    n = export_table(
        __import__("workbench.store.db", fromlist=["get_engine"]).get_engine(url), "case_file", tmp_path / "cases.csv"
    )
    assert n == 40
    header = (tmp_path / "cases.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert "planted_defects" not in header and "number" in header
    result = import_file(tmp_path / "cases.csv", url=url, today=TODAY)
    assert result.errors == [] and result.unchanged == 40 and result.inserted == 0
    assert main(["export", "case_file", str(tmp_path / "all.xlsx"), "--db", url, "--include-hidden"]) == 0
    ws = load_workbook(tmp_path / "all.xlsx").active
    assert "planted_defects" in next(ws.values)
    assert main(["export", "no_such_table", str(tmp_path / "x.csv"), "--db", url]) == 2


def test_export_views_of_the_apps(tmp_path, capsys):
    from workbench.demo import build_demo

    url = f"sqlite:///{tmp_path / 'views.db'}"
    upgrade(url)
    build_demo(url, seed=5, anchor=TODAY, cases=30, reports=60)
    with session_scope(url) as s:
        open_count = s.execute(
            select(func.count()).select_from(m.Report).where(m.Report.status.in_(m.OPEN_REPORT_STATUSES))
        ).scalar()
    assert main(["export", "open_reports", str(tmp_path / "open.csv"), "--db", url]) == 0
    lines = (tmp_path / "open.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("number,received_at") and len(lines) == open_count + 1 and open_count > 0
    assert main(["export", "case_counts", str(tmp_path / "counts.xlsx"), "--db", url]) == 0
    rows = list(load_workbook(tmp_path / "counts.xlsx").active.values)
    assert rows[0] == ("violation", "level_applied", "cases", "fines_yuan") and sum(r[2] for r in rows[1:]) <= 30
    capsys.readouterr()
    assert main(["export", "report", str(tmp_path / "r.csv"), "--db", f"sqlite:///{tmp_path / 'none.db'}"]) == 1
    assert "workbench init" in capsys.readouterr().err
