"""Confidentiality rules: the agreement, detection and policy. Pure Python; never imports discord."""
