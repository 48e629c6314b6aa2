"""The `policykg` command: build, validate, query and serve the knowledge graph.

Exit codes follow pySHACL: 0 success / conforms, 1 does not conform, 2 input or runtime error.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from policykg import config
from policykg.errors import CorpusError, NonConformingBuildError, PolicyKGError

log = logging.getLogger("policykg")
OUTPUT_FORMATS = ("table", "json", "csv", "tsv", "turtle")


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debugging detail.")
@click.version_option(package_name="policykg")
def main(verbose: bool) -> None:
    """Knowledge graph of China's vocational skills training plans."""
    _setup_logging(verbose)


def _fail(exc: PolicyKGError) -> None:
    for error in getattr(exc, "errors", [exc]):  # AnnotationErrors carries every error found
        click.echo(f"error: {error}", err=True)
    sys.exit(2)


def build_graph(data_dir: Path, corpus_dir: Path | None = None, progress: bool = True):
    """Run the builder; shared by `build` and by `serve` on first use."""
    from policykg.build.pipeline import BuildOptions, run_build

    corpus_dir = corpus_dir or config.CORPUS_DIR
    if not corpus_dir.is_dir():  # an installed package has no corpus of its own
        raise CorpusError(f"no corpus folder at {corpus_dir}: name one with `policykg build --corpus DIR`")
    opts = BuildOptions(corpus_dir=corpus_dir, ontology_dir=config.ONTOLOGY_DIR,
                        shapes_dir=config.SHAPES_DIR, data_dir=data_dir, progress=progress)
    return run_build(opts)


@main.command()
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Corpus folder (default: the project's corpus/).")
@click.option("--no-progress", is_flag=True, help="No progress bars.")
def build(corpus_dir: Path | None, no_progress: bool) -> None:
    """Build the graph from corpus/ into $POLICYKG_DATA (atomically)."""
    data_dir = config.data_dir()
    try:
        summary = build_graph(data_dir, corpus_dir, progress=not no_progress)
    except NonConformingBuildError as exc:  # exit codes as pySHACL's: 1 violations, 2 errors
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except PolicyKGError as exc:
        _fail(exc)
    except OSError as exc:
        from policykg.errors import BuildError

        _fail(BuildError(f"cannot write the build into {data_dir}: {exc.strerror or exc} (set POLICYKG_DATA "
                         "to a folder you can write)"))
    click.echo(f"built {summary.build_dir} ({data_dir / 'current'})")
    click.echo(f"{len(summary.documents)} documents, {summary.triples} asserted triples, "
               f"{summary.inferred} inferred triples")
    classes = sorted({c for counts in summary.documents.values() for c in counts})
    width = max((len(c) for c in classes), default=5)
    docs = sorted(summary.documents)
    if len(docs) > PER_DOCUMENT_COLUMNS:
        _echo_class_totals(summary, classes, width)
        return
    click.echo(f"{'class':<{width}}  " + "  ".join(d[:3] for d in docs) + "  distinct")
    for cls in classes:
        row = [summary.documents[d].get(cls, 0) for d in docs]
        click.echo(f"{cls:<{width}}  " + "  ".join(f"{n:>3}" for n in row) + f"  {summary.classes.get(cls, 0):>8}")
    for doc in docs:
        click.echo(f"{doc[:3]} = {doc} → {summary.graphs.get(doc, '?')}")


PER_DOCUMENT_COLUMNS = 12  # beyond this a column per document is unreadable: totals instead


def _echo_class_totals(summary, classes: list[str], width: int) -> None:
    """Per class: resources summed over the documents' graphs, and distinct resources (shared ones once)."""
    click.echo(f"{'class':<{width}}  {'in documents':>12}  {'distinct':>8}")
    for cls in classes:
        total = sum(counts.get(cls, 0) for counts in summary.documents.values())
        click.echo(f"{cls:<{width}}  {total:>12}  {summary.classes.get(cls, 0):>8}")


@main.command()
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Corpus folder (default: the project's corpus/).")
def check(corpus_dir: Path | None) -> None:
    """Report every annotation error in every file at once (file:line: message); exit 2 if any."""
    from policykg.build.check import check_corpus

    corpus = corpus_dir or config.CORPUS_DIR
    errors = check_corpus(corpus)
    for error in errors:
        click.echo(f"{error}", err=True)
    if errors:
        click.echo(f"{len(errors)} error(s) in {corpus}", err=True)
        sys.exit(2)
    click.echo(f"{corpus}: all annotation files are valid")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "turtle"]), default="text",
              help="Report as text or as a SHACL validation report in Turtle.")
@click.option("--no-cache", is_flag=True,
              help="Validate every graph again instead of reusing the results of unchanged ones.")
def validate(fmt: str, no_cache: bool) -> None:
    """SHACL-validate the built graph; exit 0 only when it conforms (warnings are printed)."""
    from policykg.kg.store import current_build
    from policykg.kg.validation import ValidationOptions, cache_directory
    from policykg.kg.validation import validate as run_validation

    try:
        build = current_build(config.data_dir())
        # the same vocabulary as the build's own validation, so that its cached unit results apply
        options = ValidationOptions(vocabulary=tuple(sorted(config.ONTOLOGY_DIR.glob("*.ttl"))),
                                    cache_dir=None if no_cache else cache_directory(config.data_dir()))
        # the asserted graphs' dump, read as a stream: only the data graphs' merge is held in memory
        report = run_validation(build.dump("policykg.nq"), sorted(config.SHAPES_DIR.glob("*.ttl")), options=options)
    except PolicyKGError as exc:
        _fail(exc)
    click.echo(report.turtle() if fmt == "turtle" else report.text())
    sys.exit(0 if report.conforms else 1)


@main.command()
@click.option("--tables", "tables_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the CSV tables and datapackage.json into.")
def export(tables_dir: Path) -> None:
    """Write the built graph as tidy CSV tables (documents, targets, baselines, programmes, groups,
    agencies, links) with a Frictionless datapackage.json, for use without SPARQL."""
    from policykg.kg.store import current_build, open_store
    from policykg.kg.tables import write_tables

    try:
        store = open_store(current_build(config.data_dir()), in_memory=True)
        written = write_tables(store, tables_dir)
    except PolicyKGError as exc:
        _fail(exc)
    for path in written:
        click.echo(str(path))


@main.command()
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="table", help="Output format.")
@click.option("--inferred", is_flag=True, help="Include the OWL-RL inferred triples in the default graph.")
def query(query: str, fmt: str, inferred: bool) -> None:
    """Run QUERY against the built graph and print the answer.

    QUERY is a .rq file (queries/02-indicator-cascade.rq), a catalogue name without .rq
    (02-indicator-cascade), or the query text. The project's prefixes (pkg:, pkgr:, eli:, skos:, prov:,
    nif:, rdfs: …) are predeclared, as at the /sparql endpoint. Updates are refused: the graph is
    rebuilt from the annotations with `policykg build`.
    """
    from policykg.kg.query_runner import run_query
    from policykg.kg.store import current_build, open_store

    try:
        text = query_text(query)
        build_dir = current_build(config.data_dir())
        store = open_store(build_dir, in_memory=True)
        output = run_query(store, text, fmt, include_inferred=inferred)
    except PolicyKGError as exc:
        _fail(exc)
    click.echo(output, nl=not output.endswith("\n"))


UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


def query_text(query: str) -> str:
    """QUERY as given: a `.rq` file, a file or catalogue name without `.rq`, or the query itself."""
    from policykg.errors import QueryError

    looks_like_name = not any(c in query for c in " \n\t{}?")
    candidates = [Path(query)] if query.endswith(".rq") else [Path(query + ".rq"),
                                                               config.QUERIES_DIR / (query + ".rq")]
    for path in candidates:
        if looks_like_name and path.is_file():
            return path.read_text(encoding="utf-8")
    if looks_like_name:
        tried = " or ".join(str(p) for p in candidates)
        raise QueryError(f"no query file {tried} (QUERY is a .rq file, a name in queries/, or the query text)")
    words = [w.upper() for w in query.split() if not w.upper().startswith(("PREFIX", "BASE", "<")) and ":" not in w]
    if words and words[0] in UPDATE_WORDS:
        raise QueryError(f"{words[0]} is a SPARQL update: `policykg query` only reads; the graph is rebuilt from "
                         "the annotations with `policykg build`")
    return query


def port_is_free(host: str, port: int) -> bool:
    """Whether `host:port` can be listened on now (so that a busy port is reported at once)."""
    import socket

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
        return True
    except OSError:
        return False


@main.command()
@click.option("--host", default=None, help="Interface to listen on (default 127.0.0.1, env POLICYKG_HOST).")
@click.option("--port", type=int, default=None, help="Port (default 8000, env POLICYKG_PORT).")
@click.option("--workers", type=int, default=None, help="Query worker processes.")
@click.option("--processes", type=int, default=None,
              help="Front-end processes sharing the port (default one per core, env POLICYKG_PROCESSES).")
def serve(host: str | None, port: int | None, workers: int | None, processes: int | None) -> None:
    """Serve the SPARQL endpoint, query page, analysis views and linked data.

    Builds the graph first when $POLICYKG_DATA has none; fails at once when the port is in use.
    """
    from policykg.errors import StoreError
    from policykg.kg.store import has_build
    from policykg.server.config import ServerConfig
    from policykg.server.wsgi import serve as run_server

    cfg = ServerConfig.from_env(data_dir=config.data_dir(), host=host, port=port, workers=workers,
                                processes=processes)
    if not port_is_free(cfg.host, cfg.port):
        _fail(StoreError(f"cannot listen on {cfg.host}:{cfg.port}: the port is in use (choose another with "
                         "--port, POLICYKG_PORT or `make serve PORT=…`)"))

    def ensure_built() -> None:
        if not has_build(cfg.data_dir):
            click.echo(f"no graph in {cfg.data_dir}: building it first", err=True)
            try:
                build_graph(cfg.data_dir)
            except OSError as exc:
                raise StoreError(f"cannot build the graph into {cfg.data_dir}: {exc.strerror or exc} "
                                 "(set POLICYKG_DATA to a folder you can write, or build it there first)") from None

    try:
        run_server(cfg, ensure_built)
    except PolicyKGError as exc:
        _fail(exc)


@main.command()
@click.option("--to", "store_url", required=True, metavar="URL",
              help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store (Oxigraph) or "
                   "http://127.0.0.1:8890/sparql-graph-crud-auth (Virtuoso).")
@click.option("--user", default=None, envvar="POLICYKG_PUBLISH_USER", help="User (env POLICYKG_PUBLISH_USER).")
@click.option("--password", default=None, envvar="POLICYKG_PUBLISH_PASSWORD",
              help="Password (env POLICYKG_PUBLISH_PASSWORD; prefer the variable to the option).")
@click.option("--no-inferred", is_flag=True, help="Leave out graph/inferred (the OWL-RL entailments).")
def publish(store_url: str, user: str | None, password: str | None, no_inferred: bool) -> None:
    """Publish the built graph to a triple store (SPARQL 1.1 Graph Store Protocol).

    Each named graph is replaced with one PUT, so running it again replaces rather than adds. See the
    README (Publishing) for Virtuoso's grants, Oxigraph, Fuseki and GraphDB URLs.
    """
    from policykg.kg.publish import publish as publish_build
    from policykg.kg.store import current_build

    try:
        report = publish_build(current_build(config.data_dir()), store_url, include_inferred=not no_inferred,
                               user=user, password=password)
    except PolicyKGError as exc:
        _fail(exc)
    click.echo(f"published {len(report.triples)} graphs, {report.total} triples to {store_url} "
               f"in {report.seconds:.1f} s")
    for graph, count in report.triples.items():
        click.echo(f"{count:>8}  {graph}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write the .ann files into this folder (default: beside each text).")
@click.option("--force", is_flag=True, help="Overwrite an existing .ann file.")
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Curated corpus to learn the lexicons from (default: the project's corpus/).")
def annotate(files: tuple[Path, ...], out_dir: Path | None, force: bool, corpus_dir: Path | None) -> None:
    """Draft brat annotations (FILE.ann) of plan texts in the corpus scheme, for a person to review."""
    from policykg.build.annotate.command import annotate_files

    try:
        for line in annotate_files(list(files), out_dir, force, corpus_dir or config.CORPUS_DIR):
            click.echo(line)
    except PolicyKGError as exc:
        _fail(exc)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "slug", default=None, help="File stem in the corpus (default: NNN_<sha256 prefix>).")
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Corpus folder (default: the project's corpus/).")
def add(file: Path, slug: str | None, corpus_dir: Path | None) -> None:
    """Add a plan text to the corpus: copy, draft its annotations, build, validate, report what was found."""
    from policykg.build.annotate.adding import add_document

    try:
        report = add_document(file, corpus_dir or config.CORPUS_DIR, config.data_dir(), slug)
    except PolicyKGError as exc:
        _fail(exc)
    click.echo(report)


if __name__ == "__main__":
    main()
