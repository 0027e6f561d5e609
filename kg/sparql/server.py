"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over the graph, with a query page.

A Starlette (ASGI) app on uvicorn in front of pyoxigraph worker processes (``kg.sparql.workers``):

* ``/sparql`` — SPARQL 1.1 Protocol: ``GET ?query=``, ``POST`` as a form or as
  ``application/sparql-query``; ``default-graph-uri``/``named-graph-uri``; the answer in the
  format the ``Accept`` header asks for (JSON, XML, CSV, TSV; Turtle, N-Triples, JSON-LD …).
* ``/store`` — SPARQL 1.1 Graph Store Protocol, ``GET`` only (``?default`` or ``?graph=IRI``).
* ``/`` — a query page with the query library as examples (no external scripts: works offline).

SPARQL Update (``update=`` or ``application/sparql-update``) and Graph Store writes (``PUT``,
``POST``, ``DELETE``) are refused with 403/405.
"""
from __future__ import annotations

import socket
import sys
from pathlib import Path
from urllib.parse import parse_qsl

from ..settings import setting
from .workers import Limits, QueryWorkers

WEB_DIR = Path(__file__).parent / "web"
READ_ONLY = "this endpoint is read-only: SPARQL Update and Graph Store writes are refused"
_STATIC = {"query.js": "text/javascript; charset=utf-8", "query.css": "text/css; charset=utf-8"}


def create_app(workers: QueryWorkers, *, cors: bool = False):
    """The ASGI application answering with ``workers``."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse, RedirectResponse, Response
    from starlette.routing import Route

    library_cache: list[Response] = []

    def text(status: int, message: str, headers: dict | None = None) -> Response:
        return PlainTextResponse(message + "\n", status_code=status, headers=headers)

    async def answer(job: dict) -> Response:
        reply = await workers.run(job)
        headers = {"Vary": "Accept"}
        if reply.retry_after:
            headers["Retry-After"] = str(reply.retry_after)
        return Response(reply.body, status_code=reply.status, media_type=reply.media, headers=headers)

    async def sparql(request: Request) -> Response:
        params = list(request.query_params.multi_items())
        if request.method == "POST":
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            body = (await request.body()).decode("utf-8", errors="replace")
            if kind == "application/sparql-update":
                return text(403, READ_ONLY)
            if kind == "application/x-www-form-urlencoded":
                params += parse_qsl(body, keep_blank_values=True)
            elif kind == "application/sparql-query":
                params.append(("query", body))
            else:
                return text(415, "POST a form (application/x-www-form-urlencoded) or a query "
                                 "(application/sparql-query)")
        names = [name for name, _ in params]
        if "update" in names:
            return text(403, READ_ONLY)
        queries = [value for name, value in params if name == "query"]
        if len(queries) != 1:
            if not queries and "text/html" in request.headers.get("accept", ""):
                return RedirectResponse("/", status_code=303)
            return text(400, "give exactly one 'query' parameter (SPARQL 1.1 Protocol)")
        return await answer({
            "kind": "query", "query": queries[0], "accept": request.headers.get("accept"),
            "default_graph": [v for n, v in params if n == "default-graph-uri"],
            "named_graphs": [v for n, v in params if n == "named-graph-uri"],
        })

    async def store(request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            async for _ in request.stream():  # read what the client sends, so it hears the refusal
                pass
            return text(405, READ_ONLY, {"Allow": "GET, HEAD"})
        graph = request.query_params.get("graph")
        if graph is None and "default" not in request.query_params:
            return text(400, "say which graph: ?default or ?graph=IRI (SPARQL 1.1 Graph Store Protocol)")
        return await answer({"kind": "graph", "graph": graph, "accept": request.headers.get("accept")})

    async def update(request: Request) -> Response:
        async for _ in request.stream():
            pass
        return text(403, READ_ONLY)

    async def page(request: Request) -> Response:
        return Response((WEB_DIR / "index.html").read_bytes(), media_type="text/html; charset=utf-8")

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in _STATIC:
            return text(404, "not found")
        return Response((WEB_DIR / name).read_bytes(), media_type=_STATIC[name])

    async def library(request: Request) -> Response:
        if not library_cache:
            reply = await workers.run({"kind": "library"})
            response = Response(reply.body, status_code=reply.status, media_type=reply.media)
            if reply.status != 200:
                return response
            library_cache.append(response)
        return library_cache[0]

    middleware = []
    if cors:
        from starlette.middleware.cors import CORSMiddleware

        middleware.append(Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                                     allow_headers=["Accept", "Content-Type"]))
    routes = [
        Route("/", page, methods=["GET"]),
        Route("/static/{name}", static, methods=["GET"]),
        Route("/library.json", library, methods=["GET"]),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/query", sparql, methods=["GET", "POST"]),
        Route("/update", update, methods=["GET", "POST"]),
        Route("/store", store, methods=["GET", "PUT", "POST", "DELETE", "PATCH"]),
    ]
    return Starlette(routes=routes, middleware=middleware)


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
          log=print) -> None:
    """Serve the graph until interrupted (Ctrl-C or SIGTERM).

    Args:
        graph: graph file (default: the built-in graph); the ontology is always added.
        host, port: where to listen; port 0 picks a free port. Only 127.0.0.1 unless told otherwise.
        workers: query worker processes (each holds the dataset in memory).
        limits: query time and answer size limits.
        cors: allow pages of other origins (e.g. a YASGUI page) to query the endpoint.
        log: where the start-up line (with the URL) goes.

    Raises:
        KgError: the graph cannot be read or the address is in use.
    """
    import uvicorn

    sock = _listen(host, port)
    pool = QueryWorkers(graph, workers, limits or Limits())
    try:
        triples = pool.start()
        bound_host, bound_port = sock.getsockname()[:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        log(f"kg serve: {triples}, read-only; query page http://{shown}:{bound_port}/ , "
            f"SPARQL endpoint http://{shown}:{bound_port}/sparql (Ctrl-C stops)")
        sys.stdout.flush()
        config = uvicorn.Config(create_app(pool, cors=cors), log_level="warning", lifespan="off")
        try:
            uvicorn.Server(config).run(sockets=[sock])
        except KeyboardInterrupt:  # uvicorn re-raises Ctrl-C once it has shut down cleanly
            pass
        log("kg serve: stopped")
    finally:
        pool.close()
        sock.close()
