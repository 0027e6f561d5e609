"""Where the project's data lives: one place to change it."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
GAZETTEER_DIR = DATA_DIR / "gazetteer"
LEXICON_DIR = DATA_DIR / "lexicon"
DEFAULT_GRAPH = DATA_DIR / "kg.ttl"
ONTOLOGY_FILE = ONTOLOGY_DIR / "kg.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"


def default_corpus_dir() -> Path:
    """The planning corpus: ``$KG_CORPUS`` or ``../shared/corpus`` beside the project."""
    return Path(os.environ.get("KG_CORPUS", PROJECT_ROOT.parent / "shared" / "corpus"))
