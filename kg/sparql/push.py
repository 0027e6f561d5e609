"""``kg push``: load the graph into a SPARQL 1.1 Graph Store Protocol server.

For Oxigraph (``…/store``), Apache Jena Fuseki (``…/DATASET/data``), GraphDB
(``…/repositories/REPO/rdf-graphs/service``), Virtuoso (``…/sparql-graph-crud-auth``) and any
other server that implements the protocol. The graph and its ontology go in one request as Turtle;
``PUT`` replaces the target graph (pushing twice leaves one copy), ``--append`` POSTs (merges).
"""
from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..errors import KgError


class PushError(KgError):
    """The server could not be reached or refused the graph."""


@dataclass(frozen=True)
class PushReport:
    url: str  # the request URL (endpoint with ?graph= or ?default)
    method: str
    triples: int
    status: int


def target_url(endpoint: str, graph_iri: str | None) -> str:
    """The Graph Store Protocol URL of ``graph_iri`` (or of the default graph) at ``endpoint``.

    >>> target_url("http://127.0.0.1:7878/store", "https://w3id.org/fjkg/graph")
    'http://127.0.0.1:7878/store?graph=https%3A%2F%2Fw3id.org%2Ffjkg%2Fgraph'
    >>> target_url("http://localhost:3030/fj/data", None)
    'http://localhost:3030/fj/data?default'
    """
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PushError(f"--endpoint {endpoint!r} is not an http(s) URL of a Graph Store Protocol service")
    extra = urllib.parse.urlencode({"graph": graph_iri}) if graph_iri else "default"
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def push(graph: str | Path | None, endpoint: str, *, graph_iri: str | None = None, append: bool = False,
         user: str | None = None, password: str | None = None, timeout: float = 600.0) -> PushReport:
    """Send the graph (default: the built-in one) and the ontology to a Graph Store Protocol server.

    Args:
        graph: graph file to send.
        endpoint: the server's Graph Store Protocol URL.
        graph_iri: the named graph to fill; None fills the default graph.
        append: POST (merge into the graph) instead of PUT (replace it).
        user, password: for servers that ask for HTTP Basic or Digest authentication.
        timeout: seconds to wait for the server.

    Raises:
        PushError: bad URL, server unreachable, or an HTTP error (with the server's message).
    """
    import pyoxigraph as ox

    from ..prefixes import PREFIXES
    from ..store import open_store

    if graph_iri is not None:
        try:
            ox.NamedNode(graph_iri)
        except ValueError as exc:
            raise PushError(f"--graph-iri {graph_iri!r} is not an IRI: {exc}") from exc
    url = target_url(endpoint, graph_iri)
    store = open_store(graph)
    body = ox.serialize((q.triple for q in store), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    method = "POST" if append else "PUT"
    request = urllib.request.Request(url, data=body, method=method,
                                     headers={"Content-Type": "text/turtle; charset=utf-8"})
    handlers = []
    if user:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, user, password or "")
        handlers += [urllib.request.HTTPBasicAuthHandler(passwords), urllib.request.HTTPDigestAuthHandler(passwords)]
    try:
        with urllib.request.build_opener(*handlers).open(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        detail = exc.read(2000).decode("utf-8", errors="replace").strip()
        raise PushError(f"{endpoint}: the server refused the graph: HTTP {exc.code} {exc.reason}"
                        + (f": {detail}" if detail else "")) from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PushError(f"{endpoint}: cannot reach the server: {reason}") from exc
    return PushReport(url=url, method=method, triples=len(store), status=status)
