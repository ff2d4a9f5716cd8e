"""Model integrity: committed weights match their corpus and inputs, load in pure Python;
the corpus parses with provenance; the leave-one-batch-out evaluation runs."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest

from kuanxian.safety import corpus as corpus_module
from kuanxian.safety import evaluate
from kuanxian.safety.corpus import (
    CATEGORIES,
    LABELS,
    CorpusError,
    corpus_digest,
    load_batches,
    parse_batch,
)
from kuanxian.safety.model import LinearModel, ModelError, load_model
from kuanxian.safety.train import INPUT_FILES, inputs_digest

ROOT = Path(__file__).resolve().parents[3]
MODELS = {"guard": "guard", "guard_category": "guard", "distress": "distress", "identity": "identity"}


def independent(batch_name: str) -> bool:
    return evaluate.independent(corpus_module.CorpusLine(batch_name, "", "", "", "", 0))


# ------------------------------------------------------------ committed --


@pytest.mark.parametrize(("name", "kind"), sorted(MODELS.items()))
def test_committed_weights_match_the_corpus_and_their_inputs(name: str, kind: str) -> None:
    model = load_model(name)
    assert model.corpus_sha256 == inputs_digest(kind), (
        f"model/{name}.json is stale: it was trained on other inputs than the current corpus/{kind} and the "
        f"files its features depend on ({', '.join(INPUT_FILES[kind])}): run `make safety-train`"
    )
    assert list(model.trained_on) == [b.name for b in load_batches(kind)], "run `make safety-train`"  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_models_give_probabilities(name: str) -> None:
    model = load_model(name)
    for text in ("您好，您本期应还500元。", "我真的撑不住了", "", "🙂"):
        probs = model.predict(text)
        assert set(probs) == set(model.classes)
        assert math.isclose(sum(probs.values()), 1.0, abs_tol=1e-9)
        assert all(0.0 <= p <= 1.0 for p in probs.values())
    assert load_model("guard").classes == ("fair", "pressure")
    assert set(load_model("guard_category").classes) == set(CATEGORIES["guard"]["pressure"])
    assert load_model("distress").classes == ("none", "distress", "crisis")
    assert load_model("identity").classes == ("borrower", "third_party")


def test_models_load_and_run_in_pure_python() -> None:
    """Inference needs no scikit-learn, numpy or scipy (the Rasa venv has other versions)."""
    code = """
import sys
from kuanxian.safety.model import load_model
from kuanxian.safety import review_message, assess_distress
from kuanxian.safety.identity import assess_speaker
for name in ("guard", "guard_category", "distress", "identity"):
    load_model(name).predict("你好")
review_message("明天去你单位"); assess_distress("我好累", ["撑不下去了"]); assess_speaker("帮他问问")
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"sklearn", "numpy", "scipy", "joblib", "pandas"})
assert not heavy, heavy
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_model_json_round_trips_and_bad_files_are_refused() -> None:
    model = load_model("distress")
    data = model.to_json()
    again = LinearModel.from_json(json.loads(json.dumps(data)))
    assert again.predict("我好累") == model.predict("我好累")
    with pytest.raises(ModelError, match="format 99"):
        LinearModel.from_json({**data, "format": 99}, "x.json")
    with pytest.raises(ModelError, match="every weight needs 3 values"):
        LinearModel.from_json({**data, "weights": {"c:a": [1.0]}}, "x.json")
    with pytest.raises(ModelError, match=r"x\.json: "):
        LinearModel.from_json({k: v for k, v in data.items() if k != "bias"}, "x.json")
    with pytest.raises(ModelError, match="unknown evidence"):
        LinearModel.from_json({**data, "features": {**data["features"], "evidence": "magic"}}, "x.json")  # type: ignore[dict-item]


# --------------------------------------------------------------- corpus --


@pytest.mark.parametrize("kind", ["guard", "distress", "identity"])
def test_corpus_parses_with_provenance(kind: str) -> None:
    batches = load_batches(kind)  # type: ignore[arg-type]
    assert batches
    for batch in batches:
        header = batch.header.splitlines()
        assert f"batch: {batch.name}" in header, f"{batch.path}: header must name the batch"
        assert f"kind: {kind}" in header, f"{batch.path}: header must name the kind"
        assert any(h.startswith("writer:") for h in header), f"{batch.path}: header must say who wrote it"
        assert any(h.startswith("imported:") for h in header), f"{batch.path}: header must say when it was imported"
        if independent(batch.name):
            assert any(h.startswith("brief:") for h in header), f"{batch.path}: an independent batch records its brief"
        for line in batch.lines:
            assert line.label in LABELS[kind] and line.category in CATEGORIES[kind][line.label]
            assert line.messages and line.last


@pytest.mark.parametrize(("kind", "min_batches", "min_lines"), [("guard", 8, 4000), ("distress", 8, 3000)])
def test_corpus_size(kind: str, min_batches: int, min_lines: int) -> None:
    batches = [b for b in load_batches(kind) if independent(b.name)]  # type: ignore[arg-type]
    assert len(batches) >= min_batches, f"{kind}: {len(batches)} independent batches"
    lines = sum(len(b.lines) for b in batches)
    assert lines >= min_lines, f"{kind}: {lines} lines from independent writers"


@pytest.mark.parametrize("kind", ["guard", "distress", "identity"])
def test_every_label_and_category_has_independent_examples(kind: str) -> None:
    lines = [line for b in load_batches(kind) if independent(b.name) for line in b.lines]  # type: ignore[arg-type]
    have = {(line.label, line.category) for line in lines}
    want = {(label, cat) for label, cats in CATEGORIES[kind].items() for cat in cats}
    assert want <= have, sorted(want - have)


GOOD_GUARD = "# batch: t\n# kind: guard\n\npressure\tintimidation\tstandard\t明天上门\nfair\toptions\tstandard\t可以分期\n"


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("pressure\tintimidation\t明天上门", "expected 4 TAB-separated fields"),
        ("threat\tintimidation\tstandard\t明天上门", "unknown label 'threat'"),
        ("pressure\toptions\tstandard\t明天上门", "unknown category 'options' for pressure"),
        ("fair\toptions\tstandard\t  ", "empty text"),
    ],
)
def test_a_malformed_batch_is_reported_as_file_and_line(tmp_path: Path, line: str, needle: str) -> None:
    path = tmp_path / "guard" / "t.tsv"
    path.parent.mkdir()
    path.write_text(GOOD_GUARD + line + "\n", encoding="utf-8")  # the bad line is line 6
    with pytest.raises(CorpusError) as info:
        load_batches("guard", tmp_path)
    assert str(info.value).startswith(f"{path}:6: "), str(info.value)
    assert needle in str(info.value)


def test_unreadable_and_empty_batches_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(CorpusError, match=f"{path}: not UTF-8"):
        parse_batch(path, "guard")
    path.write_text("# only a header\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=f"{path}: no examples"):
        parse_batch(path, "guard")


def test_corpus_digest_follows_content_not_line_endings(tmp_path: Path) -> None:
    (tmp_path / "guard").mkdir()
    path = tmp_path / "guard" / "t.tsv"
    path.write_text(GOOD_GUARD, encoding="utf-8")
    first = corpus_digest("guard", tmp_path)
    path.write_bytes(GOOD_GUARD.replace("\n", "\r\n").encode("utf-8"))
    assert corpus_digest("guard", tmp_path) == first
    path.write_text(GOOD_GUARD + "fair\tcare\tstandard\t谢谢\n", encoding="utf-8")
    assert corpus_digest("guard", tmp_path) != first


# ------------------------------------------------ leave-one-batch-out --

SYNTHETIC = {
    "guard": [
        ("pressure", "intimidation", "明天我们就上门找你"),
        ("pressure", "third_party", "再不还就告诉你家人"),
        ("pressure", "contact_frequency", "我们会天天打你电话"),
        ("fair", "options", "您可以申请分期还款"),
        ("fair", "care", "谢谢您，祝您生活顺利"),
        ("fair", "account_facts", "您本期应还五百元"),
    ],
    "distress": [
        ("crisis", "ideation_direct", "我不想活了"),
        ("crisis", "practical_question", "我真的撑不下去了 ||| 药店几点关门"),
        ("distress", "overwhelm", "压力好大，我快崩溃了"),
        ("distress", "hopeless_money", "这些债我永远还不清"),
        ("none", "everyday", "我想申请分期还款"),
        ("none", "hyperbole", "今天累死了，明天再还"),
    ],
}


def _synthetic_corpus(root: Path) -> None:
    """Three small batches per kind; each line varies a little so n-grams recur across batches."""
    for kind, rows in SYNTHETIC.items():
        (root / kind).mkdir(parents=True)
        for b, suffix in enumerate(("", "啊", "吧")):
            body = [f"# batch: s0{b + 1}", f"# kind: {kind}", "# writer: test", ""]
            body += [f"{label}\t{cat}\tstandard\t{text}{suffix}" for label, cat, text in rows]
            (root / kind / f"s0{b + 1}.tsv").write_text("\n".join(body) + "\n", encoding="utf-8")


@pytest.fixture
def tiny_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _synthetic_corpus(tmp_path)
    monkeypatch.setattr(corpus_module, "CORPUS_DIR", tmp_path)
    monkeypatch.setattr(evaluate, "load_batches", partial(load_batches, root=tmp_path))
    return tmp_path


def test_lobo_guard_scores_every_line_once(tiny_corpus: Path) -> None:
    batches = load_batches("guard", tiny_corpus)
    scores = evaluate.lobo_guard(batches)
    assert [(s.line.batch, s.line.line) for s in scores] == [(b.name, line.line) for b in batches for line in b.lines]
    for s in scores:
        assert 0.0 <= s.p_pressure <= 1.0
        assert isinstance(s.rules_block, bool) and isinstance(s.exempted, bool)


def test_lobo_distress_scores_every_line_once_with_its_context(tiny_corpus: Path) -> None:
    batches = load_batches("distress", tiny_corpus)
    scores = evaluate.lobo_distress(batches)
    assert [(s.line.batch, s.line.line) for s in scores] == [(b.name, line.line) for b in batches for line in b.lines]
    for s in scores:
        assert set(s.probs) == {"none", "distress", "crisis"}
        assert math.isclose(sum(s.probs.values()), 1.0, abs_tol=1e-9)
        assert s.lexicon in ("none", "distress", "crisis")
        assert len(s.context) == len(s.line.context)
    assert any(s.context for s in scores)


def test_evaluate_command_dumps_one_score_per_line(tiny_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dump = tiny_corpus / "out" / "scores.jsonl"
    assert evaluate.main(["--kind", "guard", "--dump", str(dump)]) == 0
    out = capsys.readouterr().out
    assert "leave-one-batch-out over 3 batches (18 lines)" in out
    rows = [json.loads(line) for line in dump.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 18
    assert {(r["batch"], r["line"]) for r in rows} == {(b.name, line.line) for b in load_batches("guard", tiny_corpus) for line in b.lines}


def test_the_inputs_digest_covers_the_hand_written_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Editing rules.yml (or distress.yml, identity.yml, the feature code) makes the committed model stale."""
    from kuanxian.safety import train

    safety = Path(train.__file__).parent
    (tmp_path / "data").mkdir()
    for name in {n for names in train.INPUT_FILES.values() for n in names}:
        (tmp_path / name).write_bytes((safety / name).read_bytes())
    for table in ("t2s.txt", "pinyin.txt"):
        (tmp_path / "data" / table).write_bytes((safety / "data" / table).read_bytes())
    kinds = ("guard", "distress", "identity")
    real = {kind: train.inputs_digest(kind) for kind in kinds}
    monkeypatch.setattr(train, "_SAFETY_DIR", tmp_path)
    before = {kind: train.inputs_digest(kind) for kind in kinds}
    assert before == real  # the copy is faithful
    with open(tmp_path / "rules.yml", "a", encoding="utf-8") as fh:
        fh.write("\n# a trainer's edit\n")
    assert train.inputs_digest("guard") != before["guard"]
    assert train.inputs_digest("distress") == before["distress"]
    with open(tmp_path / "text.py", "a", encoding="utf-8") as fh:
        fh.write("\n# a code change\n")
    assert all(train.inputs_digest(kind) != before[kind] for kind in before)


def test_the_staleness_check_forgives_a_last_digit_but_not_a_changed_weight_or_corpus() -> None:
    from kuanxian.safety.train import same_model

    committed = load_model("identity").to_json()
    weights = dict(committed["weights"])  # type: ignore[call-overload]
    feature = sorted(weights)[0]
    nudged = {**committed, "weights": {**weights, feature: [w + 1e-5 for w in weights[feature]]}}
    assert same_model(committed, nudged), "another machine's rounding"
    changed = {**committed, "weights": {**weights, feature: [w + 0.01 for w in weights[feature]]}}
    assert not same_model(committed, changed)
    assert not same_model(committed, {**committed, "corpus_sha256": "0" * 64})
    assert not same_model(committed, {**committed, "weights": {**weights, "c:新特征": [0.5]}})
