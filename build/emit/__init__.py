"""Turn the annotated corpus into RDF quads: one named graph per document (entry point `emit_document`)."""

from policykg.build.emit.document import emit_document, emit_document_nquads

__all__ = ["emit_document", "emit_document_nquads"]
