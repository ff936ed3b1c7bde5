"""The application layer: the faces (CLI, TUI) call `Workbench`; see workbench.py for its parts."""

from workbench.service.workbench import (
    Cancelled,
    EditConflict,
    ImportResult,
    ModelInfo,
    ProgressCallback,
    Workbench,
)

__all__ = ["Cancelled", "EditConflict", "ImportResult", "ModelInfo", "ProgressCallback", "Workbench"]
