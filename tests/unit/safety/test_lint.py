"""Trainer lint and the `python -m kuanxian.safety` command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kuanxian.safety.lint import DOCS_BEGIN, DOCS_END, main, rules_markdown

ROOT = Path(__file__).resolve().parents[3]

GOOD_DOMAIN = """\
version: "3.1"
intents:
  - greet
responses:
  utter_greet:
    - text: "您好，我是宽限的智能助手。"
    - text: 您好，有什么可以帮您？
  utter_options:
    - text: |
        我们可以为您安排分期。
        也可以申请延期。
      buttons:
        - title: 分期
          payload: /ask_installment
        - title: 转人工
          payload: /handoff
"""

BAD_DOMAIN = """\
version: "3.1"
responses:
  utter_ok:
    - text: "好的，我们会为您安排。"
  utter_bad:
    - text: "您好。"
    - text: "今天不还就后果自负"
  utter_block:
    - text: |
        您好，提醒您本期账单已逾期。
        不还钱就联系你家人。
  utter_buttons:
    - text: "请选择"
      buttons:
        - title: 我是老赖
          payload: /x
"""

BAD_STORIES = """\
version: "3.1"
stories:
  - story: pressure
    steps:
      - intent: greet
      - bot: 您好
      - action: utter_greet
      - bot: 我们会派人去你单位
"""


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return tmp_path


def test_clean_project_exits_zero_with_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path, {"domain.yml": GOOD_DOMAIN, "data/stories.yml": "stories: []\n"})
    assert main(["lint", "--root", str(root)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert "未发现违规" in out[0] and "5 条" in out[0]


def test_violations_are_reported_with_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path, {"domain.yml": BAD_DOMAIN, "data/stories.yml": BAD_STORIES})
    assert main(["lint", "--root", str(root)]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    domain = str(root / "domain.yml")
    stories = str(root / "data" / "stories.yml")
    assert any(line.startswith(f"{domain}:7 urgency.consequences ") for line in lines), lines
    assert any(line.startswith(f"{domain}:11 disclosure.family ") for line in lines), lines
    assert any(line.startswith(f"{domain}:15 insult.labels ") for line in lines), lines
    assert any(line.startswith(f"{stories}:8 threat.visit ") for line in lines), lines
    assert not any(":4 " in line or ":6 " in line for line in lines if line.startswith(domain))
    for line in lines:
        assert "建议：" in line


def test_relative_root_prints_relative_paths(tmp_path: Path) -> None:
    _project(tmp_path, {"domain.yml": BAD_DOMAIN})
    proc = subprocess.run(
        [sys.executable, "-m", "kuanxian.safety", "lint"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 1
    assert proc.stdout.startswith("domain.yml:")
    assert "发现" in proc.stderr


def test_response_yaml_under_data_and_test_stories(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(
        tmp_path,
        {
            "data/responses/extra.yaml": "responses:\n  utter_x:\n    - text: 再不还钱就爆你通讯录\n",
            "tests/test_stories.yml": BAD_STORIES,
        },
    )
    assert main(["lint", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert "extra.yaml:3 disclosure.contacts" in out
    assert "test_stories.yml:8 threat.visit" in out


def test_broken_yaml_exits_two_without_traceback(tmp_path: Path) -> None:
    broken = "nlu:\n  - intent: greet\n    examples: |\n  - bad: [\n"
    _project(tmp_path, {"domain.yml": GOOD_DOMAIN, "data/nlu.yml": broken})
    proc = subprocess.run(
        [sys.executable, "-m", "kuanxian.safety", "lint", "--root", str(tmp_path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    first = proc.stdout.strip().splitlines()[0]
    assert first.startswith(f"{tmp_path / 'data' / 'nlu.yml'}:")
    assert ": YAML error" in first


def test_a_trainers_broken_yaml_is_reported_at_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A button list indented one space too far on line 7.
    broken = 'version: "3.1"\nresponses:\n  utter_greet:\n    - text: "您好"\n  utter_bye:\n    - text: "再见"\n     buttons: []\n'
    root = _project(tmp_path, {"domain.yml": broken, "data/stories.yml": BAD_STORIES})
    assert main(["lint", "--root", str(root)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{root / 'domain.yml'}:7: YAML error"), out
    # the other files are still checked and reported
    assert any(line.startswith(f"{root / 'data' / 'stories.yml'}:8 threat.visit ") for line in out), out


def test_the_project_itself_passes_the_lint() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "kuanxian.safety", "lint"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "未发现违规" in proc.stdout


def test_exclude_and_missing_root(tmp_path: Path) -> None:
    root = _project(tmp_path, {"tests/fixtures/bad.yml": BAD_STORIES})
    assert main(["lint", "--root", str(root), "--exclude", "tests/fixtures/*"]) == 0
    assert main(["lint", "--root", str(tmp_path / "nope")]) == 2


def test_check_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "我们不会联系您的家人"]) == 0
    assert capsys.readouterr().out.strip() == "允许"
    assert main(["check", "不还钱就联系你家人"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("拦截")
    assert "disclosure.family" in out and "原因：" in out and "建议：" in out
    assert main(["check", "你就是个老赖", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["allowed"] is False
    assert data["violations"][0]["rule_id"] == "insult.labels"


def test_distress_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["distress", "我不想活了", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["level"] == "crisis"


def test_docs_command_prints_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    from kuanxian.safety.rules import load_rules

    assert main(["docs"]) == 0
    out = capsys.readouterr().out
    for rule in load_rules():
        assert f"`{rule.id}`" in out


def test_committed_docs_are_up_to_date() -> None:
    doc = (ROOT / "docs" / "safety.md").read_text(encoding="utf-8")
    assert DOCS_BEGIN in doc and DOCS_END in doc
    assert rules_markdown().strip() in doc, "run: python -m kuanxian.safety docs --write"


def test_docs_write(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "safety.md").write_text(f"# T\n\n{DOCS_BEGIN}\nold\n{DOCS_END}\n\nend\n", encoding="utf-8")
    assert main(["docs", "--write", "--root", str(tmp_path)]) == 0
    text = (tmp_path / "docs" / "safety.md").read_text(encoding="utf-8")
    assert "old" not in text and text.endswith("end\n") and "threat.visit" in text
