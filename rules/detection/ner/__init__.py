"""Confidant's named-entity model: en_core_web_sm's NER fine-tuned on social-media text (see README.md)."""

from pathlib import Path

__all__ = ["BUNDLED_NER"]

# The fine-tuned pipeline (tokenizer + NER) that ships inside the package; `train.py` rebuilds it.
BUNDLED_NER = Path(__file__).parent / "model"
