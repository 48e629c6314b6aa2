"""build.emit.responsibilities: who serves, leads, answers for and pays for a measure."""

from policykg.build.emit.responsibilities import DUTY_RELATIONS, serve_and_duty
from policykg.kg import namespaces as ns
from policykg.kg.namespaces import BASE

AGENCY = BASE + "agency/taian-hrss"


def responsibility(quads, node: str) -> tuple[str, str]:
    (qualified,) = quads.iris(node, ns.PKG.responsibility)
    (agent,) = quads.iris(qualified, ns.PKG.agent)
    (role,) = quads.iris(qualified, ns.PKG.role)
    assert quads.iris(qualified, ns.PKG.responsibilityOf) == {node}
    return agent, role


def test_duty_relations_are_those_of_the_scheme(scheme):
    agency_relations = {name for name, (arg1, _) in scheme.relations.items() if arg1 == {"Agency"}}
    assert set(DUTY_RELATIONS) == agency_relations - {"approvedBy"}


def test_a_lead_agency_is_responsible_and_leads(ctx, written):
    serve_and_duty(ctx, ctx.doc.entities["T36"], "https://example.org/item")
    quads = written(ctx.out)
    assert quads.iris("https://example.org/item", ns.PKG.responsibleAgency) == {AGENCY}
    assert quads.iris("https://example.org/item", ns.PKG.leadAgency) == {AGENCY}
    assert responsibility(quads, "https://example.org/item") == (AGENCY, str(ns.PKG.LeadRole))


def test_a_participant_is_only_responsible(ctx, written):
    serve_and_duty(ctx, ctx.doc.entities["T43"], "https://example.org/task")
    quads = written(ctx.out)
    assert quads.iris("https://example.org/task", ns.PKG.responsibleAgency) == {AGENCY}
    assert quads.iris("https://example.org/task", ns.PKG.leadAgency) == set()
    assert responsibility(quads, "https://example.org/task") == (AGENCY, str(ns.PKG.ParticipantRole))
    assert quads.iris("https://example.org/task", ns.PKG.fundedBy) == {BASE + "funding/employment-subsidy-fund"}


def test_one_qualified_responsibility_per_measure_and_agency(ctx, written):
    serve_and_duty(ctx, ctx.doc.entities["T36"], "https://example.org/a")
    serve_and_duty(ctx, ctx.doc.entities["T36"], "https://example.org/b")
    quads = written(ctx.out)
    assert quads.iris("https://example.org/a", ns.PKG.responsibility) != \
        quads.iris("https://example.org/b", ns.PKG.responsibility)
