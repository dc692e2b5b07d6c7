"""The native spec language: Pydantic models, one tagged union on ``kind`` (see ``lrserve.core.build``)."""

from . import native
from ._base import MAX_ITEMS
from .native import NativeSpec

__all__ = ["MAX_ITEMS", "NativeSpec", "native"]
