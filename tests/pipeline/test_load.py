import os
from pathlib import Path

import pytest

from conftest import write_corpus
from kg.errors import CorpusEncodingError, CorpusNotFound, ManifestError
from kg.pipeline.load import decode, find_documents, list_documents, load_manifest, read_bytes, read_document

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


# ------------------------------------------------------------------ encodings a portal may serve
PLAN = "福州都市圈发展规划\n第一章 总体要求\n推进福州长乐国际机场二期扩建，建设福清融侨经济技术开发区和闽江口城市带。\n" * 3


@pytest.mark.parametrize("encoding", ["big5", "shift_jis", "euc_kr"])
def test_decode_rejects_other_east_asian_encodings_instead_of_reading_garbage(encoding):
    # GB18030 decodes Shift-JIS and EUC-KR bytes without error, into rare characters: refused.
    with pytest.raises(CorpusEncodingError, match=r"plan.txt: cannot decode as UTF-8 or GB18030"):
        decode(PLAN.encode(encoding, errors="replace"), Path("plan.txt"))


@pytest.mark.parametrize("text", ["Überblick: Straße", "café déjà où", "Ökologie — Straßenbahn, Flughafen. " * 30])
def test_decode_rejects_western_single_byte_text(text):
    with pytest.raises(CorpusEncodingError, match="cannot decode"):
        decode(text.encode("cp1252"), Path("plan.txt"))


def test_decode_reads_short_gbk_texts():
    assert decode("福州".encode("gbk"), Path("a.txt")) == ("福州", "gb18030")
    assert decode("建设泉州湾".encode("gb18030"), Path("a.txt")) == ("建设泉州湾", "gb18030")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_decode_reads_utf16_with_a_byte_order_mark(codec):
    data = PLAN.encode(codec) if codec == "utf-16" else b"\xfe\xff" + PLAN.encode(codec)
    assert decode(data, Path("a.txt")) == (PLAN, "utf-16")


def test_utf16_without_byte_order_mark_is_explained():
    with pytest.raises(CorpusEncodingError, match=r"a.txt: contains NUL bytes \(first at byte 1\).*UTF-16"):
        decode("plan 规划".encode("utf-16-le"), Path("a.txt"))


def test_nul_bytes_in_a_text_file_are_located():
    data = "福州规划\n".encode() + b"\x00" * 8 + "厦门".encode()
    with pytest.raises(CorpusEncodingError, match=r"x.txt: contains NUL bytes \(first at byte 13\)"):
        decode(data, Path("x.txt"))


def test_control_characters_are_located_by_line():
    with pytest.raises(CorpusEncodingError, match=r"x.txt:3: contains control characters \(U\+001B\)"):
        decode("一\n二\n三\x1b四".encode(), Path("x.txt"))
    with pytest.raises(CorpusEncodingError, match=r"U\+FFFF"):
        decode("规划\uffff".encode(), Path("x.txt"))


def test_form_feed_page_breaks_read_as_line_breaks_keeping_offsets():
    text, _ = decode("第一页\f第二页".encode(), Path("x.txt"))
    assert text == "第一页\n第二页"


# ------------------------------------------------------------------ files that are not plain files
def test_read_bytes_refuses_a_fifo_instead_of_blocking(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(CorpusEncodingError, match=r"pipe.txt: is a FIFO, not a regular file"):
        read_bytes(fifo)


def test_read_bytes_names_a_broken_symbolic_link(tmp_path):
    (tmp_path / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    with pytest.raises(CorpusEncodingError, match=r"gone.txt: broken symbolic link to .*deleted.txt"):
        read_bytes(tmp_path / "gone.txt")


def test_read_bytes_names_a_symbolic_link_loop(tmp_path):
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    with pytest.raises(CorpusEncodingError, match=r"a.txt: cannot read: Too many levels of symbolic links"):
        read_bytes(tmp_path / "a.txt")


def test_read_bytes_of_an_unreadable_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("规划", encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop reads (the FIFO, broken-link and "
                        "link-loop tests cover the same error path)")
        with pytest.raises(CorpusEncodingError, match=r"secret.txt: cannot read: Permission denied"):
            read_bytes(path)
    finally:
        path.chmod(0o644)


def test_find_documents_skips_hidden_files_and_mac_resource_forks(tmp_path):
    write_corpus(tmp_path, {"a.txt": "甲", ".~lock.a.txt": "x"})
    write_corpus(tmp_path / "__MACOSX", {"._a.txt": b"\x00\x05\x16\x07binary"})
    write_corpus(tmp_path / ".git", {"notes.txt": "x"})
    assert [p.name for p in list_documents(tmp_path)] == ["a.txt"]


def test_find_documents_does_not_follow_folder_links_and_says_so(tmp_path):
    write_corpus(tmp_path / "plans", {"a.txt": "甲"})
    (tmp_path / "plans" / "loop").symlink_to(tmp_path, target_is_directory=True)
    paths, warnings = find_documents(tmp_path)
    assert [p.name for p in paths] == ["a.txt"]
    assert warnings == [f"{tmp_path / 'plans' / 'loop'}: symbolic link to a folder, not followed"]


def test_a_folder_named_like_a_document_is_searched_not_read(tmp_path):
    write_corpus(tmp_path / "volume.txt", {"a.txt": "甲"})
    assert [p.relative_to(tmp_path).as_posix() for p in list_documents(tmp_path)] == ["volume.txt/a.txt"]


def test_file_name_that_is_not_utf8_is_named_with_a_fix(tmp_path):
    name = os.fsdecode("福州规划".encode("gbk") + b".txt")  # as unzip leaves a GBK zip on Linux
    (tmp_path / name).write_bytes("规划".encode())
    with pytest.raises(CorpusEncodingError, match=r"file name is not UTF-8.*convmv"):
        list_documents(tmp_path)


# ------------------------------------------------------------------ more broken manifests
@pytest.mark.parametrize("manifest, message", [
    (b"", r"MANIFEST.csv:1: the header"),
    (b"file,title\n\x89PNG\x00\x00", r"MANIFEST.csv: contains NUL bytes"),
    (b"file,title\n\"plan.txt,x\n" + b"y" * 140_000, r"MANIFEST.csv:\d+: not valid CSV: field larger"),
    (b"file,title\n\"plan.txt\"x,\"t\n", r"MANIFEST.csv:2: not valid CSV"),
    (b"file,title\n../other/plan.txt,x\n", r"MANIFEST.csv:2: 'file' must be a path inside the corpus"),
    (b"file,title\n/etc/plan.txt,x\n", r"MANIFEST.csv:2: 'file' must be a path inside the corpus"),
    (b"file,title\nC:/plans/plan.txt,x\n", r"MANIFEST.csv:2: 'file' must be a path inside the corpus"),
    ("file,title,issuer\nplan.txt,福州都市圈發展規劃,福建省人民政府\n".encode("big5"), r"MANIFEST.csv: cannot decode"),
])
def test_more_bad_manifests_name_the_file_and_line(tmp_path, manifest, message):
    write_corpus(tmp_path, {"plan.txt": TEXT})
    (tmp_path / "MANIFEST.csv").write_bytes(manifest)
    with pytest.raises(ManifestError, match=message):
        load_manifest(tmp_path)


def test_manifest_that_is_a_folder(tmp_path):
    (tmp_path / "MANIFEST.csv").mkdir()
    with pytest.raises(ManifestError, match=r"MANIFEST.csv: is a folder"):
        load_manifest(tmp_path)


def test_manifest_in_gbk_with_quoted_fields_and_line_breaks(tmp_path):
    write_corpus(tmp_path, {"plan.txt": TEXT})
    manifest = 'file,title,issuer\nplan.txt,"福州都市圈\n发展规划","福建省人民政府"\n'
    (tmp_path / "MANIFEST.csv").write_bytes(manifest.encode("gbk"))
    assert load_manifest(tmp_path)["plan.txt"]["title"] == "福州都市圈\n发展规划"
