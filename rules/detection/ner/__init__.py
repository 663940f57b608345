"""Confidant's named-entity model: en_core_web_sm's NER fine-tuned on social-media text (see README.md)."""
