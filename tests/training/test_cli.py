"""``workbench training``: list, answers (from the engine), export; bad ids exit 2."""

import json

import openpyxl

from workbench.cli import main


def test_list_and_answers(capsys, engine):
    assert main(["training", "list", "--topic", "art37"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert {line.split("\t")[0] for line in lines} == {"lt-art37-old-and-new", "lt-art37-noise"}
    assert main(["training", "answers", "gp-minor-under-14"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["answers"] == {"penalize": False, "basis": ["行政处罚法 第三十条"]}
    assert record["rules_version"] == engine.version
    assert main(["training", "answers", "no-such-id"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "no-such-id" in captured.err


def test_export(db_url, tmp_path, capsys):
    target = tmp_path / "out.xlsx"
    assert main(["training", "export", str(target), "--db", db_url]) == 0
    assert len(openpyxl.load_workbook(target).sheetnames) == 7
