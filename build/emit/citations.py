"""Documents a plan is based on (依据/根据) or cites: a corpus plan, or a cited work of its own."""

from __future__ import annotations

import pyoxigraph as ox

from policykg.build import iris, normalize
from policykg.build.emit.context import Context
from policykg.build.emit.terms import en, zh
from policykg.build.iris import ELI, PKG, RDF, RDFS, SKOS
from policykg.build.profiles import NUMBER_RE, cited_title


def emit_citations(ctx: Context) -> None:
    d, out = ctx.iris, ctx.out
    for cited in ctx.doc.of_type("CitedDocument"):
        ident = ctx.reg.get("work", cited.notes["id"])
        stem = ident.note("doc")
        if stem:
            if stem not in ctx.reg.documents:
                raise ctx.error(cited, f"doc={stem} is not a corpus document")
            target = ctx.reg.documents[stem].plan
        else:
            target = iris.cited_work(ident.key)
            out.add(target, RDF.type, PKG.CitedWork)
            # a printed title goes on the work's expression (build.profiles), the number on the work
            if NUMBER_RE.search(normalize.fold(cited.text)):
                out.add(target, ELI.id_local, ox.Literal(normalize.document_number(cited.reading)))
            else:  # one zh label, the work's title; the other printed titles are altLabels
                title = cited_title(ident, cited.reading)
                out.add(target, RDFS.label, zh(title))
                if cited.reading != title:
                    out.add(target, SKOS.altLabel, zh(cited.reading))
            if ident.note("en"):
                out.add(target, RDFS.label, en(ident.note("en")))
        # 依据/根据 a higher plan: ELI's eli:applies ("conforms with", e.g. a local act with a national one);
        # eli:based_on is "empowered by" an enabling act, which none of the cited plans is
        role = ELI.applies if cited.attributes["CiteRole"] == "BasedOn" else ELI.cites
        out.add(d.plan, role, target)
        ctx.identify(cited, target)  # a mention of the cited work, which is not derived from this text
