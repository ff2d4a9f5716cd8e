"""Features for the learned safety models: character and pinyin n-grams.

A message becomes a set of string features:

- ``c:<n-gram>``: character 1- to 4-grams of the normalised text (1-grams only
  for Chinese characters and symbols such as emoji, not Latin letters or digits);
- ``p:<syl>_<syl>``: pinyin syllable 1- to 3-grams, so a homophone or pinyin
  typed in Latin letters shares features with the word it stands for;
- ``x:<evidence>``: what the hand-written half found (rules.yml for the guard,
  distress.yml for distress, identity.yml for identity), so the model learns
  from the independent corpus when that evidence can be trusted: a rule match
  inside a quoted warning, a crisis word in someone else's story.

The same function runs at training time (hub venv) and at inference time
(either venv); it uses only the standard library and the plain-data tables.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .text import is_cjk, normalized, syllables

if TYPE_CHECKING:
    import jieba

__all__ = ["DEFAULT_CONFIG", "FeatureConfig", "char_grams", "featurize"]


@dataclass(frozen=True)
class FeatureConfig:
    """Which n-grams to extract; stored with the model so training and inference agree."""

    char_min: int = 1
    char_max: int = 4
    pinyin_max: int = 3
    # "", "rules", "lexicon" or "identity": which hand-written evidence to add.
    evidence: str = ""
    # Shortest pinyin n-gram: 2 leaves out single syllables, which carry little but homophone noise.
    pinyin_min: int = 1
    # jieba words and word pairs ("w:不在", "w2:拖_一段"), beside the character n-grams.
    words: bool = False

    def to_dict(self) -> dict[str, int | str]:
        return {
            "char_min": self.char_min,
            "char_max": self.char_max,
            "pinyin_max": self.pinyin_max,
            "evidence": self.evidence,
            "pinyin_min": self.pinyin_min,
            "words": int(self.words),
        }

    @classmethod
    def from_dict(cls, data: dict[str, int | str]) -> FeatureConfig:
        evidence = str(data.get("evidence", ""))
        if evidence not in EVIDENCE_KINDS:
            raise ValueError(f"unknown evidence {evidence!r}")
        return cls(
            int(data["char_min"]),
            int(data["char_max"]),
            int(data["pinyin_max"]),
            evidence,
            int(data.get("pinyin_min", 1)),
            bool(data.get("words", 0)),
        )


EVIDENCE_KINDS = ("", "rules", "lexicon", "identity")
DEFAULT_CONFIG = FeatureConfig()


@functools.cache
def _tokenizer() -> jieba.Tokenizer:
    """A private jieba tokenizer on its default dictionary (Rasa's user dictionary never changes it)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def _unigram_ok(ch: str) -> bool:
    return is_cjk(ch) or not (ch.isascii() or ch.isspace())


def char_grams(norm: str, shortest: int, longest: int) -> set[str]:
    """The ``c:`` features of already normalised text: its character n-grams, shortest to longest."""
    feats: set[str] = set()
    for n in range(max(1, shortest), longest + 1):
        for i in range(len(norm) - n + 1):
            gram = norm[i : i + n]
            if n == 1:
                if _unigram_ok(gram):
                    feats.add("c:" + gram)
            elif not gram.isspace():
                feats.add("c:" + gram)
    return feats


def featurize(text: str, config: FeatureConfig = DEFAULT_CONFIG) -> frozenset[str]:
    """The message's feature set (memoised: one turn asks two or three models about the same text)."""
    return _featurize(text, config)


@functools.lru_cache(maxsize=2048)
def _featurize(text: str, config: FeatureConfig) -> frozenset[str]:
    norm = " ".join(normalized(text).split())
    feats = char_grams(norm, config.char_min, config.char_max)
    tokens = syllables(norm)
    for n in range(max(1, config.pinyin_min), config.pinyin_max + 1):
        for i in range(len(tokens) - n + 1):
            window = tokens[i : i + n]
            if "|" in window:
                continue
            feats.add("p:" + "_".join(window))
    if config.words:
        words = [w for w in _tokenizer().lcut(norm) if w.strip() and any(is_cjk(c) or c.isalnum() for c in w)]
        feats.update("w:" + w for w in words)
        feats.update("w2:" + a + "_" + b for a, b in itertools.pairwise(words))
    if config.evidence:
        from .evidence import evidence_features

        feats |= evidence_features(config.evidence, text)
    return frozenset(feats)
