"""The detection engine: finds identifying details in chat messages (normalise → recognise → resolve → score).

See README.md beside this file for the pipeline and how to add a rule.
"""

from rules.detection.engine import Engine, ScanRequest, ScanResult, load_pipeline
from rules.detection.findings import Finding, Label, ScanInput, Subject
from rules.detection.policy import GuildPolicy, ProtectedTerms
from rules.detection.service import DetectionService, ServiceClosed, WorkerKind

__all__ = [
    "DetectionService",
    "Engine",
    "Finding",
    "GuildPolicy",
    "Label",
    "ProtectedTerms",
    "ScanInput",
    "ScanRequest",
    "ScanResult",
    "ServiceClosed",
    "Subject",
    "WorkerKind",
    "load_pipeline",
]
