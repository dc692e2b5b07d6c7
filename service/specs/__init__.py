"""The native spec language (Pydantic models, one tagged union on ``kind``) and its compiler."""

from . import native
from ._base import MAX_ITEMS
from ._build import BUILDERS, build
from .native import NativeSpec

__all__ = ["BUILDERS", "MAX_ITEMS", "NativeSpec", "build", "native"]
