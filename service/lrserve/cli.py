"""The ``lrs`` command: ``lrs serve`` runs the server, ``lrs openapi`` writes the OpenAPI document, and
the commands for people (``eval``, ``get``, ``history``, ``list``, ``apply``) live in ``lrserve/_cli/``.

Exit codes: 0 done; 1 the server refused or failed (or cannot be reached); 2 a bad argument or input.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from ._cli import apply, evaluate, plot, schedules
from ._cli.errors import USAGE, Failure
from ._extras import missing_extra

__all__ = ["main", "openapi_document"]

OPENAPI_PATH = Path("openapi") / "openapi.json"


def openapi_document() -> str:
    """The app's OpenAPI document as committed: sorted keys, two-space indent, final newline."""
    from .api import Settings, create_app

    app = create_app(Settings(admin_token="unused", data_dir=Path("unused")))
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _serve(args: argparse.Namespace) -> int:
    from .api import Settings
    from .api._app import configure_logging
    from .api._auth import ensure_admin_token
    from .api._connections import Protocol
    from .store import redacted

    try:
        import uvicorn
    except ModuleNotFoundError as exc:
        raise missing_extra(exc, "server", "lrs serve") from exc

    if args.data_dir is not None:
        os.environ["LRS_DATA_DIR"] = str(args.data_dir)
    settings = Settings()  # fail here, before any worker starts, on a bad LRS_* variable
    configure_logging(settings.log_level)
    if settings.admin_token is None:
        ensure_admin_token(settings.data_dir)  # once, before workers race to make it
    logging.getLogger("lrs").info(
        "lrs serving on http://%s:%d (data: %s, database: %s)",
        args.host,
        args.port,
        settings.data_dir,
        redacted(settings.resolved_database_url),
    )
    uvicorn.run(
        "lrserve.api:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=False,  # lrs writes its own JSON access log when LRS_ACCESS_LOG=true
        timeout_graceful_shutdown=10,
        server_header=False,  # no "Server: uvicorn": what runs here is nobody's business
        http=Protocol,  # httptools, with a deadline for request heads and a cap on connections
        log_level="warning" if settings.log_level == "info" else settings.log_level,
    )
    return 0


def _openapi(args: argparse.Namespace) -> int:
    text = openapi_document()
    if args.check:
        if not args.output.exists() or args.output.read_text() != text:
            print(f"{args.output} is out of date: run `lrs openapi`", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(f"wrote {args.output}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lrs", description="lrs: the learning-rate schedule service")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--data-dir", type=Path, default=None, help="overrides LRS_DATA_DIR")
    serve.set_defaults(run=_serve)
    doc = sub.add_parser("openapi", help="write the OpenAPI document")
    doc.add_argument("--output", type=Path, default=OPENAPI_PATH)
    doc.add_argument("--check", action="store_true", help="fail if the file differs from the app's")
    doc.set_defaults(run=_openapi)
    evaluate.add_parser(sub)
    schedules.add_parsers(sub)
    apply.add_parser(sub)
    plot.add_parser(sub)
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except ModuleNotFoundError as exc:
        if "pip install" not in str(exc):
            raise
        print(f"lrs {args.command}: {exc}", file=sys.stderr)
        return USAGE
    except Failure as failure:
        print(failure.text(), file=sys.stderr)
        return failure.code
    except KeyboardInterrupt:
        print("lrs: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`lrs eval ... | head`): stop quietly, and keep Python from complaining
        # about the unflushed stdout on exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
