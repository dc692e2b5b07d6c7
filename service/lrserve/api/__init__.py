"""The HTTP service: ``create_app(settings)`` builds the FastAPI app; ``Settings`` reads ``LRS_*``."""

try:
    from ._app import create_app
    from ._serving import apply_schedules_file
    from ._settings import Settings
except ModuleNotFoundError as exc:
    from .._extras import missing_extra

    raise missing_extra(exc, "server", "lrserve.api (the server)") from exc

__all__ = ["Settings", "apply_schedules_file", "create_app"]
