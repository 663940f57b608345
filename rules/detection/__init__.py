"""The detection engine: finds identifying details in chat messages."""
