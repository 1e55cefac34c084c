"""The options every ``tenaza`` command shares, and what every command prints with.

``--json``, ``--quiet`` and ``-v`` are accepted on every command, before or after the command's
name (``tenaza --json status WS`` and ``tenaza status WS --json`` are the same). Rather than each
area declaring them (and forgetting some, as issue 9 found), :func:`share_options` walks the
composed Typer app once and gives every command and group the options it lacks; where a command
declares ``--json`` or ``--quiet`` itself, its own parameter receives the value given in either
position. The state lives in :data:`OPTIONS`, reset by the top-level callback on each run.

- ``--json`` prints one JSON document on stdout: the command's result (counts, rows, paths).
  A command with no JSON form of its own reports what it printed, as ``{"command", "output"}``.
- ``--quiet`` prints nothing but errors (``--json`` still prints its document: it was asked for).
- ``-v`` logs tenaza's steps at INFO on stderr, ``-vv`` at DEBUG (with the SQL of failing steps).
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any, get_type_hints

import typer
from rich.console import Console

from tenaza.errors import EngineError, ProblemsError, TenazaError, exit_code

out = Console()
err = Console(stderr=True)
log = logging.getLogger("tenaza")


@dataclass
class Options:
    json: bool = False
    quiet: bool = False
    verbose: int = 0


OPTIONS = Options()

JSON_HELP = "Print one JSON document (the command's result) instead of tables; accepted in any position."
QUIET_HELP = "Print nothing but errors; accepted in any position."
VERBOSE_HELP = "Log what tenaza does on stderr: -v for steps (INFO), -vv for details and SQL (DEBUG)."

JsonOpt = Annotated[bool, typer.Option("--json", help=JSON_HELP)]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help=QUIET_HELP)]
VerboseOpt = Annotated[int, typer.Option("--verbose", "-v", count=True, help=VERBOSE_HELP)]

# The shared parameters a command lacks are added under these names (no command uses them).
_ADDED = {"json": ("_shared_json", JsonOpt, False), "quiet": ("_shared_quiet", QuietOpt, False),
          "verbose": ("_shared_verbose", VerboseOpt, 0)}
_FLAGS = {"json": ("--json",), "quiet": ("--quiet", "-q"), "verbose": ("--verbose", "-v")}


def reset() -> None:
    """A new run starts with no shared option set (the CLI is also invoked many times in one process)."""
    OPTIONS.json, OPTIONS.quiet, OPTIONS.verbose = False, False, 0
    _apply()


def _apply() -> None:
    out.quiet = OPTIONS.quiet and not OPTIONS.json
    level = logging.DEBUG if OPTIONS.verbose > 1 else logging.INFO if OPTIONS.verbose else logging.WARNING
    log.setLevel(level)
    if not any(isinstance(h, _StderrHandler) for h in log.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        log.addHandler(handler)
        log.propagate = False


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]  # the stream is looked up per record
    """Writes to whatever sys.stderr is when a record is logged (a test runner swaps it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr  # not setStream: it flushes the previous stream, which may be closed
        super().emit(record)


def merge(json_: bool = False, quiet: bool = False, verbose: int = 0) -> Options:
    """Add the options given at one level of the command line to those given before it."""
    OPTIONS.json = OPTIONS.json or json_
    OPTIONS.quiet = OPTIONS.quiet or quiet
    OPTIONS.verbose = max(OPTIONS.verbose, verbose)
    _apply()
    return OPTIONS


def emit(document: Any) -> None:
    """Print one JSON document on stdout (values JSON lacks, such as dates, as text)."""
    out.print_json(json.dumps(document, default=str))


def fail(exc: TenazaError) -> None:
    """One clear line on stderr (all problems when there are several), exit status from the table."""
    err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
    if isinstance(exc, ProblemsError) and len(exc.problems) > 1:
        for p in exc.problems[1:]:
            err.print(f"  {p}", highlight=False, soft_wrap=True)
    if isinstance(exc, EngineError):
        log.debug(exc.details())
    raise typer.Exit(exit_code(exc))


def _declared(func: Callable[..., Any]) -> dict[str, str]:
    """Which shared options the function declares itself: {option: parameter name}."""
    found: dict[str, str] = {}
    for name, hint in get_type_hints(func, include_extras=True).items():
        for meta in getattr(hint, "__metadata__", ()):
            decls = {getattr(meta, "default", None), *(getattr(meta, "param_decls", None) or ())}
            for option, flags in _FLAGS.items():
                if decls & set(flags):
                    found[option] = name
    return found


def with_shared_options(func: Callable[..., Any], name: str) -> Callable[..., Any]:
    """``func`` taking every shared option it lacks; values from either position reach its own ones."""
    own = _declared(func)
    hints = get_type_hints(func, include_extras=True)
    sig = inspect.signature(func)
    params = [p.replace(annotation=hints.get(p.name, p.annotation)) for p in sig.parameters.values()]
    for option, (pname, hint, default) in _ADDED.items():
        if option not in own:
            params.append(inspect.Parameter(pname, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=hint))
    native_json = "json" in own

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        given = {option: kwargs.pop(pname) if option not in own else kwargs[own[option]]
                 for option, (pname, _, _) in _ADDED.items()}
        opts = merge(bool(given["json"]), bool(given["quiet"]), int(given["verbose"]))
        for option, pname in own.items():
            kwargs[pname] = getattr(opts, option)
        if opts.json and not native_json:
            with _reported(name):
                return func(*args, **kwargs)
        return func(*args, **kwargs)

    del run.__wrapped__  # Typer must read the new signature, not func's
    run.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]  # read by inspect
    run.__annotations__ = {p.name: p.annotation for p in params}
    return run


@contextmanager
def _reported(name: str) -> Iterator[None]:
    """What a command without a JSON form printed, as one JSON document."""
    out.begin_capture()
    try:
        yield
    except BaseException:
        out.end_capture()  # a failure says so on stderr; no document of a result that is not there
        raise
    text = out.end_capture()
    emit({"command": name, "output": text.rstrip("\n").splitlines()})


def _group_options(json_: JsonOpt = False, quiet: QuietOpt = False, verbose: VerboseOpt = 0) -> None:
    merge(json_, quiet, verbose)


def share_options(app: typer.Typer, path: str = "") -> None:
    """Give every command and group of ``app`` (recursively) the shared options."""
    for info in app.registered_commands:
        if info.callback is not None:
            name = info.name or info.callback.__name__.replace("_", "-")
            info.callback = with_shared_options(info.callback, f"{path}{name}")
    for group in app.registered_groups:
        sub = group.typer_instance
        if sub is None:
            continue
        gname = group.name or sub.info.name or ""
        if sub.registered_callback is None:
            sub.callback()(_group_options)
        elif sub.registered_callback.callback is not None:
            cb = sub.registered_callback
            cb.callback = with_shared_options(cb.callback, f"{path}{gname}")  # type: ignore[arg-type]
        share_options(sub, f"{path}{gname} ")
