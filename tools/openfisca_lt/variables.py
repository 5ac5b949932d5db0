"""Variables of the minimal LT country package: the case's facts (inputs) and the three
lump sums of the Law on Benefits for Children (No I-621) that tools/handwritten.py encodes:
Art. 5 lump sum child benefit, Art. 9 lump sum settlement benefit, Art. 10 pregnant woman
benefit, each a multiple of the base social benefit (BSB) valid on its applicable date
(Art. 12(7)), with the claim deadlines of Art. 13.

Every fact is an ETERNITY variable (a case's facts do not vary by period here). A date fact
that the case does not give keeps the default ``UNKNOWN`` (0001-01-01): OpenFisca has no
"absent" value, so absence is this sentinel. Booleans whose absence matters only when they
are explicitly false (permanent residence, Art. 1(3)) default to true.

The applicable date differs from case to case inside one vectorised simulation, so a dated
parameter is read per case with ``at_dates`` (the parameter's dated values applied by
``numpy.where``), not with ``parameters(period)``, which gives one value for the whole
simulation.
"""
from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from .entities import Claim

ETERNITY = DateUnit.ETERNITY
UNKNOWN = date(1, 1, 1)
_UNKNOWN = np.datetime64(UNKNOWN, "D")
COVER_FROM, COVER_TO = np.datetime64("2008-01-01"), np.datetime64("2017-12-31")  # coverage


# --------------------------------------------------------------------------- date helpers

def add_months(d: np.ndarray, n: int) -> np.ndarray:
    """Same day number n months later, clamped to that month's last day (conventions)."""
    m = d.astype("datetime64[M]")
    day0 = (d - m.astype("datetime64[D]")).astype(int)
    t = m + n
    t_d = t.astype("datetime64[D]")
    last0 = ((t + 1).astype("datetime64[D]") - t_d).astype(int) - 1
    return t_d + np.minimum(day0, last0)


def birthday(b: np.ndarray, years: int) -> np.ndarray:
    """The ``years``th birthday; 29 February gives 1 March in a common year (conventions)."""
    m = b.astype("datetime64[M]")
    day0 = (b - m.astype("datetime64[D]")).astype(int)
    return (m + 12 * years).astype("datetime64[D]") + day0


def at_dates(param, dates: np.ndarray) -> np.ndarray:
    """A dated parameter's value on each date (the latest value starting on or before it)."""
    values = sorted(param.values_list, key=lambda v: v.instant_str)
    out = np.full(dates.shape, values[0].value)
    for v in values[1:]:
        out = np.where(dates >= np.datetime64(v.instant_str), v.value, out)
    return out


def _p(claim):
    return claim.simulation.tax_benefit_system.parameters.benefits


# --------------------------------------------------------------------------- enums

class ResidenceBasis(Enum):
    unknown = "not given"
    permanent = "permanent residence"
    highly_qualified_permit = "permit for highly qualified employment"
    eu_coordination = "EU social security coordination"
    none = "no basis (Art. 1(2))"


class EndReason(Enum):
    none = "not given"
    majority = "majority"
    emancipation = "emancipation"
    marriage = "marriage"
    other = "other"


class Status(Enum):
    not_applicable = "not applicable"
    not_covered = "not covered"
    refused = "refused"
    undetermined = "undetermined"
    granted = "granted"


class Currency(Enum):
    none = "no amount"
    LTL = "litas"
    EUR = "euro"


# --------------------------------------------------------------------------- facts (inputs)

def _date_fact(name: str, label: str) -> type:
    return type(name, (Variable,), {"value_type": date, "entity": Claim,
                                    "definition_period": ETERNITY,
                                    "default_value": UNKNOWN, "label": label})


def _bool_fact(name: str, label: str, default: bool = False) -> type:
    return type(name, (Variable,), {"value_type": bool, "entity": Claim,
                                    "definition_period": ETERNITY,
                                    "default_value": default, "label": label})


DATE_FACTS = {
    "evaluation_date": "the date the case is decided on (`on`)",
    "application_date": "Art. 13: date of the application (default: the evaluation date)",
    "child_birth_date": "the child's birth date",
    "child_adoption_date": "the date the adoption took effect",
    "guardianship_start_date": "the date guardianship began",
    "guardianship_end_date": "the date guardianship ended",
    "pregnancy_expected_birth_date": "the expected date of birth",
}
BOOL_FACTS = {
    "parent_permanent_resident": ("Art. 1(3): the parent lives permanently in Lithuania", True),
    "child_permanent_resident": ("Art. 1(3): the child lives permanently in Lithuania", True),
    "child_stillborn": ("Art. 5(4): the child was stillborn", False),
    "child_maintained_by_state_institution": ("Arts. 5(4), 9(2)(1): maintained by the State",
                                              False),
    "child_adopted_by_spouse_of_parent": ("Art. 5(5): adopted by a parent's spouse", False),
    "child_detained": ("Art. 9(2)(3): the child is detained", False),
    "application_by_guardian": ("Art. 13(1): the application is made by a guardian", False),
    "application_lump_sum_previously_paid": ("Art. 13(1): the lump sum was paid before", False),
    "guardianship_at_parents_request_due_to_departure": ("Art. 9(2)(2)", False),
    "pregnancy_entitled_to_maternity_allowance": ("Art. 10: entitled to maternity allowance",
                                                  False),
}

_facts = [_date_fact(n, lbl) for n, lbl in DATE_FACTS.items()]
_facts += [_bool_fact(n, lbl, dflt) for n, (lbl, dflt) in BOOL_FACTS.items()]


class parent_residence_basis(Variable):
    value_type = Enum
    possible_values = ResidenceBasis
    default_value = ResidenceBasis.unknown
    entity = Claim
    definition_period = ETERNITY
    label = "Art. 1(2): the parent's basis of residence"


class guardianship_end_reason(Variable):
    value_type = Enum
    possible_values = EndReason
    default_value = EndReason.none
    entity = Claim
    definition_period = ETERNITY
    label = "Art. 9(1): why the guardianship ended"


# --------------------------------------------------------------------------- shared

class application_effective_date(Variable):
    value_type = date
    entity = Claim
    definition_period = ETERNITY
    label = "Art. 13: the application date, or the evaluation date when not given"

    def formula(claim, period, parameters):
        app = claim("application_date", period)
        return np.where(app == _UNKNOWN, claim("evaluation_date", period), app)


class no_residence_basis(Variable):
    value_type = bool
    entity = Claim
    definition_period = ETERNITY
    label = "Art. 1(2): the parent has no basis of residence"

    def formula(claim, period, parameters):
        return claim("parent_residence_basis", period) == ResidenceBasis.none


def _status(applicable, covered, refused, undetermined):
    return np.select([~applicable, ~covered, refused, undetermined],
                     [Status.not_applicable.index, Status.not_covered.index,
                      Status.refused.index, Status.undetermined.index],
                     default=Status.granted.index)


def _covered(ad):
    return (ad >= COVER_FROM) & (ad <= COVER_TO)


def _bsb_amount(claim, status, multiple, ad):
    bsb = at_dates(_p(claim).base_social_benefit, ad)
    amount = np.round(multiple * bsb, 2)
    return np.where(status == Status.granted, amount, 0)


def _currency(claim, status, ad):
    euro = at_dates(_p(claim).currency_is_euro, ad)
    cur = np.where(euro, Currency.EUR.index, Currency.LTL.index)
    return np.where(status == Status.granted, cur, Currency.none.index)


# --------------------------------------------------------------------------- Art. 5

class lump_sum_child_benefit_applicable_date(Variable):
    value_type = date
    entity = Claim
    definition_period = ETERNITY
    default_value = UNKNOWN
    label = "Art. 12(7): the birth date, or the adoption date for an adopted child"

    def formula(claim, period, parameters):
        adopt = claim("child_adoption_date", period)
        return np.where(adopt == _UNKNOWN, claim("child_birth_date", period), adopt)


class lump_sum_child_benefit_status(Variable):
    value_type = Enum
    possible_values = Status
    default_value = Status.not_applicable
    entity = Claim
    definition_period = ETERNITY
    label = "Art. 5 lump sum child benefit: status"

    def formula(claim, period, parameters):
        birth = claim("child_birth_date", period)
        adopt = claim("child_adoption_date", period)
        start = claim("guardianship_start_date", period)
        ad = claim("lump_sum_child_benefit_applicable_date", period)
        app = claim("application_effective_date", period)
        adoption = adopt != _UNKNOWN
        newborn = ~adoption
        guardian = claim("application_by_guardian", period)
        start_known = start != _UNKNOWN
        refused = (
            claim("no_residence_basis", period)                                    # Art. 1(2)
            | ~claim("parent_permanent_resident", period)                          # Art. 1(3)
            | ~claim("child_permanent_resident", period)
            | newborn & (claim("child_stillborn", period)                          # Art. 5(4)
                         | claim("child_maintained_by_state_institution", period))
            | newborn & guardian & (claim("application_lump_sum_previously_paid", period)  # 13(1)
                                    | (app >= add_months(birth, 18))
                                    | start_known & ((app > add_months(start, 6))
                                                     | (app < start)))
            | newborn & ~guardian & ((app > add_months(birth, 12)) | (app < birth))  # 13(1)
            | adoption & (claim("child_adopted_by_spouse_of_parent", period)       # Art. 5(5)
                          | (app > add_months(adopt, 12)) | (app < adopt))        # 13(1)
        )
        return _status(birth != _UNKNOWN, _covered(ad), refused, newborn & guardian & ~start_known)


class lump_sum_child_benefit_missing_guardianship_start_date(Variable):
    value_type = bool
    entity = Claim
    definition_period = ETERNITY
    label = "Art. 5: undetermined because guardianship.start_date is not given"

    def formula(claim, period, parameters):
        return claim("lump_sum_child_benefit_status", period) == Status.undetermined


class lump_sum_child_benefit_amount(Variable):
    value_type = float
    entity = Claim
    definition_period = ETERNITY
    label = "Art. 5(1)/5(2): 11 BSB"

    def formula(claim, period, parameters):
        ad = claim("lump_sum_child_benefit_applicable_date", period)
        multiple = at_dates(_p(claim).lump_sum_child_multiple, ad)
        return _bsb_amount(claim, claim("lump_sum_child_benefit_status", period), multiple, ad)


class lump_sum_child_benefit_currency(Variable):
    value_type = Enum
    possible_values = Currency
    default_value = Currency.none
    entity = Claim
    definition_period = ETERNITY

    def formula(claim, period, parameters):
        return _currency(claim, claim("lump_sum_child_benefit_status", period),
                         claim("lump_sum_child_benefit_applicable_date", period))


# --------------------------------------------------------------------------- Art. 9

class lump_sum_settlement_benefit_status(Variable):
    value_type = Enum
    possible_values = Status
    default_value = Status.not_applicable
    entity = Claim
    definition_period = ETERNITY
    label = "Art. 9 lump sum settlement benefit: status"

    def formula(claim, period, parameters):
        end = claim("guardianship_end_date", period)                             # Art. 12(7)
        birth = claim("child_birth_date", period)
        app = claim("application_effective_date", period)
        reason = claim("guardianship_end_reason", period)
        birth_known = birth != _UNKNOWN
        refused = (
            claim("no_residence_basis", period)                                    # Art. 1(2)
            | ~claim("child_permanent_resident", period)                           # Art. 1(3)
            | ~((reason == EndReason.majority) | (reason == EndReason.emancipation)  # Art. 9(1)
                | (reason == EndReason.marriage))
            | claim("child_maintained_by_state_institution", period)               # Art. 9(2)(1)
            | claim("guardianship_at_parents_request_due_to_departure", period)    # Art. 9(2)(2)
            | claim("child_detained", period)                                      # Art. 9(2)(3)
            | birth_known & (app >= birthday(birth, 25))                           # Art. 13(3)
        )
        return _status(end != _UNKNOWN, _covered(end), refused, ~birth_known)


class lump_sum_settlement_benefit_missing_child_birth_date(Variable):
    value_type = bool
    entity = Claim
    definition_period = ETERNITY
    label = "Art. 9: undetermined because child.birth_date is not given"

    def formula(claim, period, parameters):
        return claim("lump_sum_settlement_benefit_status", period) == Status.undetermined


class lump_sum_settlement_benefit_amount(Variable):
    value_type = float
    entity = Claim
    definition_period = ETERNITY
    label = "Art. 9(1): 50 BSB, and as of 2009-01-01 75 BSB"

    def formula(claim, period, parameters):
        end = claim("guardianship_end_date", period)
        multiple = at_dates(_p(claim).settlement_multiple, end)
        status = claim("lump_sum_settlement_benefit_status", period)
        return _bsb_amount(claim, status, multiple, end)


class lump_sum_settlement_benefit_currency(Variable):
    value_type = Enum
    possible_values = Currency
    default_value = Currency.none
    entity = Claim
    definition_period = ETERNITY

    def formula(claim, period, parameters):
        return _currency(claim, claim("lump_sum_settlement_benefit_status", period),
                         claim("guardianship_end_date", period))


# --------------------------------------------------------------------------- Art. 10

class pregnant_woman_benefit_applicable_date(Variable):
    value_type = date
    entity = Claim
    definition_period = ETERNITY
    default_value = UNKNOWN
    label = "Art. 12(7), Art. 10: 70 days before the expected birth date"

    def formula(claim, period, parameters):
        ebd = claim("pregnancy_expected_birth_date", period)
        return np.where(ebd == _UNKNOWN, _UNKNOWN, ebd - np.timedelta64(70, "D"))


class pregnant_woman_benefit_status(Variable):
    value_type = Enum
    possible_values = Status
    default_value = Status.not_applicable
    entity = Claim
    definition_period = ETERNITY
    label = "Art. 10 pregnant woman benefit: status"

    def formula(claim, period, parameters):
        ebd = claim("pregnancy_expected_birth_date", period)
        ad = claim("pregnant_woman_benefit_applicable_date", period)
        app = claim("application_effective_date", period)
        refused = (
            claim("no_residence_basis", period)                                    # Art. 1(2)
            | claim("pregnancy_entitled_to_maternity_allowance", period)           # Art. 10
            | (app < ad)                                                           # Art. 10
            | (app > add_months(ad, 12))                                           # Art. 13(4)
        )
        return _status(ebd != _UNKNOWN, _covered(ad), refused, np.zeros(ad.shape, bool))


class pregnant_woman_benefit_amount(Variable):
    value_type = float
    entity = Claim
    definition_period = ETERNITY
    label = "Art. 10: 2 BSB"

    def formula(claim, period, parameters):
        ad = claim("pregnant_woman_benefit_applicable_date", period)
        multiple = at_dates(_p(claim).pregnant_woman_multiple, ad)
        return _bsb_amount(claim, claim("pregnant_woman_benefit_status", period), multiple, ad)


class pregnant_woman_benefit_currency(Variable):
    value_type = Enum
    possible_values = Currency
    default_value = Currency.none
    entity = Claim
    definition_period = ETERNITY

    def formula(claim, period, parameters):
        return _currency(claim, claim("pregnant_woman_benefit_status", period),
                         claim("pregnant_woman_benefit_applicable_date", period))


variables = _facts + [v for v in list(globals().values())
                      if isinstance(v, type) and issubclass(v, Variable) and v is not Variable
                      and v.__module__ == __name__]
