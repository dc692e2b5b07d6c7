"""Optional dependencies: when one is missing, say which extra installs it.

``pip install lrserve`` brings numpy alone (the core); ``lrserve[client]`` adds httpx (the trainer's
client), ``lrserve[spec]`` Pydantic (validating specs and library dialects: ``lrserve.evaluate``),
``lrserve[server]`` the web stack and databases, and ``lrserve[torch]``, ``lrserve[jax]``,
``lrserve[keras]`` the adapters' frameworks.
"""

from __future__ import annotations

__all__ = ["missing_extra"]


def missing_extra(exc: ModuleNotFoundError, extra: str, feature: str) -> ModuleNotFoundError:
    """The error to raise (``from exc``) when ``feature`` cannot import a package of the extra ``extra``.

    A missing module of our own is a bug, not a missing extra: then ``exc`` itself comes back.
    """
    missing = exc.name or ""
    if not missing or missing.split(".")[0] == "lrserve":
        return exc
    return ModuleNotFoundError(
        f"{feature} needs the package {missing.split('.')[0]!r}, which is not installed: "
        f"pip install 'lrserve[{extra}]'",
        name=exc.name,
    )
