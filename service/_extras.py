"""Optional dependencies: when one is missing, say which extra installs it.

``pip install lrs`` brings numpy alone (the core); ``lrs[client]`` adds httpx (the trainer's client),
``lrs[spec]`` Pydantic (validating specs and library dialects: ``service.evaluate``), ``lrs[server]`` the
web stack and databases, and ``lrs[torch]``, ``lrs[jax]``, ``lrs[keras]`` the adapters' frameworks.
"""

from __future__ import annotations

__all__ = ["missing_extra"]


def missing_extra(exc: ModuleNotFoundError, extra: str, feature: str) -> ModuleNotFoundError:
    """The error to raise (``from exc``) when ``feature`` cannot import a package of the extra ``extra``.

    A missing module of our own is a bug, not a missing extra: then ``exc`` itself comes back.
    """
    missing = exc.name or ""
    if not missing or missing.split(".")[0] == "service":
        return exc
    return ModuleNotFoundError(
        f"{feature} needs the package {missing.split('.')[0]!r}, which is not installed: "
        f"pip install 'lrs[{extra}]'",
        name=exc.name,
    )
