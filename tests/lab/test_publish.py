"""Publishing a draft: appended byte for byte, recorded, refused when wrong, safe under concurrency and kill."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbench.errors import InputError
from workbench.lab.drafts import draft_from_published, read_versions, save_draft_file
from workbench.lab.publish import PAUSE_ENV, PublishRefused, publish

REPO = Path(__file__).resolve().parents[2]
SV = "discretion/street_vending.yaml"


def _records(url):
    from sqlalchemy import select

    from workbench.store import session_scope
    from workbench.store.models import AuditLog, RuleVersion

    with session_scope(url) as s:
        versions = s.execute(select(RuleVersion).order_by(RuleVersion.id)).scalars().all()
        audits = (
            s.execute(select(AuditLog).where(AuditLog.entity == "rule_version").order_by(AuditLog.id)).scalars().all()
        )
    return versions, audits


def _lighter_draft(rules):
    draft = draft_from_published(rules, "street_vending")
    row = next(r for r in draft.levels if r["id"] == "sv_lighter")
    row["fine"]["person"] = [20, 80]
    return draft


def test_publish_appends_the_version_and_keeps_the_file_byte_for_byte(rules_copy, empty_db):
    from workbench.rulebook import content_hash, load_rulebook

    path = rules_copy / SV
    original = path.read_bytes()
    result = publish(
        _lighter_draft(rules_copy),
        effective_from="2027-01-01",
        reason="小面积占道进一步从宽",
        author="张法制",
        rules_dir=rules_copy,
        db_url=empty_db,
    )
    new = path.read_bytes()
    assert new.startswith(original)  # comments, layout and old versions untouched
    assert new[len(original) :].lstrip(b"\n").startswith(b"  - effective_from: 2027-01-01\n")
    _, versions = read_versions(new.decode())
    assert [v["effective_from"] for v in versions] == ["2021-07-15", "2025-01-01", "2027-01-01"]
    assert versions[-1]["reason"] == "小面积占道进一步从宽" and versions[-1]["published_by"] == "张法制"
    assert next(r for r in versions[-1]["levels"] if r["id"] == "sv_lighter")["fine"]["person"] == [20, 80]
    book = load_rulebook(rules_copy)  # the whole rulebook still loads and lints clean
    assert [str(v.effective_from) for v in book.benchmarks["street_vending"].versions][-1] == "2027-01-01"
    assert result.rules_version == content_hash(rules_copy) == book.version
    assert result.tests_run == len(book.tests)

    versions_rows, audits = _records(empty_db)
    assert len(versions_rows) == 1 and len(audits) == 1
    row = versions_rows[0]
    assert (row.author, row.reason, row.violation, row.effective_from) == (
        "张法制",
        "小面积占道进一步从宽",
        "street_vending",
        dt.date(2027, 1, 1),
    )
    assert row.content_hash == hashlib.sha256(new).hexdigest() == result.content_hash
    assert row.content == new.decode() and row.file == SV
    assert (
        audits[0].who == "张法制"
        and audits[0].action == "publish_benchmark"
        and audits[0].note == "小面积占道进一步从宽"
    )
    assert audits[0].before["content_hash"] == hashlib.sha256(original).hexdigest()
    assert audits[0].after["content_hash"] == row.content_hash


def test_art37_acts_before_the_new_version_keep_the_old_one_unless_the_new_is_lighter(rules_copy, empty_db):
    from workbench.engine import get_engine

    draft = _lighter_draft(rules_copy)  # small areas lighter (20–80 instead of 20–100) ...
    next(r for r in draft.levels if r["id"] == "sv_standard")["fine"]["person"] = [
        100,
        450,
    ]  # ... the standard band heavier
    publish(
        draft,
        effective_from="2027-01-01",
        reason="小面积从宽，一般情形从严",
        author="张法制",
        rules_dir=rules_copy,
        db_url=empty_db,
    )
    engine = get_engine(rules_copy)
    case = {
        "violation": "street_vending",
        "act_date": "2026-10-01",
        "discovered_date": "2026-10-02",
        "decision_date": "2027-02-01",
        "party": {"kind": "person", "age": 40},
        "facts": {"area_m2": 4, "repeat_count": 0},
        "circumstances": [],
    }
    d = engine.decide(case).to_dict()  # act before 2027-01-01, decided after: the new version is lighter here
    assert d["fine_yuan"] == {"min": 20, "max": 80} and d["benchmark_version"] == "2027-01-01"
    assert any(t["rule"] == "art37" and "lighter" in t["why"] for t in d["trace"])

    standard = dict(case, facts={"area_m2": 6, "repeat_count": 0})
    d = engine.decide(standard).to_dict()  # the new version is heavier for this case: the old one stays
    assert d["fine_yuan"] == {"min": 100, "max": 400} and d["benchmark_version"] == "2025-01-01"
    assert any(t["rule"] == "art37" and "not lighter" in t["why"] for t in d["trace"])
    after = dict(standard, act_date="2027-01-05", discovered_date="2027-01-06")
    # acts after the date: the new one (judged as of a county date after them)
    assert engine.decide(after, today=dt.date(2027, 2, 1)).to_dict()["fine_yuan"] == {"min": 100, "max": 450}


def test_refused_while_lint_errors_remain_nothing_written(rules_copy, empty_db):
    path = rules_copy / SV
    original = path.read_bytes()
    draft = draft_from_published(rules_copy, "street_vending")
    next(r for r in draft.levels if r["id"] == "sv_lighter")["fine"]["person"] = [20, 1500]  # above the statutory 1,000
    with pytest.raises(PublishRefused) as info:
        publish(draft, effective_from="2027-01-01", reason="r", author="a", rules_dir=rules_copy, db_url=empty_db)
    assert "problem" in info.value.headline
    assert any("street_vending.yaml:" in r and "statutory range" in r for r in info.value.reasons)
    assert path.read_bytes() == original
    assert _records(empty_db) == ([], [])


def test_refused_while_a_rule_test_fails(rules_copy, empty_db):
    tests = rules_copy / "tests" / "lab_extra.yaml"
    tests.write_text(
        "# lab test\ntests:\n  - name: 2027 面积4㎡ → 从轻 20–100\n"
        "    decide: {violation: street_vending, act_date: 2027-03-01, decision_date: 2027-03-10, "
        "party: {kind: person, age: 40}, facts: {area_m2: 4, repeat_count: 0}}\n"
        "    expect: {level: lighter, fine_yuan: {min: 20, max: 100}}\n",
        encoding="utf-8",
    )
    original = (rules_copy / SV).read_bytes()
    with pytest.raises(PublishRefused) as info:
        publish(
            _lighter_draft(rules_copy),
            effective_from="2027-01-01",
            reason="r",
            author="a",
            rules_dir=rules_copy,
            db_url=empty_db,
        )
    assert "rule test" in info.value.headline
    assert any("lab_extra.yaml" in r and "expected" in r and "'max': 80" in r for r in info.value.reasons)
    assert (rules_copy / SV).read_bytes() == original


def test_refused_without_reason_with_an_old_date_or_a_stale_draft(rules_copy, empty_db):
    draft = _lighter_draft(rules_copy)
    with pytest.raises(InputError, match="reason"):
        publish(draft, effective_from="2027-01-01", reason="  ", author="a", rules_dir=rules_copy, db_url=empty_db)
    with pytest.raises(PublishRefused, match="after the last version's \\(2025-01-01\\)"):
        publish(draft, effective_from="2025-01-01", reason="r", author="a", rules_dir=rules_copy, db_url=empty_db)
    other = _lighter_draft(rules_copy)
    publish(other, effective_from="2027-01-01", reason="first", author="甲", rules_dir=rules_copy, db_url=empty_db)
    with pytest.raises(PublishRefused, match="changed since this draft was started"):  # draft.based_on is the old file
        publish(draft, effective_from="2027-06-01", reason="second", author="乙", rules_dir=rules_copy, db_url=empty_db)
    assert len(_records(empty_db)[0]) == 1


def _cli(rules, db, draft_file, day, author, pause=None, wait=30):
    env = dict(os.environ)
    env.pop(PAUSE_ENV, None)
    if pause:
        env[PAUSE_ENV] = str(pause)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "workbench.cli",
            "publish",
            "--draft",
            str(draft_file),
            "--effective-from",
            day,
            "--reason",
            f"reason of {author}",
            "--author",
            author,
            "--rules",
            str(rules),
            "--db",
            db,
            "--wait",
            str(wait),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_pause(process, timeout=90):
    """Read the publisher's stderr until it says the temporary file is written (it then sleeps)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if "pausing" in line:
            return line
        if not line and process.poll() is not None:
            raise AssertionError(f"publisher ended early: {process.returncode}")
    raise AssertionError("publisher never reached the write")


def _draft_file(rules, tmp_path, name, person_band):
    draft = draft_from_published(rules, "street_vending")
    draft.based_on = None  # both publishers start from the same file; the second must append after the first
    next(r for r in draft.levels if r["id"] == "sv_lighter")["fine"]["person"] = person_band
    return save_draft_file(draft, tmp_path / name)


def test_two_concurrent_publishers_never_lose_an_update(rules_copy, empty_db, tmp_path):
    a = _draft_file(rules_copy, tmp_path, "a.yaml", [20, 80])
    b = _draft_file(rules_copy, tmp_path, "b.yaml", [20, 90])
    first = _cli(rules_copy, empty_db, a, "2027-01-01", "甲", pause=2)
    _wait_for_pause(first)  # A holds the lock, its file is half way
    second = _cli(rules_copy, empty_db, b, "2027-06-01", "乙")
    out_a, err_a = first.communicate(timeout=120)
    out_b, err_b = second.communicate(timeout=120)
    assert first.returncode == 0, err_a
    assert second.returncode == 0, err_b  # it waited for the lock, then appended after A
    _, versions = read_versions((rules_copy / SV).read_text(encoding="utf-8"))
    assert [v["effective_from"] for v in versions] == ["2021-07-15", "2025-01-01", "2027-01-01", "2027-06-01"]
    assert [v["published_by"] for v in versions[2:]] == ["甲", "乙"]
    rows, audits = _records(empty_db)
    assert [r.author for r in rows] == ["甲", "乙"] and len(audits) == 2

    # the same date from a third publisher while the first holds the lock: a clear refusal, no lost version
    c = _draft_file(rules_copy, tmp_path, "c.yaml", [20, 70])
    d = _draft_file(rules_copy, tmp_path, "d.yaml", [20, 60])
    third = _cli(rules_copy, empty_db, c, "2028-01-01", "丙", pause=2)
    _wait_for_pause(third)
    fourth = _cli(rules_copy, empty_db, d, "2028-01-01", "丁")
    third.communicate(timeout=120)
    _, err = fourth.communicate(timeout=120)
    assert third.returncode == 0 and fourth.returncode == 1
    assert "refused" in err and "must be after the last version's (2028-01-01)" in err
    _, versions = read_versions((rules_copy / SV).read_text(encoding="utf-8"))
    assert [v["published_by"] for v in versions[2:]] == ["甲", "乙", "丙"]


def test_a_kill_during_the_write_leaves_the_old_file(rules_copy, empty_db, tmp_path):
    from workbench.lab.drafts import load_draft_file
    from workbench.rulebook import load_rulebook

    path = rules_copy / SV
    original = path.read_bytes()
    a = _draft_file(rules_copy, tmp_path, "a.yaml", [20, 80])
    b = _draft_file(rules_copy, tmp_path, "b.yaml", [20, 90])
    publisher = _cli(rules_copy, empty_db, a, "2027-01-01", "甲", pause=60)
    _wait_for_pause(publisher)
    leftovers = list(path.parent.glob(".street_vending.yaml.*.tmp"))
    assert len(leftovers) == 1 and b"2027-01-01" in leftovers[0].read_bytes()  # the new text was on disk

    impatient = _cli(rules_copy, empty_db, b, "2027-06-01", "乙", wait=0.5)  # cannot get the lock in time
    _, err = impatient.communicate(timeout=60)
    assert impatient.returncode == 1 and "another publication" in err and "Nothing was written" in err

    publisher.send_signal(signal.SIGKILL)
    publisher.wait(timeout=30)
    assert path.read_bytes() == original  # the old file, whole
    load_rulebook(rules_copy)  # and the rules load (the temporary file is not a rule file)
    assert _records(empty_db) == ([], [])  # nothing recorded: the transaction never committed

    # the lock died with the process: publishing again works and clears the leftover
    publish(
        load_draft_file(a),
        effective_from="2027-01-01",
        reason="again",
        author="甲",
        rules_dir=rules_copy,
        db_url=empty_db,
    )
    assert path.read_bytes().startswith(original) and not list(path.parent.glob(".street_vending.yaml.*.tmp"))
    assert [r.author for r in _records(empty_db)[0]] == ["甲"]


def test_refused_when_the_store_cannot_record_it(rules_copy, tmp_path):
    path = rules_copy / SV
    original = path.read_bytes()
    with pytest.raises(PublishRefused, match="the store cannot record the version"):
        publish(
            _lighter_draft(rules_copy),
            effective_from="2027-01-01",
            reason="r",
            author="a",
            rules_dir=rules_copy,
            db_url=f"sqlite:///{tmp_path / 'not-initialised.db'}",
        )
    assert path.read_bytes() == original
