"""One table of settings read by the library and the CLI help; export formats from the format registry."""
from __future__ import annotations

import inspect
import re

import pytest
from conftest import invoke

from kg.settings import SETTINGS


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_the_cli_help_shows_the_default_of_the_settings_table(name):
    entry = SETTINGS[name]
    command, option = entry.option.split()[1:]
    result = invoke(command, "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split("Options:", 1)[1].split())
    match = re.search(rf"{re.escape(option)} \S+(?: RANGE)? (.*?)\[default: ([^;\]]+)", text)
    assert match, f"{option} not in kg {command} --help"
    assert " ".join(entry.help.split()) in match.group(1)
    assert match.group(2) == str(entry.default)


def test_the_library_defaults_are_the_settings_table():
    from kg.sparql import limits, push, server, workers

    assert limits.DEFAULT_TIMEOUT == SETTINGS["query_timeout"].default
    assert limits.DEFAULT_MAX_ROWS == SETTINGS["query_max_rows"].default
    assert workers.Limits() == workers.Limits(timeout=SETTINGS["serve_timeout"].default,
                                              max_bytes=SETTINGS["serve_max_mb"].default * 1024 * 1024)
    serve = inspect.signature(server.serve).parameters
    assert (serve["host"].default, serve["port"].default, serve["workers"].default) == (
        SETTINGS["serve_host"].default, SETTINGS["serve_port"].default, SETTINGS["serve_workers"].default)
    sent = inspect.signature(push.push).parameters
    assert (sent["timeout"].default, sent["chunk"].default, sent["retries"].default) == (
        SETTINGS["push_timeout"].default, SETTINGS["push_chunk_triples"].default, SETTINGS["push_retries"].default)


@pytest.mark.parametrize("alias", ["turtle", "TTL", "ntriples", "n-triples", "json-ld", "rdfxml", "rdf/xml"])
def test_export_accepts_every_name_of_the_format_registry(alias):
    from kg.outputs.export import export_format
    from kg.serialize import rdf_format

    result = invoke("export", "仓山区", "--format", alias, "-o", "-", "--no-provenance")
    assert result.exit_code == 0, result.output
    canonical = invoke("export", "仓山区", "--format", export_format(rdf_format(alias).name), "-o", "-",
                       "--no-provenance")
    assert result.output == canonical.output


def test_export_refuses_a_format_it_cannot_write():
    result = invoke("export", "仓山区", "--format", "nquads", "-o", "-")
    assert result.exit_code == 2 and "--format" in result.output
