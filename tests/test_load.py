from pathlib import Path

import pytest

from conftest import write_corpus
from kg.errors import CorpusEncodingError, CorpusNotFound, ManifestError
from kg.load import decode, list_documents, load_manifest, read_document

TEXT = "福州都市圈发展规划\n推进福州长乐国际机场二期扩建。\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_decode_reads_utf8_and_chinese_national_encodings(encoding):
    text, used = decode(TEXT.encode(encoding), Path("a.txt"))
    assert text == TEXT
    assert used == ("gb18030" if encoding.startswith("gb") else "utf-8")


def test_decode_rejects_binary_file_naming_it():
    with pytest.raises(CorpusEncodingError, match="picture.txt"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", Path("picture.txt"))


def test_decode_rejects_undetectable_encoding():
    latin = "Überblick: Straßenbahn, Flughafen, Hafen — Ökologie. " * 20
    with pytest.raises(CorpusEncodingError, match="cannot decode"):
        decode(latin.encode("cp1252"), Path("plan.txt"))


def test_decode_rejects_control_characters():
    with pytest.raises(CorpusEncodingError, match="control characters"):
        decode("规划\x07\x1b文本".encode(), Path("x.txt"))


def test_list_documents_missing_and_empty_folders(tmp_path):
    with pytest.raises(CorpusNotFound, match="no such folder"):
        list_documents(tmp_path / "nowhere")
    with pytest.raises(CorpusNotFound, match="no .txt documents"):
        list_documents(tmp_path)


def test_list_documents_is_sorted_and_recursive(tmp_path):
    write_corpus(tmp_path, {"b.txt": "乙", "a.txt": "甲", "notes.md": "x"})
    write_corpus(tmp_path / "sub", {"c.txt": "丙"})
    assert [p.relative_to(tmp_path).as_posix() for p in list_documents(tmp_path)] == ["a.txt", "b.txt", "sub/c.txt"]


def test_manifest_rows_attach_metadata(tmp_path):
    write_corpus(tmp_path, {"plan.txt": TEXT},
                 "file,title,issuer,issued,reference,scope\nplan.txt,福州都市圈发展规划,福建省人民政府,2021-07-09,,福州都市圈\n")
    doc = read_document(tmp_path / "plan.txt", tmp_path, load_manifest(tmp_path))
    assert (doc.doc_id, doc.title, doc.issuer, doc.issued) == ("plan", "福州都市圈发展规划", "福建省人民政府", "2021-07-09")


@pytest.mark.parametrize("manifest, message", [
    ("name,title\nplan.txt,x\n", r"MANIFEST.csv:1: the header"),
    ("file,title,issuer,issued,reference,scope\nplan.txt,x,y\n", r"MANIFEST.csv:2: expected 6 fields, found 3"),
    ("file,title,issuer,issued,reference,scope\nplan.txt,x,y,July 2021,,\n", r"MANIFEST.csv:2: 'issued' must be a date"),
    ("file,title,issuer,issued,reference,scope\nplan.doc,x,y,,,\n", r"MANIFEST.csv:2: 'file' must name a .txt"),
    ("file,title,issuer,issued,reference,scope\nplan.txt,x,,,,\nplan.txt,y,,,,\n", r"MANIFEST.csv:3: plan.txt is listed twice"),
    ("file,title,colour\nplan.txt,x,red\n", r"unknown column\(s\) colour"),
])
def test_bad_manifest_rows_name_the_line(tmp_path, manifest, message):
    write_corpus(tmp_path, {"plan.txt": TEXT}, manifest)
    with pytest.raises(ManifestError, match=message):
        load_manifest(tmp_path)
