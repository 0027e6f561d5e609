"""Shared fixtures: the real planning corpus, one build of it per test session, small texts."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.paths import PROJECT_ROOT, default_corpus_dir

DATA = Path(__file__).parent / "data"
GOLD_DIR = Path(os.environ.get("KG_GOLD", PROJECT_ROOT.parent / "shared" / "gold"))
INSTALL = "run `sh scripts/install.sh --test` (apt-get install chromium fonts-noto-cjk)"


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium with CJK fonts, for the browser tests; a test that needs them fails,
    saying how to get them, rather than passing by skipping."""
    import shutil
    import subprocess

    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail(f"Chromium is missing: {INSTALL}")
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout \
        if shutil.which("fc-list") else ""
    if not fonts.strip():
        pytest.fail(f"no Chinese font: {INSTALL}")
    return path


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    if not (GOLD_DIR / "dev").is_dir():
        pytest.fail(f"the gold annotations are missing at {GOLD_DIR}; set KG_GOLD to their folder")
    return GOLD_DIR


@pytest.fixture(scope="session", autouse=True)
def private_build_cache(tmp_path_factory) -> Path:
    """Builds started by tests keep their cache in a temporary folder, never in the user's."""
    folder = tmp_path_factory.mktemp("kg-cache")
    os.environ["KG_CACHE_DIR"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    path = default_corpus_dir()
    if not (path / "MANIFEST.csv").exists():
        pytest.fail(f"the planning corpus is missing at {path} (expected beside the project, ../shared/corpus); "
                    "set KG_CORPUS to its folder")
    return path


@pytest.fixture(scope="session")
def corpus(corpus_dir):
    """The pipeline's output for the real corpus (built once per session)."""
    from kg.pipeline.runner import run

    return run(corpus_dir)


@pytest.fixture(scope="session")
def built_ttl(corpus, tmp_path_factory) -> Path:
    """The real corpus graph written as Turtle, as ``kg build`` writes it."""
    from kg.pipeline.build import corpus_graph_triples
    from kg.prefixes import PREFIXES
    from kg.serialize import rdf_format, serialize

    path = tmp_path_factory.mktemp("build") / "kg.ttl"
    path.write_bytes(serialize(corpus_graph_triples(corpus), rdf_format("ttl"), PREFIXES))
    return path


@pytest.fixture(scope="session")
def graph(built_ttl):
    from kg.serialize import load_rdflib

    return load_rdflib(built_ttl)


@pytest.fixture(scope="session")
def default_store():
    """A pyoxigraph store of the built-in graph."""
    from kg.store import open_store

    return open_store()


def invoke(*args):
    """Run the ``kg`` command in-process with ``click.testing.CliRunner``."""
    from click.testing import CliRunner

    from kg.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args])


def write_corpus(folder: Path, files: dict[str, str | bytes], manifest: str | None = None) -> Path:
    """A small corpus folder written from ``{file name: text or bytes}``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    if manifest is not None:
        (folder / "MANIFEST.csv").write_text(manifest, encoding="utf-8")
    return folder


def analyse(text: str, doc_id: str = "doc", issuer: str = "", scope: str = ""):
    """Normalize, segment and extract one text; returns (segmented, mentions)."""
    from kg.pipeline.extract import extract
    from kg.model import Document
    from kg.pipeline.normalize import normalize
    from kg.pipeline.segment import segment

    doc = Document(doc_id=doc_id, path=Path(f"{doc_id}.txt"), text=text, issuer=issuer, scope=scope)
    seg = segment(normalize(doc))
    return seg, extract(seg)


def build_texts(tmp_path: Path, files: dict[str, str], manifest: str | None = None):
    """Run the whole pipeline on small texts; returns the Corpus."""
    from kg.pipeline.runner import run

    return run(write_corpus(tmp_path / "corpus", files, manifest))
