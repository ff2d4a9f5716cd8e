"""DistressDetector: a Rasa 3.6 NLU graph component.

Runs `kuanxian.safety.assess_distress` on every user message. On "distress"
or "crisis" it adds a `crisis_signal` or `distress_signal` entity, keeps the
classifier's intent under the message key "nlu_intent", and overrides the
intent with `express_distress` (confidence 1.0, also on top of the ranking) so
the dialogue turns to care at once. A message DIET itself calls
express_distress always gets at least a `distress_signal`.

Place it in config.yml after DIETClassifier and EntitySynonymMapper and
before FallbackClassifier:

    - name: kuanxian.rasa_components.distress.DistressDetector
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from kuanxian.safety.distress import assess_distress

DISTRESS_INTENT = "express_distress"
# The entity is named after the level ("crisis_signal", "distress_signal") so rules
# can route on its presence alone; its value repeats the level.
ENTITY_SUFFIX = "_signal"
ORIGINAL_INTENT_KEY = "nlu_intent"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class DistressDetector(GraphComponent):
    """Overrides the intent with express_distress when distress is detected."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Defaults: the intent and entity names used for the override."""
        return {"intent": DISTRESS_INTENT}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._intent = str(config.get("intent", DISTRESS_INTENT))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "DistressDetector":
        """Build the component (it has nothing to train or persist)."""
        return cls({**cls.get_default_config(), **(config or {})})

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data is left untouched."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Mark distress/crisis messages and override their intent."""
        for message in messages:
            self._process_one(message)
        return messages

    def _process_one(self, message: Message) -> None:
        text: Optional[str] = message.get(TEXT)
        if not text:
            return
        level = assess_distress(text).level
        predicted = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if level == "none":
            if predicted != self._intent:
                return
            # DIET heard distress the lexicon missed: route it as distress, never drop it.
            level = "distress"
        entities = list(message.get(ENTITIES) or [])
        entities.append(
            {
                ENTITY_ATTRIBUTE_TYPE: level + ENTITY_SUFFIX,
                ENTITY_ATTRIBUTE_VALUE: level,
                ENTITY_ATTRIBUTE_START: 0,
                ENTITY_ATTRIBUTE_END: len(text),
                ENTITY_ATTRIBUTE_CONFIDENCE: 1.0,
                EXTRACTOR: self.__class__.__name__,
            }
        )
        message.set(ENTITIES, entities, add_to_output=True)
        message.set(ORIGINAL_INTENT_KEY, message.get(INTENT), add_to_output=True)
        top = {INTENT_NAME_KEY: self._intent, PREDICTED_CONFIDENCE_KEY: 1.0}
        message.set(INTENT, top, add_to_output=True)
        # Put the override on top of the ranking too, or the FallbackClassifier's
        # ambiguity check would turn a crisis into nlu_fallback.
        ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get(INTENT_NAME_KEY) != self._intent]
        message.set(INTENT_RANKING_KEY, [top] + ranking, add_to_output=True)
