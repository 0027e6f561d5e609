"""``kg push``: load the graph into a SPARQL 1.1 Graph Store Protocol server.

For Oxigraph (``…/store``), Apache Jena Fuseki (``…/DATASET/data``), GraphDB
(``…/repositories/REPO/rdf-graphs/service``), Virtuoso Open-Source (``…/sparql-graph-crud-auth``)
and any other server that implements the protocol. The graph and its ontology go as Turtle (its
N-Triples subset, which every server reads alike) in parts of at most ``chunk`` triples: the first part is ``PUT`` (replacing the target graph, so
pushing twice leaves one copy; ``append`` POSTs it instead), the others are POSTed. Memory and
request size stay bounded whatever the graph's size.

A server that asks for credentials is asked first, with a bodiless ``HEAD``: Virtuoso answers a
request without credentials with 401 and closes the connection, so a large body sent before the
challenge was answered could be cut off (``Connection reset by peer``). Each part is then sent
with its ``Authorization`` header (Basic or Digest) already computed. A part whose connection
fails, or that the server answers with 502/503/504, is sent again: loading the same triples into
a graph twice leaves the same graph. Only a POSTed part with blank nodes is not retried (a
second copy would add new blank nodes); all blank-node triples go in the first part, so that
each blank node is one node on the server. The password never appears in a message.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import KgError
from ..settings import setting


class PushError(KgError):
    """The server could not be reached or refused the graph."""


@dataclass(frozen=True)
class PushReport:
    url: str  # the request URL (endpoint with ?graph= or ?default)
    method: str  # of the first part
    triples: int
    status: int  # of the last part
    parts: int = 1


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
    if "@" in parts.netloc:  # never echo the URL: it holds a password
        raise PushError("--endpoint holds credentials (user:password@host); give --user and the password in "
                        "$KG_PUSH_PASSWORD instead, so that it stays out of logs and process lists")
    extra = urllib.parse.urlencode({"graph": graph_iri}) if graph_iri else "default"
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def push(graph: str | Path | None, endpoint: str, *, graph_iri: str | None = None, append: bool = False,
         user: str | None = None, password: str | None = None, timeout: float = setting("push_timeout"),
         chunk: int = setting("push_chunk_triples"), retries: int = setting("push_retries")) -> PushReport:
    """Send the graph (default: the built-in one) and the ontology to a Graph Store Protocol server.

    Args:
        graph: graph file or database folder to send.
        endpoint: the server's Graph Store Protocol URL.
        graph_iri: the named graph to fill; None fills the default graph.
        append: POST the first part too (merge into the graph) instead of PUT (replace it).
        user, password: for servers that ask for HTTP Basic or Digest authentication.
        timeout: seconds to wait for the server, per request.
        chunk: triples per request.
        retries: tries per request when the connection fails or the server is busy.

    Raises:
        PushError: bad URL, server unreachable, or an HTTP error (with the server's message);
            after a first part was loaded, the message says how many were.
    """
    import pyoxigraph as ox

    from ..store import open_store

    if graph_iri is not None:
        try:
            ox.NamedNode(graph_iri)
        except ValueError as exc:
            raise PushError(f"--graph-iri {graph_iri!r} is not an IRI: {exc}") from exc
    url = target_url(endpoint, graph_iri)
    client = _Client(endpoint, url, user, password, timeout, max(1, retries))
    client.authenticate()
    store = open_store(graph)
    triples, status, parts = 0, 0, 0
    for body, count, blank in turtle_parts(store, max(1, chunk)):
        method = "POST" if append or parts else "PUT"
        try:
            status = client.send(method, body, retry=not (blank and method == "POST"))
        except PushError as exc:
            if parts:
                raise PushError(f"{exc} ({parts} part(s), {triples} triples, were loaded; push again to replace "
                                "them)") from exc
            raise
        triples, parts = triples + count, parts + 1
    return PushReport(url=url, method="POST" if append else "PUT", triples=triples, status=status, parts=parts)


def turtle_parts(store, chunk: int) -> Iterator[tuple[bytes, int, bool]]:
    """The default graph of ``store`` as Turtle documents of at most ``chunk`` triples (the first
    holds every triple with a blank node, however many): ``(body, triples, has blank nodes)``."""
    import pyoxigraph as ox

    def blank(triple) -> bool:
        return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)

    def quads():
        return (q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))

    def turtle(triples) -> bytes:  # N-Triples, the plain subset of Turtle: no prefixed names, whose
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)  # escapes (kgr:a\/b) Virtuoso keeps

    part = [t for t in quads() if blank(t)]
    has_blank = bool(part)
    for triple in quads():
        if blank(triple):
            continue
        part.append(triple)
        if len(part) >= chunk:
            yield turtle(part), len(part), has_blank
            part, has_blank = [], False
    if part:
        yield turtle(part), len(part), has_blank


class _Client:
    """Requests to one Graph Store URL with credentials computed before the body is sent."""

    def __init__(self, endpoint: str, url: str, user: str | None, password: str | None, timeout: float,
                 tries: int):
        self.endpoint, self.url, self.timeout, self.tries = endpoint, url, timeout, tries
        self.user, self.password = user, password or ""
        self.challenge: dict[str, str] | None = None  # the server's WWW-Authenticate parameters
        self.count = 0  # Digest nonce count

    def authenticate(self) -> None:
        """Ask for the server's challenge with a bodiless HEAD, then answer it with another, so that
        refused credentials are a clear error before any data is sent (when a user is given).

        Raises:
            PushError: the server is unreachable or refuses the user name and password.
        """
        if not self.user:
            return
        if self._head(authorized=False) == 401 and self._head(authorized=True) == 401:
            raise PushError(f"{self.endpoint}: the server refused the graph: HTTP 401 Unauthorized: the server did "
                            "not accept the user name and password (--user, $KG_PUSH_PASSWORD)")

    def _head(self, *, authorized: bool) -> int:
        headers = {"Authorization": self._authorization("HEAD")} if authorized and self.challenge else {}
        try:
            with self._open(urllib.request.Request(self.url, method="HEAD", headers=headers)) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            if exc.code == 401 and not authorized:
                self._remember(exc.headers.get("WWW-Authenticate", ""))
            return exc.code
        except (urllib.error.URLError, OSError) as exc:
            raise PushError(f"{self.endpoint}: cannot reach the server: {getattr(exc, 'reason', exc)}") from exc

    def send(self, method: str, body: bytes, *, retry: bool = True) -> int:
        """Send one part; returns the HTTP status.

        Raises:
            PushError: the server refused it, or the connection failed ``tries`` times.
        """
        for attempt in range(1, self.tries + 1):
            headers = {"Content-Type": "text/turtle; charset=utf-8"}
            if self.user and self.challenge:  # never sent to a server that did not ask
                headers["Authorization"] = self._authorization(method)
            request = urllib.request.Request(self.url, data=body, method=method, headers=headers)
            try:
                with self._open(request) as response:
                    return response.status
            except urllib.error.HTTPError as exc:
                detail = exc.read(2000).decode("utf-8", errors="replace").strip()
                if exc.code == 401 and self.user and attempt < self.tries and self._remember(
                        exc.headers.get("WWW-Authenticate", ""), stale_only=self.challenge is not None):
                    continue  # a new nonce (or a first challenge): answer it
                if exc.code in (502, 503, 504) and retry and attempt < self.tries:
                    time.sleep(0.5 * 2 ** attempt)
                    continue
                if exc.code == 401:
                    detail = "the server did not accept the user name and password (--user, $KG_PUSH_PASSWORD)"
                raise PushError(f"{self.endpoint}: the server refused the graph: HTTP {exc.code} {exc.reason}"
                                + (f": {detail}" if detail else "")) from exc
            except (urllib.error.URLError, OSError) as exc:
                if retry and attempt < self.tries:
                    time.sleep(0.5 * 2 ** attempt)
                    continue
                reason = getattr(exc, "reason", exc)
                raise PushError(f"{self.endpoint}: cannot reach the server: {reason}"
                                + (f" (after {attempt} tries)" if attempt > 1 else "")) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _open(self, request):
        opener = urllib.request.build_opener(urllib.request.HTTPRedirectHandler())
        return opener.open(request, timeout=self.timeout)

    def _remember(self, header: str, *, stale_only: bool = False) -> bool:
        """Keep the challenge in ``header``; False when there is none to answer (or, with
        ``stale_only``, when the server did not say the old nonce had merely expired)."""
        scheme, _, rest = header.strip().partition(" ")
        params = {k.lower(): v.strip('"') for k, v in re.findall(r'(\w+)=("[^"]*"|[^,\s]*)', rest)}
        if scheme.lower() not in ("basic", "digest"):
            return False
        if stale_only and scheme.lower() == "digest" and params.get("stale", "").lower() != "true":
            return False
        self.challenge = {"scheme": scheme.lower(), **params}
        self.count = 0
        return True

    def _authorization(self, method: str) -> str:
        challenge = self.challenge or {}
        if challenge["scheme"] == "basic":
            token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
            return f"Basic {token}"
        self.count += 1
        return digest_authorization(challenge, self.user or "", self.password, method, _request_uri(self.url),
                                    self.count, os.urandom(8).hex())


def _request_uri(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def digest_authorization(challenge: dict, user: str, password: str, method: str, uri: str, count: int,
                         cnonce: str) -> str:
    """The ``Authorization`` header answering an HTTP Digest ``challenge`` (RFC 7616; MD5 or SHA-256).

    The example of RFC 2617 (section 3.5):

    >>> header = digest_authorization({"realm": "testrealm@host.com", "qop": "auth,auth-int",
    ...     "nonce": "dcd98b7102dd2f0e8b11d0f600bfb0c093"}, "Mufasa", "Circle Of Life", "GET",
    ...     "/dir/index.html", 1, "0a4f113b")
    >>> 'response="6629fae49393a05397450978507c4ef1"' in header
    True
    """
    algorithm = challenge.get("algorithm", "MD5")
    digest = hashlib.sha256 if algorithm.upper().startswith("SHA-256") else hashlib.md5

    def h(text: str) -> str:
        return digest(text.encode("utf-8")).hexdigest()

    realm, nonce = challenge.get("realm", ""), challenge.get("nonce", "")
    ha1, ha2 = h(f"{user}:{realm}:{password}"), h(f"{method}:{uri}")
    qop = "auth" if "auth" in [q.strip() for q in challenge.get("qop", "").split(",")] else ""
    nc = f"{count:08x}"
    response = h(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}") if qop else h(f"{ha1}:{nonce}:{ha2}")
    fields = [f'username="{user}"', f'realm="{realm}"', f'nonce="{nonce}"', f'uri="{uri}"',
              f'response="{response}"', f"algorithm={algorithm}"]
    if qop:
        fields += [f"qop={qop}", f"nc={nc}", f'cnonce="{cnonce}"']
    if "opaque" in challenge:
        fields.append(f'opaque="{challenge["opaque"]}"')
    return "Digest " + ", ".join(fields)
