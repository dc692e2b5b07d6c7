"""The OpenAPI document, finished after FastAPI made it, so that client generators read it right.

FastAPI leaves four things for here, each fixed once for the whole document:

- **Names.** A component is named by its class, and by a module path where two classes share a name
  (``lrserve__dialects__keras__ExponentialDecay``); generators name their classes by ``title``. Titles are
  unique at the source (a dialect's models carry their library's name: ``KerasExponentialDecay``), and
  every component is named by its title.
- **Problems.** Errors are ``application/problem+json`` bodies that no route returns as a model, so the
  ``Problem`` schema (and its ``ProblemError``) are added by hand.
- **Optional auth on reads.** A read is answered without a token unless the server sets a read token:
  its ``security`` is ``[{}, {"HTTPBearer": []}]``; writes keep the bearer token required.
- **Number constants** are written as one-value enums (a generator mistranslates negative ones).
- **Nested unions.** A spec is a union on ``kind`` whose library members are themselves unions on
  ``name`` (``TorchSpec``). OpenAPI wants each ``mapping`` target to be an object schema with the tag as
  a required property, which a bare ``oneOf`` is not: each such target also states its tag
  (``{"type": "object", "required": ["kind"], "properties": {"kind": {"const": "torch"}}, "oneOf": ...}``),
  which every member satisfies already.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from pydantic.json_schema import models_json_schema

from . import _errors
from ._deps import Reader

__all__ = ["finish"]

REF = "#/components/schemas/"
BEARER = "HTTPBearer"


def finish(app: FastAPI, doc: dict[str, Any]) -> dict[str, Any]:
    """Complete FastAPI's document ``doc`` for ``app`` (in place; returned for convenience)."""
    schemas: dict[str, Any] = doc["components"]["schemas"]
    _, defs = models_json_schema([(_errors.Problem, "serialization")], ref_template=REF + "{model}")
    schemas.update(defs["$defs"])
    _name_by_title(doc)
    _tag_union_targets(doc)
    _number_consts_as_enums(doc)
    _operations(app, doc)
    return doc


# -- names -------------------------------------------------------------------------------------------


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON document, depth first."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _rewrite_refs(doc: dict[str, Any], rename: Callable[[str], str]) -> None:
    for obj in _walk(doc):
        ref = obj.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF):
            obj["$ref"] = REF + rename(ref.removeprefix(REF))
        mapping = (
            obj.get("discriminator", {}).get("mapping")
            if isinstance(obj.get("discriminator"), dict)
            else None
        )
        if isinstance(mapping, dict):
            for tag, target in mapping.items():
                if isinstance(target, str) and target.startswith(REF):
                    mapping[tag] = REF + rename(target.removeprefix(REF))


def _name_by_title(doc: dict[str, Any]) -> None:
    """Key every component by its title (which is unique: ``test_openapi`` checks it)."""
    schemas: dict[str, Any] = doc["components"]["schemas"]
    titles = [s.get("title") for s in schemas.values()]
    renamed = {
        key: schema["title"]
        for key, schema in schemas.items()
        if schema.get("title") not in (None, key)
        and titles.count(schema["title"]) == 1
        and schema["title"] not in schemas
    }
    if not renamed:
        return
    doc["components"]["schemas"] = {renamed.get(k, k): v for k, v in schemas.items()}
    _rewrite_refs(doc, lambda name: renamed.get(name, name))


# -- nested unions ----------------------------------------------------------------------------------


def _tag_union_targets(doc: dict[str, Any]) -> None:
    """Make each discriminator's mapping targets that are unions state the tag they are mapped by."""
    schemas: dict[str, Any] = doc["components"]["schemas"]
    targets = {
        (ref.removeprefix(REF), obj["discriminator"]["propertyName"], tag)
        for obj in _walk(doc)
        if isinstance(obj.get("discriminator"), dict)
        for tag, ref in obj["discriminator"].get("mapping", {}).items()
    }
    for name, prop, tag in sorted(targets):
        target = schemas[name]
        if "oneOf" in target and "properties" not in target:
            target.update(type="object", required=[prop], properties={prop: {"type": "string", "const": tag}})


def _number_consts_as_enums(doc: dict[str, Any]) -> None:
    """``{"const": -1}`` as the equivalent ``{"enum": [-1]}``: openapi-python-client 0.29 writes a
    negative number constant into code that does not parse (``if x != -1and ...``)."""
    for obj in list(_walk(doc)):
        value = obj.get("const")
        if isinstance(value, int | float) and not isinstance(value, bool) and "enum" not in obj:
            obj["enum"] = [obj.pop("const")]


# -- security ----------------------------------------------------------------------------------------


def _depends_on(dependant: Dependant, call: Any) -> bool:
    return any(d.call is call or _depends_on(d, call) for d in dependant.dependencies)


def _api_routes(app: FastAPI) -> Iterator[Any]:
    """The app's API routes as OpenAPI documents them, each with its router's dependencies too (FastAPI
    0.165 keeps included routers as routers: ``iter_route_contexts`` resolves them; earlier releases copy
    the routes into ``app.routes``)."""
    contexts = getattr(routing, "iter_route_contexts", None)
    for route in contexts(app.routes) if contexts is not None else app.routes:
        if isinstance(getattr(route, "original_route", route), routing.APIRoute):
            yield route


def _operations(app: FastAPI, doc: dict[str, Any]) -> None:
    """Reads may send the bearer token or not (a server without a read token answers them anyway).
    Operation ids are the endpoints' names (``create_app``'s ``generate_unique_id_function``): two
    endpoints of one name would make two operations of one id, refused here."""
    for route in _api_routes(app):
        for method in route.methods if route.include_in_schema else ():
            operation = doc["paths"].get(route.path_format, {}).get(method.lower())
            if operation is None:
                continue
            if _depends_on(route.dependant, Reader.dependency):
                operation["security"] = [{}, {BEARER: []}]
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RuntimeError(f"two operations share an endpoint name: {duplicates}")
