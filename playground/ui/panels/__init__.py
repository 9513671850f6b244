"""The side panels (DATA, NETWORK, TRAINING) and the transport bar.

Each renders the session model and edits it only through the model's methods;
the painting state (class, tool, brush) lives in :class:`~playground.ui.tools.ToolState`.
"""

from .data_panel import DataPanel
from .network_panel import NetworkPanel
from .training_panel import TrainingPanel
from .transport import TransportBar

__all__ = ["DataPanel", "NetworkPanel", "TrainingPanel", "TransportBar"]
