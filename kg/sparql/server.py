"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over the graph, with a query page.

A Starlette (ASGI) app on uvicorn in front of pyoxigraph worker processes (``kg.sparql.workers``):

* ``/sparql`` — SPARQL 1.1 Protocol: ``GET ?query=``, ``POST`` as a form or as
  ``application/sparql-query``; ``default-graph-uri``/``named-graph-uri``; the answer in the
  format the ``Accept`` header asks for (JSON, XML, CSV, TSV; Turtle, N-Triples, JSON-LD …).
* ``/store`` — SPARQL 1.1 Graph Store Protocol, ``GET`` only (``?default`` or ``?graph=IRI``).
* ``/`` — a query page with the query library as examples (no external scripts: works offline).

SPARQL Update (``update=`` or ``application/sparql-update``) and Graph Store writes (``PUT``,
``POST``, ``DELETE``) are refused with 403/405.

Hostile clients and pages: a ``Host`` the server does not serve (DNS rebinding) and, without
``--cors``, a POST from another site's page are refused (``Gate``); request bodies are limited in
size and in time (``read_body``); answers go out in parts, and a client that stops taking them is
given up (``streamed``); ``SERVICE`` and deep nesting are refused by the workers before the engine
runs (``kg.sparql.guard``). ``/health`` reports the query workers.
"""
from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from ..settings import setting
from .guard import MAX_QUERY_BYTES
from .workers import Limits, QueryWorkers

WEB_DIR = Path(__file__).parent / "web"
READ_ONLY = "this endpoint is read-only: SPARQL Update and Graph Store writes are refused"
_STATIC = {"query.js": "text/javascript; charset=utf-8", "query.css": "text/css; charset=utf-8"}
MAX_BODY_BYTES = 3 * MAX_QUERY_BYTES + 65536  # a 1 MB query, form-encoded (%XX triples a byte)
DRAIN_SECONDS = 2.0  # how long a refused write's body is read (and thrown away) before the answer
READ_TIMEOUT = 10.0  # seconds for a request body to arrive, or for a client to take the next part of an answer
CHUNK = 65536  # answers are sent in parts of this size
_INCOMPLETE = "ASGI callable returned without completing response."  # uvicorn's word for a client given up on


@dataclass(frozen=True)
class Access:
    """Who may use the server: the host names it answers to, cross-site pages, reading time."""

    hosts: frozenset[str] = frozenset({"localhost"})  # besides IP addresses, which DNS cannot rebind
    cors: bool = False
    read_timeout: float = READ_TIMEOUT


class RequestRefused(Exception):
    """A request refused before it reaches a worker: ``status`` and a one-line ``message``."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def served_names(host: str, extra: tuple[str, ...] = ()) -> frozenset[str]:
    """The names ``Host`` may carry: localhost, ``--host`` if a name, the machine's names when
    listening beyond loopback, and ``extra`` (``--allow-host``)."""
    names = {"localhost", *(name.lower().rstrip(".") for name in extra)}
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        names.add(host.lower().rstrip("."))
    else:
        if not address.is_loopback:
            names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    return frozenset(names)


def host_allowed(value: str, names: frozenset[str]) -> bool:
    """Whether a ``Host`` header names this server (an IP address always does: only a name can be
    made to point at 127.0.0.1 by DNS rebinding).

    >>> host_allowed("127.0.0.1:7878", frozenset({"localhost"})), host_allowed("evil.example:7878", frozenset())
    (True, False)
    """
    value = value.strip().lower()
    name = value[1:value.find("]")] if value.startswith("[") else value.rsplit(":", 1)[0]
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return name.rstrip(".") in names


def cross_site(headers, host: str) -> bool:
    """Whether a browser sent the request from a page of another site (Sec-Fetch-Site, else Origin)."""
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site:
        return fetch_site not in ("same-origin", "none")
    origin = headers.get("origin")
    return origin is not None and (origin == "null" or urlsplit(origin).netloc.lower() != host.lower())


class Gate:
    """ASGI middleware: refuse a ``Host`` the server does not serve (DNS rebinding) and, unless
    CORS was asked for, a write-method request sent from another site's page (a form post)."""

    def __init__(self, app, access: Access):
        self.app, self.access = app, access

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            host = headers.get("host", "")
            refusal = None
            if host and not host_allowed(host, self.access.hosts):
                refusal = (f"this server does not serve the host name {host!r} (a DNS rebinding attempt?); "
                           "start kg serve with --allow-host NAME to serve it")
            elif not self.access.cors and scope["method"] not in ("GET", "HEAD") and cross_site(headers, host):
                refusal = ("requests from pages of other sites are refused; start kg serve with --cors "
                           "to let other origins query it")
            if refusal:
                await _text(403, refusal)(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def read_body(request, limit: int = MAX_BODY_BYTES, seconds: float = READ_TIMEOUT) -> bytes:
    """The request body, refused (413) past ``limit`` bytes and (408) if it takes over ``seconds``
    to arrive; nothing is read beyond the limit.

    Raises:
        RequestRefused: too large, too slow, or the client went away (status 400, never sent).
    """
    from starlette.requests import ClientDisconnect

    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise RequestRefused(413, body_too_large(limit))
    loop = asyncio.get_running_loop()
    deadline, parts, size = loop.time() + seconds, [], 0
    stream = request.stream().__aiter__()
    while True:
        try:
            part = await asyncio.wait_for(stream.__anext__(), max(0.0, deadline - loop.time()))
        except StopAsyncIteration:
            return b"".join(parts)
        except asyncio.TimeoutError:
            raise RequestRefused(408, f"the request body took longer than {seconds:g} s to arrive") from None
        except ClientDisconnect:
            raise RequestRefused(400, "the client went away") from None
        size += len(part)
        if size > limit:
            raise RequestRefused(413, body_too_large(limit))
        parts.append(part)


async def drain_body(request, seconds: float) -> None:
    """Read and throw away what the client sends, for at most ``seconds``: a client still sending a
    large body (``kg push`` to a read-only endpoint) then hears the refusal instead of a reset
    connection. Nothing is kept, so memory does not grow with the body."""
    from starlette.requests import ClientDisconnect

    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    stream = request.stream().__aiter__()
    while True:
        try:
            await asyncio.wait_for(stream.__anext__(), max(0.0, deadline - loop.time()))
        except (StopAsyncIteration, asyncio.TimeoutError, ClientDisconnect):
            return


def body_too_large(limit: int) -> str:
    return f"the request body is larger than the limit of {limit:,} bytes (a query may have {MAX_QUERY_BYTES:,})"


def form_fields(data: bytes, what: str) -> list[tuple[str, str]]:
    """Name/value pairs of a form or query string, refused (400) unless it is UTF-8 throughout."""
    try:
        return parse_qsl(data.decode("utf-8"), keep_blank_values=True,
                         encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise RequestRefused(400, f"the {what} is not valid UTF-8") from None


async def sparql_params(request, access: Access) -> list[tuple[str, str]]:
    """The SPARQL 1.1 Protocol parameters of a request, from its query string and body."""
    params = form_fields(request.scope.get("query_string", b""), "query string")
    if request.method != "POST":
        return params
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update"):
        raise RequestRefused(415, "POST a form (application/x-www-form-urlencoded) or a query "
                                  "(application/sparql-query)")
    if kind == "application/sparql-update":
        raise RequestRefused(403, READ_ONLY)
    body = await read_body(request, seconds=access.read_timeout)
    if kind == "application/x-www-form-urlencoded":
        return params + form_fields(body, "form")
    try:
        return params + [("query", body.decode("utf-8"))]
    except UnicodeDecodeError as exc:
        raise RequestRefused(400, f"the query is not valid UTF-8 (byte {exc.start}); send it as UTF-8") from None


def streamed(body: bytes, status: int, media: str, headers: dict, seconds: float, log):
    """A response sent ``CHUNK`` bytes at a time, given up on when the client takes no part for ``seconds``."""
    from starlette.responses import Response

    class Streamed(Response):
        async def __call__(self, scope, receive, send):
            await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
            for start in range(0, len(self.body), CHUNK):
                part = {"type": "http.response.body", "body": self.body[start:start + CHUNK], "more_body": True}
                try:
                    await asyncio.wait_for(send(part), seconds)
                except asyncio.TimeoutError:
                    client = scope.get("client") or ("?", "?")
                    log(f"kg serve: gave up on {client[0]}:{client[1]}, which took no part of its answer "
                        f"for {seconds:g} s")
                    return
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    return Streamed(body, status_code=status, media_type=media, headers=headers)


def _text(status: int, message: str, headers: dict | None = None):
    from starlette.responses import PlainTextResponse

    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


class _Endpoint:
    """The route handlers of :func:`create_app`, sharing the workers and the access rules."""

    def __init__(self, workers: QueryWorkers, access: Access, log):
        self.workers, self.access, self.log = workers, access, log
        self.library_cache: list = []

    async def answer(self, job: dict):
        reply = await self.workers.run(job)
        headers = {"Vary": "Accept"}
        if reply.retry_after:
            headers["Retry-After"] = str(reply.retry_after)
        return streamed(reply.body, reply.status, reply.media, headers, self.access.read_timeout, self.log)

    async def sparql(self, request):
        from starlette.responses import RedirectResponse

        try:
            params = await sparql_params(request, self.access)
        except RequestRefused as exc:
            return _text(exc.status, exc.message)
        if "update" in [name for name, _ in params]:
            return _text(403, READ_ONLY)
        queries = [value for name, value in params if name == "query"]
        if len(queries) != 1:
            if not queries and "text/html" in request.headers.get("accept", ""):
                return RedirectResponse("/", status_code=303)
            return _text(400, "give exactly one 'query' parameter (SPARQL 1.1 Protocol)")
        return await self.answer({
            "kind": "query", "query": queries[0], "accept": request.headers.get("accept"),
            "default_graph": [v for n, v in params if n == "default-graph-uri"],
            "named_graphs": [v for n, v in params if n == "named-graph-uri"],
        })

    async def refuse_write(self, request, status: int, headers: dict | None = None):
        await drain_body(request, seconds=min(self.access.read_timeout, DRAIN_SECONDS))
        return _text(status, READ_ONLY, headers)

    async def store(self, request):
        if request.method not in ("GET", "HEAD"):
            return await self.refuse_write(request, 405, {"Allow": "GET, HEAD"})
        graph = request.query_params.get("graph")
        if graph is None and "default" not in request.query_params:
            return _text(400, "say which graph: ?default or ?graph=IRI (SPARQL 1.1 Graph Store Protocol)")
        return await self.answer({"kind": "graph", "graph": graph, "accept": request.headers.get("accept")})

    async def update(self, request):
        return await self.refuse_write(request, 403)

    async def health(self, request):
        from starlette.responses import Response

        report = self.workers.health()
        return Response(json.dumps(report) + "\n", status_code=503 if report["status"] == "down" else 200,
                        media_type="application/json", headers={"Cache-Control": "no-store"})

    async def page(self, request):
        from starlette.responses import Response

        return Response((WEB_DIR / "index.html").read_bytes(), media_type="text/html; charset=utf-8")

    async def static(self, request):
        from starlette.responses import Response

        name = request.path_params["name"]
        if name not in _STATIC:
            return _text(404, "not found")
        return Response((WEB_DIR / name).read_bytes(), media_type=_STATIC[name])

    async def library(self, request):
        from starlette.responses import Response

        if not self.library_cache:
            reply = await self.workers.run({"kind": "library"})
            response = Response(reply.body, status_code=reply.status, media_type=reply.media)
            if reply.status != 200:
                return response
            self.library_cache.append(response)
        return self.library_cache[0]


def create_app(workers: QueryWorkers, *, access: Access | None = None, log=print):
    """The ASGI application answering with ``workers``."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Route

    access = access or Access()
    endpoint = _Endpoint(workers, access, log)
    middleware = [Middleware(Gate, access=access)]
    if access.cors:
        from starlette.middleware.cors import CORSMiddleware

        middleware.append(Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                                     allow_headers=["Accept", "Content-Type"]))
    routes = [
        Route("/", endpoint.page, methods=["GET"]),
        Route("/static/{name}", endpoint.static, methods=["GET"]),
        Route("/library.json", endpoint.library, methods=["GET"]),
        Route("/health", endpoint.health, methods=["GET"]),
        Route("/sparql", endpoint.sparql, methods=["GET", "POST"]),
        Route("/query", endpoint.sparql, methods=["GET", "POST"]),
        Route("/update", endpoint.update, methods=["GET", "POST"]),
        Route("/store", endpoint.store, methods=["GET", "PUT", "POST", "DELETE", "PATCH"]),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app):
        workers.watch()  # a worker that dies before the first request is replaced too
        yield

    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


class _WithoutIncomplete(logging.Filter):
    """Drop uvicorn's line for a response given up on: ``streamed`` has logged why."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != _INCOMPLETE


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free port)."""
    from ..errors import KgError

    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)  # connections made before uvicorn starts wait in the backlog
    except OSError as exc:
        raise KgError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return sock


def serve(graph: str | Path | None = None, *, host: str = setting("serve_host"), port: int = setting("serve_port"),
          workers: int = setting("serve_workers"), limits: Limits | None = None, cors: bool = False,
          allow_hosts: tuple[str, ...] = (), read_timeout: float = READ_TIMEOUT, log=print) -> None:
    """Serve the graph until interrupted (Ctrl-C or SIGTERM).

    Args:
        graph: graph file (default: the built-in graph); the ontology is always added.
        host, port: where to listen; port 0 picks a free port. Only 127.0.0.1 unless told otherwise.
        workers: query worker processes (each holds the dataset in memory).
        limits: query time and answer size limits, and the endpoints SERVICE may call.
        cors: allow pages of other origins (e.g. a YASGUI page) to query the endpoint.
        allow_hosts: host names to answer to besides localhost and IP addresses.
        read_timeout: seconds for a request body to arrive, and for a client to take each part of an answer.
        log: where the start-up line (with the URL) and problems go.

    Raises:
        KgError: the graph cannot be read or the address is in use.
    """
    import uvicorn

    sock = _listen(host, port)
    pool = QueryWorkers(graph, workers, limits or Limits(), log=lambda line: (log(line), sys.stdout.flush()))
    access = Access(hosts=served_names(host, allow_hosts), cors=cors, read_timeout=read_timeout)
    try:
        triples = pool.start()
        bound_host, bound_port = sock.getsockname()[:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        log(f"kg serve: {triples}, read-only; query page http://{shown}:{bound_port}/ , "
            f"SPARQL endpoint http://{shown}:{bound_port}/sparql (Ctrl-C stops)")
        sys.stdout.flush()
        logging.getLogger("uvicorn.error").addFilter(_WithoutIncomplete())
        config = uvicorn.Config(create_app(pool, access=access, log=pool.log), log_level="warning", lifespan="on")
        try:
            uvicorn.Server(config).run(sockets=[sock])
        except KeyboardInterrupt:  # uvicorn re-raises Ctrl-C once it has shut down cleanly
            pass
        log("kg serve: stopped")
    finally:
        pool.close()
        sock.close()
