"""The one table of serialisations (kg/formats.py) agrees with the engine that writes them."""

from __future__ import annotations

import pytest

from policykg.kg.formats import GRAPH_FORMATS, RESULT_FORMATS, RESULTS_CSV, TURTLE, named


@pytest.mark.parametrize("fmt", RESULT_FORMATS + GRAPH_FORMATS, ids=lambda fmt: fmt.name)
def test_media_type_and_extension_are_the_engines(fmt):
    engine_type = fmt.engine.media_type.split(";")[0]  # the engine adds "; charset=utf-8" to CSV and TSV
    assert (fmt.media_type, fmt.extension) == (engine_type, fmt.engine.file_extension)


def test_results_and_graphs_are_told_apart_by_their_engine_format():
    import pyoxigraph as ox

    assert all(isinstance(fmt.engine, ox.QueryResultsFormat) for fmt in RESULT_FORMATS)
    assert all(isinstance(fmt.engine, ox.RdfFormat) for fmt in GRAPH_FORMATS)
    names = [fmt.name for fmt in RESULT_FORMATS + GRAPH_FORMATS]
    assert len(names) == len(set(names))


def test_formats_are_found_by_name_within_their_role():
    assert named("csv", RESULT_FORMATS) is RESULTS_CSV
    assert named("turtle", GRAPH_FORMATS) is TURTLE
    with pytest.raises(KeyError, match="known: json, xml, csv, tsv"):
        named("turtle", RESULT_FORMATS)


def test_textual_formats_say_their_charset():
    assert TURTLE.content_type == "text/turtle; charset=utf-8"
