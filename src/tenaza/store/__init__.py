"""Storage: the workspace and the engines behind it."""

from tenaza.store.backend import Backend
from tenaza.store.workspace import TableStatus, Workspace

__all__ = ["Backend", "TableStatus", "Workspace"]
