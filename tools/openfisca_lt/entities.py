"""The one entity of this package: a claim (one case of the generated benchmark).

The lump sums read facts about a child, a parent, a guardianship and a pregnancy; the
hand-written encoding keeps them in one flat dict per case, so here they are variables of
one person-like entity, ``claim``, rather than a household with roles.
"""
from openfisca_core.entities import build_entity

Claim = build_entity(
    key="claim",
    plural="claims",
    label="One case: the facts of one application under the Law on Benefits for Children",
    is_person=True,
)

entities = [Claim]
