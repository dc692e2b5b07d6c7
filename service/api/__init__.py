"""The HTTP service: ``create_app(settings)`` builds the FastAPI app; ``Settings`` reads ``LRS_*``."""

from ._app import apply_schedules_file, create_app
from ._settings import Settings

__all__ = ["Settings", "apply_schedules_file", "create_app"]
