"""The training core: ``TrainingConfig``, ``Trainer``, history and session files (no Qt)."""

from .config import TrainingConfig
from .history import EpochStats, History
from .probes import grid_points
from .sessions import LoadedSession, load_session, read_session, save_session
from .trainer import Probe, Snapshot, Trainer

__all__ = [
    "TrainingConfig",
    "Trainer",
    "EpochStats",
    "History",
    "Probe",
    "Snapshot",
    "save_session",
    "load_session",
    "read_session",
    "LoadedSession",
    "grid_points",
]
