"""Library dialects: a spec may be written in the vocabulary of PyTorch, Hugging Face transformers,
timm, optax, Keras or DeepSpeed, and evaluates to that library's numbers.

Each library module exports its union (discriminated on ``name``); ``DIALECT_MEMBERS`` lists them for
the engine's one tagged union on ``kind``.
"""

from __future__ import annotations

from typing import Any

from typing_extensions import TypeAliasType

from ._base import DialectSpec
from .deepspeed import DeepSpeedSpec
from .keras import KerasSpec
from .optax import OptaxSpec
from .timm import TimmSpec
from .torch import TorchSpec
from .transformers import TransformersSpec

__all__ = ["DIALECT_MEMBERS", "DialectSpec"]

# Each union is named (a type alias), so that JSON Schema and OpenAPI define it once and the ``kind``
# discriminator's mapping can point at it (OpenAPI allows only references there, not inline unions).
DIALECT_MEMBERS: tuple[Any, ...] = (
    TypeAliasType("DeepSpeedSpec", DeepSpeedSpec),
    TypeAliasType("TransformersSpec", TransformersSpec),
    TypeAliasType("TimmSpec", TimmSpec),
    TypeAliasType("TorchSpec", TorchSpec),
    TypeAliasType("OptaxSpec", OptaxSpec),
    TypeAliasType("KerasSpec", KerasSpec),
)
