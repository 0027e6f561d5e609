"""One table of settings: each default written once, read by the library and by the CLI's help.

    >>> SETTINGS["query_timeout"].default
    120.0
    >>> setting("serve_port")
    7878

A setting's ``help`` is the option's help text in ``kg --help``; ``option`` is the option that
changes it. Change a default here and the library, the command line and its help follow.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: float | int | str
    option: str  # the command-line option that overrides it
    help: str


SETTINGS = {s.name: s for s in (
    Setting("query_timeout", 120.0, "kg query --timeout",
            "Seconds the query may run before it is stopped (0: no limit)."),
    Setting("query_max_rows", 1_000_000, "kg query --max-rows",
            "Largest answer, in rows (triples for CONSTRUCT); a larger one is refused (0: no limit)."),
    Setting("serve_timeout", 30.0, "kg serve --timeout", "Seconds a query may run before it is stopped."),
    Setting("serve_max_mb", 64, "kg serve --max-mb", "Largest answer, in megabytes."),
    Setting("serve_workers", 2, "kg serve --workers",
            "Query processes (each holds the graph in memory, or opens the database)."),
    Setting("serve_host", "127.0.0.1", "kg serve --host",
            "Address to listen on; 0.0.0.0 opens the endpoint to other machines."),
    Setting("serve_port", 7878, "kg serve --port", "Port to listen on (0: any free port)."),
    Setting("push_timeout", 600.0, "kg push --timeout", "Seconds to wait for the server, per request."),
    Setting("push_chunk_triples", 50_000, "kg push --chunk",
            "Triples per request; a larger graph is sent in several requests."),
    Setting("push_retries", 3, "kg push --retries", "Tries per request when the connection fails."),
)}


def setting(name: str):
    """The default value of the setting ``name`` (a key of :data:`SETTINGS`)."""
    return SETTINGS[name].default
