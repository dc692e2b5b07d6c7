"""Shapes of a transition from one value to another over ``n`` steps.

A transition goes from ``start`` at ``t = 0`` to ``end`` at ``t = n``. Each shape gives the *fraction
remaining* ``g(t)`` (1 at the start, 0 at the end), and the value is computed in whichever of the two
algebraically equal forms keeps full relative precision where the value is small::

    falling (|end| <= |start|):  end   + (start - end) * g(t)
    rising  (|end| >  |start|):  start + (end - start) * (1 - g(t))      with 1 - g computed directly

so a decay to 0 or a warm-up from 0 is exact to a few ulps even at its last/first steps.

=========  =============================  ==============================  =============================
shape      remaining g (p = t / n)        done 1 - g                      used by
=========  =============================  ==============================  =============================
linear     (n - t) / n                    t / n                           everything
cosine     ((1 + cos(pi t / n)) / 2) ** e  1 - that (e = exponent, 1)          torch, optax, keras, HF, timm
1-sqrt     1 - sqrt(p)                    sqrt(p)                         HF/timm WSD decay
sqrt       sqrt(1 - p)                    1 - sqrt(1 - p)                 HF WSD "1-sqrt" warm-up
poly       (1 - p) ** power               1 - (1 - p) ** power            polynomial decays
power      1 - p ** power                 p ** power                      timm WSD "power" decay
exp        (r ** p - r) / (1 - r)         (1 - r ** p) / (1 - r)          timm WSD "exp" decay (r = ratio)
log        1 - log(t + 1) / log(n)        log(t + 1) / log(n)             DeepSpeed "log" warm-up
=========  =============================  ==============================  =============================
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal, TypeAlias

import numpy as np

from ._base import FloatArray

__all__ = [
    "SHAPES",
    "ShapeName",
    "cosine_fraction",
    "cosine_fraction_into",
    "shape_fraction",
    "shape_fraction_into",
]

ShapeName: TypeAlias = Literal["linear", "cosine", "1-sqrt", "sqrt", "poly", "power", "exp", "log"]
SHAPES: tuple[ShapeName, ...] = ("linear", "cosine", "1-sqrt", "sqrt", "poly", "power", "exp", "log")

_PI = math.pi


def shape_fraction(shape: ShapeName, t: float, n: float, done: bool, param: float) -> float:
    """The fraction remaining (``done=False``) or done (``done=True``) at step ``t`` of ``n``."""
    if shape == "linear":
        return t / n if done else (n - t) / n
    if shape == "cosine":
        return cosine_fraction(math.cos(_PI * t / n), done, param)
    if shape == "log":
        f = math.log(t + 1.0) / math.log(n)
        return f if done else 1.0 - f
    p = t / n
    if shape == "1-sqrt":
        return math.sqrt(p) if done else 1.0 - math.sqrt(p)
    if shape == "sqrt":
        return 1.0 - math.sqrt(1.0 - p) if done else math.sqrt(1.0 - p)
    if shape == "poly":
        g = math.pow(1.0 - p, param)
        return 1.0 - g if done else g
    if shape == "power":
        f = math.pow(p, param)
        return f if done else 1.0 - f
    # exp
    r = param
    rp = math.pow(r, p)
    return (1.0 - rp) / (1.0 - r) if done else (rp - r) / (1.0 - r)


def _linear(t: FloatArray, n: float, done: bool, param: float) -> None:
    if not done:
        np.subtract(n, t, out=t)
    t /= n


def cosine_fraction(c: float, done: bool, exponent: float) -> float:
    """From ``c = cos(angle)``: the fraction remaining ``((1 + c) / 2) ** exponent``, or done."""
    if exponent != 1.0:
        g = math.pow(0.5 * (1.0 + c), exponent)
        return 1.0 - g if done else g
    return 0.5 * (1.0 - c) if done else 0.5 * (1.0 + c)


def cosine_fraction_into(c: FloatArray, done: bool, exponent: float) -> None:
    """In place, as :func:`cosine_fraction`, on an array of cosines."""
    if exponent != 1.0:
        c += 1.0
        c *= 0.5
        np.power(c, exponent, out=c)
        if done:
            np.subtract(1.0, c, out=c)
        return
    if done:
        np.subtract(1.0, c, out=c)
    else:
        c += 1.0
    c *= 0.5


def _cosine(t: FloatArray, n: float, done: bool, param: float) -> None:
    t *= _PI
    t /= n
    np.cos(t, out=t)
    cosine_fraction_into(t, done, param)


def _log(t: FloatArray, n: float, done: bool, param: float) -> None:
    t += 1.0
    np.log(t, out=t)
    t /= math.log(n)
    if not done:
        np.subtract(1.0, t, out=t)


def _sqrt_remaining(t: FloatArray, n: float, done: bool, param: float) -> None:  # "1-sqrt"
    t /= n
    np.sqrt(t, out=t)
    if not done:
        np.subtract(1.0, t, out=t)


def _sqrt(t: FloatArray, n: float, done: bool, param: float) -> None:
    t /= n
    np.subtract(1.0, t, out=t)
    np.sqrt(t, out=t)
    if done:
        np.subtract(1.0, t, out=t)


def _poly(t: FloatArray, n: float, done: bool, param: float) -> None:
    t /= n
    np.subtract(1.0, t, out=t)
    np.power(t, param, out=t)
    if done:
        np.subtract(1.0, t, out=t)


def _power(t: FloatArray, n: float, done: bool, param: float) -> None:
    t /= n
    np.power(t, param, out=t)
    if not done:
        np.subtract(1.0, t, out=t)


def _exp(t: FloatArray, n: float, done: bool, param: float) -> None:
    r = param
    t /= n
    np.power(r, t, out=t)
    if done:
        np.subtract(1.0, t, out=t)
    else:
        t -= r
    t /= 1.0 - r


_ARRAY: dict[ShapeName, Callable[[FloatArray, float, bool, float], None]] = {
    "linear": _linear,
    "cosine": _cosine,
    "1-sqrt": _sqrt_remaining,
    "sqrt": _sqrt,
    "poly": _poly,
    "power": _power,
    "exp": _exp,
    "log": _log,
}


def shape_fraction_into(shape: ShapeName, t: FloatArray, n: float, done: bool, param: float) -> None:
    """In place: replace the float steps ``t`` by their fraction remaining (or done)."""
    _ARRAY[shape](t, n, done, param)
