"""DistressDetector graph component (run from the Rasa venv)."""

from __future__ import annotations

import pytest

try:
    import rasa  # noqa: F401
except ImportError:  # pragma: no cover - depends on the venv
    pytest.skip("Rasa is not installed in this venv: run this file with .venv-rasa", allow_module_level=True)

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from kuanxian.rasa_components.distress import DistressDetector


@pytest.fixture
def detector(tmp_path) -> DistressDetector:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    return DistressDetector.create(DistressDetector.get_default_config(), storage, Resource("distress"), context)


def _message(text: str) -> Message:
    ranking = [{"name": "inform", "confidence": 0.61}, {"name": "ask_installment", "confidence": 0.3}]
    return Message(
        data={
            "text": text,
            "intent": {"name": "inform", "confidence": 0.61},
            "intent_ranking": ranking,
            "entities": [],
        }
    )


@pytest.mark.parametrize(("text", "level"), [("我不想活了", "crisis"), ("我真的崩溃了，撑不下去了", "distress")])
def test_override_on_distress_and_crisis(detector: DistressDetector, text: str, level: str) -> None:
    msg = _message(text)
    ranking_before = list(msg.get("intent_ranking"))
    (out,) = detector.process([msg])
    assert out.get("intent") == {"name": "express_distress", "confidence": 1.0}
    assert out.get("nlu_intent") == {"name": "inform", "confidence": 0.61}
    # The override tops the ranking, so the FallbackClassifier can't call it ambiguous.
    assert out.get("intent_ranking") == [{"name": "express_distress", "confidence": 1.0}] + ranking_before
    entity = out.get("entities")[-1]
    assert entity == {
        "entity": f"{level}_signal",
        "value": level,
        "start": 0,
        "end": len(text),
        "confidence": 1.0,
        "extractor": "DistressDetector",
    }


def test_no_change_on_ordinary_message(detector: DistressDetector) -> None:
    msg = _message("我想分期")
    before = dict(msg.data)
    (out,) = detector.process([msg])
    assert out.data == before
    assert out.get("nlu_intent") is None


def test_training_data_unchanged(detector: DistressDetector) -> None:
    data = TrainingData([Message(data={"text": "我想分期", "intent": "ask_installment"})])
    assert detector.process_training_data(data) is data


def test_diet_distress_without_lexicon_signal_is_still_routed(detector: DistressDetector) -> None:
    msg = _message("心里堵得慌")
    msg.set("intent", {"name": "express_distress", "confidence": 0.7})
    (out,) = detector.process([msg])
    assert out.get("entities")[-1]["entity"] == "distress_signal"
