"""What every library dialect shares.

A dialect entry is a Pydantic model with ``kind`` (the library), ``name`` (the library's own class or
function name) and ``args`` (the library's own argument names and defaults), discriminated on ``name``
inside its library's union. ``native()`` translates it into the native spec language; the engine
evaluates that translation, so a dialect has no numerics of its own and the user can read and edit
their library config in our language.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict

from ..specs._base import SpecModel

if TYPE_CHECKING:
    from ..specs.native import NativeSpec

__all__ = ["Args", "DialectSpec", "unsupported"]


class Args(SpecModel):
    """Base of a library's argument model: unknown arguments are refused, like the library's own
    ``TypeError``; lax number parsing (``10`` is a fine float) but no strings for numbers."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, allow_inf_nan=False)


class DialectSpec(SpecModel):
    """Base of a dialect entry."""

    @abstractmethod
    def native(self) -> NativeSpec:
        """The equivalent native spec (a ``lrserve.specs.native`` model)."""


def unsupported(reason: str) -> Any:
    """A validator body for names that are not a function of the step (LambdaLR, ReduceLROnPlateau, ...)."""
    raise ValueError(reason)
