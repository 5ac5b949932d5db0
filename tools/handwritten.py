"""Hand-written oracle for the three LUMP-SUM benefits and the MONTHLY child benefit of
the Lithuanian Law on Benefits for Children (No I-621), as fixed by
/work/shared/spec/lt-benefits-for-children.md and lt-parameters.md.

It is the benchmark's speed baseline and an independent cross-check of the engine:
plain functions, ``decimal.Decimal`` only, no tracing. Every rule below cites its
article in a short comment.

    evaluate(facts, on) -> {benefit_id: (status, amount, currency, missing_facts)}

``facts`` is a FLAT dict keyed by the spec's dotted fact names; an absent key (or a
``None`` value) means the case does not give the fact, and the spec's default applies.
Precedence per benefit: not_applicable, then not_covered (applicable date outside
2008-01-01..2017-12-31), then refused (any ground), then undetermined, else granted.
``amount``/``currency`` are set only when granted; ``missing_facts`` only when
undetermined (sorted tuple).

    child_benefit(facts, on, period=None) -> (status, amount, currency, missing_facts)

decides the monthly child benefit (Art. 1(2), 1(3), 6, 12(7), 12(8), 13(2)) for the month
``period`` (a date in it; default: the month of ``on``), with the same precedence, and
``random_monthly_case`` generates cases for it. ``from_json`` turns the JSON-style facts an
API receives (nested, ISO date strings, money as decimal strings) into the flat typed dict
these functions read.
"""
from __future__ import annotations

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["evaluate", "child_benefit", "from_json", "random_case", "random_monthly_case"]

_date = datetime.date
_CENT = Decimal("0.01")
_COVER_FROM, _COVER_TO = _date(2008, 1, 1), _date(2017, 12, 31)   # coverage (lt-parameters.md)
_EUR_FROM = _date(2015, 1, 1)                                      # currency changeover
_BSB_LTL, _BSB_EUR = Decimal(130), Decimal(38)                     # BSB 2008-01-01 / 2015-01-01
_D11, _D50, _D75, _D2 = Decimal(11), Decimal(50), Decimal(75), Decimal(2)
_ART9_75_FROM = _date(2009, 1, 1)                                  # Art. 9(1) dated variant
_DIM = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_SEVENTY = datetime.timedelta(days=70)

_NA = ("not_applicable", None, None, ())
_NC = ("not_covered", None, None, ())
_RF = ("refused", None, None, ())


def _leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def _add_months(d: _date, n: int) -> _date:
    """Same day number n months after d, clamped to the month's last day (conventions)."""
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    last = 29 if m == 1 and _leap(y) else _DIM[m]
    return _date(y, m + 1, d.day if d.day <= last else last)


def _birthday(b: _date, n: int) -> _date:
    """Nth birthday; 29 February -> 1 March in non-leap years (conventions: age)."""
    y = b.year + n
    if b.month == 2 and b.day == 29 and not _leap(y):
        return _date(y, 3, 1)
    return _date(y, b.month, b.day)


def _bsb(ad: _date):
    """Base social benefit valid on the applicable date (Art. 12(7); lt-parameters.md)."""
    return (_BSB_EUR, "EUR") if ad >= _EUR_FROM else (_BSB_LTL, "LTL")


def _grant(mult: Decimal, ad: _date):
    v, cur = _bsb(ad)
    return ("granted", (mult * v).quantize(_CENT, ROUND_HALF_UP), cur, ())


def _lump_sum_child(f: dict, app: _date, basis_none: bool):
    birth = f.get("child.birth_date")
    if birth is None:                                   # applicability: birth date given
        return _NA
    adopt = f.get("child.adoption_date")
    ad = birth if adopt is None else adopt              # Art. 12(7): birth or adoption date
    if ad < _COVER_FROM or ad > _COVER_TO:
        return _NC
    if basis_none:                                      # Art. 1(2)
        return _RF
    if f.get("parent.permanent_resident") is False or f.get("child.permanent_resident") is False:
        return _RF                                      # Art. 1(3)
    missing = ()
    if adopt is None:                                   # newborn claim
        if f.get("child.stillborn") or f.get("child.maintained_by_state_institution"):
            return _RF                                  # Art. 5(4)
        if f.get("application.by_guardian"):            # Art. 13(1), guardian route
            if f.get("application.lump_sum_previously_paid"):
                return _RF
            if app >= _add_months(birth, 18):           # not later than age 1.5
                return _RF
            start = f.get("guardianship.start_date")
            if start is None:
                missing = ("guardianship.start_date",)
            elif app > _add_months(start, 6) or app < start:  # within 6 months of it
                return _RF
        elif app > _add_months(birth, 12) or app < birth:  # Art. 13(1): within 12 months
            return _RF
    else:                                               # adoption claim, Art. 5(2)
        if f.get("child.adopted_by_spouse_of_parent"):  # Art. 5(5)
            return _RF
        if app > _add_months(adopt, 12) or app < adopt:  # Art. 13(1): within 12 months
            return _RF
    if missing:
        return ("undetermined", None, None, missing)
    return _grant(_D11, ad)                             # Art. 5(1)/5(2): 11 BSB


def _settlement(f: dict, app: _date, basis_none: bool):
    end = f.get("guardianship.end_date")
    if end is None:                                     # applicability: end date given
        return _NA
    if end < _COVER_FROM or end > _COVER_TO:            # Art. 12(7): guardianship end date
        return _NC
    if basis_none:                                      # Art. 1(2)
        return _RF
    if f.get("child.permanent_resident") is False:      # Art. 1(3): permanent residents only
        return _RF
    reason = f.get("guardianship.end_reason")          # default none (spec): known absent
    if reason not in ("majority", "emancipation", "marriage"):  # Art. 9(1)
        return _RF
    if (f.get("child.maintained_by_state_institution")  # Art. 9(2)(1)
            or f.get("guardianship.at_parents_request_due_to_departure")  # Art. 9(2)(2)
            or f.get("child.detained")):                # Art. 9(2)(3)
        return _RF
    missing = []
    birth = f.get("child.birth_date")
    if birth is None:
        missing.append("child.birth_date")
    elif app >= _birthday(birth, 25):                   # Art. 13(3): before age 25
        return _RF
    if missing:
        return ("undetermined", None, None, tuple(sorted(missing)))
    return _grant(_D75 if end >= _ART9_75_FROM else _D50, end)   # Art. 9(1): 50 / 75 BSB


def _pregnant(f: dict, app: _date, basis_none: bool):
    ebd = f.get("pregnancy.expected_birth_date")
    if ebd is None:                                     # applicability: expected date given
        return _NA
    ad = ebd - _SEVENTY                                 # Art. 12(7), Art. 10: 70 days before
    if ad < _COVER_FROM or ad > _COVER_TO:
        return _NC
    if basis_none:                                      # Art. 1(2)
        return _RF
    if f.get("pregnancy.entitled_to_maternity_allowance"):   # Art. 10
        return _RF
    if app < ad:                                        # Art. 10: not before the 70-day date
        return _RF
    if app > _add_months(ad, 12):                       # Art. 13(4): within 12 months
        return _RF
    return _grant(_D2, ad)                              # Art. 10: 2 BSB


# --------------------------------------------------------------------------- monthly child benefit

_SSI_LTL_285, _SSI_LTL_350, _SSI_EUR = Decimal(285), Decimal(350), Decimal(102)
_SSI_350_FROM = _date(2008, 8, 1)                                  # SSI 285 -> 350 LTL
_COVER_LAST_MONTH = _date(2017, 12, 1)
_D075, _D04, _D15 = Decimal("0.75"), Decimal("0.4"), Decimal("1.5")
_BASES_LT = ("permanent", "highly_qualified_permit")               # Art. 1(2)(1), 1(2)(3)
_INCOME = "household.income_per_person"
_ONE_DAY = datetime.timedelta(days=1)


def _days(lo: _date, hi: _date) -> int:
    """Days from lo to hi, both included (0 when hi < lo)."""
    n = (hi - lo).days + 1
    return n if n > 0 else 0


def child_benefit(facts: dict, on: _date, period: _date | None = None):
    """The child benefit for the month ``period`` (default: the month of ``on``)."""
    birth = facts.get("child.birth_date")
    if birth is None:                                   # applicability: birth date given
        return _NA
    ms = _date(on.year, on.month, 1) if period is None else _date(period.year, period.month, 1)
    if ms < _COVER_FROM or ms > _COVER_LAST_MONTH:      # Art. 12(7): the month's amounts
        return _NC
    basis = facts.get("parent.residence_basis") or "permanent"
    if basis == "none":                                 # Art. 1(2)
        return _RF
    res = facts.get("child.residence") or "LT"          # Art. 1(3)
    if not ((basis in _BASES_LT and res == "LT")
            or (basis == "eu_coordination" and (res == "LT" or res == "EU_EEA_CH"))):
        return _RF
    if facts.get("child.emancipated") or facts.get("child.married") or facts.get("child.detained"):
        return _RF                                      # Art. 6(3)(1)-(3)
    if ms >= _EUR_FROM:                                 # Art. 12(7): values valid in the month
        bsb, cur, ssi = _BSB_EUR, "EUR", _SSI_EUR
    else:
        bsb, cur = _BSB_LTL, "LTL"
        ssi = _SSI_LTL_350 if ms >= _SSI_350_FROM else _SSI_LTL_285
    income = facts.get(_INCOME)
    if income is not None and not income < _D15 * ssi:  # Art. 6(1): income < 1.5 SSI
        return _RF
    app = facts.get("application.date")
    if app is None:
        app = on                                        # default: `on` (Art. 13)
    y, m = ms.year, ms.month
    me = _date(y, m, 29 if m == 2 and _leap(y) else _DIM[m - 1])
    lo = max(ms, birth, _add_months(app, -12))          # Art. 6(1) from birth; 13(2) back pay
    hi = min(me, _add_months(app, 12))                  # Art. 13(2): 12 months from application
    if hi < lo:
        return _RF
    b2 = _birthday(birth, 2)
    under2 = _days(lo, min(hi, b2 - _ONE_DAY))          # Art. 6(1): 0.75 BSB until 2
    # Art. 6(2)(1): 0.4 BSB from 2 to 7; 6(2)(2): to 18 only with 3 or more children
    n = facts.get("household.children_raised")
    older = _birthday(birth, 18 if (1 if n is None else n) >= 3 else 7)
    over2 = _days(max(lo, b2), min(hi, older - _ONE_DAY))
    if not under2 and not over2:                        # no entitled day in the month
        return _RF
    if income is None:                                  # an entitled day needs the income test
        return ("undetermined", None, None, (_INCOME,))
    # Art. 12(8): monthly amount x entitled days / calendar days, rounded once
    total = (_D075 * bsb * under2 + _D04 * bsb * over2) / (me.day)
    return ("granted", total.quantize(_CENT, ROUND_HALF_UP), cur, ())


# --------------------------------------------------------------------------- JSON-style facts

_DATE_FACTS = frozenset((
    "application.date", "child.birth_date", "child.adoption_date",
    "child.completed_general_education_on", "guardianship.start_date", "guardianship.end_date",
    "military_service.start_date", "military_service.end_date", "pregnancy.expected_birth_date"))
_MONEY_FACTS = frozenset(("household.income_per_person", "child.orphans_pension",
                          "child.maintenance_benefit"))
_fromiso = _date.fromisoformat


def from_json(nested: dict) -> dict:
    """Nested JSON-style facts (ISO dates, money as strings) -> the flat typed dict."""
    flat = {}
    for group, values in nested.items():
        for key, v in values.items():
            name = group + "." + key
            if v is not None:
                if name in _DATE_FACTS:
                    v = _fromiso(v)
                elif name in _MONEY_FACTS:
                    v = Decimal(v)
            flat[name] = v
    return flat


def evaluate(facts: dict, on: datetime.date) -> dict[str, tuple[str, Decimal | None, str | None, tuple[str, ...]]]:
    """Decide the three lump sums for one case (flat facts) evaluated on ``on``."""
    app = facts.get("application.date")
    if app is None:
        app = on                                        # default: `on` (Art. 13)
    basis_none = facts.get("parent.residence_basis") == "none"   # Art. 1(2)
    return {
        "lump_sum_child_benefit": _lump_sum_child(facts, app, basis_none),
        "lump_sum_settlement_benefit": _settlement(facts, app, basis_none),
        "pregnant_woman_benefit": _pregnant(facts, app, basis_none),
    }


# --------------------------------------------------------------------------- random cases

def _rdate(rng: random.Random, lo: _date, hi: _date) -> _date:
    return lo + datetime.timedelta(days=rng.randint(0, (hi - lo).days))


def _maybe(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def random_case(rng: random.Random) -> tuple[dict, datetime.date]:
    """A varied flat fact dict and evaluation date, touching every branch above."""
    f: dict = {}
    lo, hi = _date(2006, 1, 1), _date(2019, 12, 31)
    anchor = _rdate(rng, lo, hi)
    kind = rng.random()
    if kind < 0.45:                                     # newborn / adopted / guardian route
        birth = anchor if _maybe(rng, 0.9) else _date(rng.choice((2008, 2012, 2016)), 2, 29)
        f["child.birth_date"] = birth
        app = birth + datetime.timedelta(days=rng.choice((0, 30, 200, 364, 365, 366, 400, 560)))
        if _maybe(rng, 0.25):
            adopt = birth + datetime.timedelta(days=rng.randint(30, 2000))
            f["child.adoption_date"] = adopt
            app = adopt + datetime.timedelta(days=rng.choice((0, 100, 365, 366, 380)))
            if _maybe(rng, 0.2):
                f["child.adopted_by_spouse_of_parent"] = True
        if _maybe(rng, 0.25):
            f["application.by_guardian"] = True
            if _maybe(rng, 0.8):
                start = birth + datetime.timedelta(days=rng.randint(0, 500))
                f["guardianship.start_date"] = start
                app = start + datetime.timedelta(days=rng.choice((0, 60, 180, 183, 200)))
            if _maybe(rng, 0.2):
                f["application.lump_sum_previously_paid"] = True
        if _maybe(rng, 0.08):
            f["child.stillborn"] = True
        if _maybe(rng, 0.08):
            f["child.maintained_by_state_institution"] = True
    elif kind < 0.75:                                   # settlement
        end = anchor
        f["guardianship.end_date"] = end
        f["guardianship.type"] = rng.choice(("family", "social_family", "care_establishment"))
        if _maybe(rng, 0.9):
            birth = _birthday(end, -18) if _maybe(rng, 0.6) else _rdate(rng, _date(1980, 1, 1), end)
            f["child.birth_date"] = birth
            f["guardianship.start_date"] = _rdate(rng, birth, end)
        if _maybe(rng, 0.9):
            f["guardianship.end_reason"] = rng.choice(("majority", "majority", "emancipation", "marriage", "other"))
        app = end + datetime.timedelta(days=rng.choice((0, 75, 400, 2000, 2600, 3000)))
        for k in ("child.maintained_by_state_institution",
                  "guardianship.at_parents_request_due_to_departure", "child.detained"):
            if _maybe(rng, 0.07):
                f[k] = True
    else:                                               # pregnancy
        ebd = anchor
        f["pregnancy.expected_birth_date"] = ebd
        app = ebd + datetime.timedelta(days=rng.choice((-100, -71, -70, -69, -10, 0, 294, 296, 400)))
        if _maybe(rng, 0.5):
            f["pregnancy.entitled_to_maternity_allowance"] = _maybe(rng, 0.3)
        if _maybe(rng, 0.15):                           # a birth as well: both claims at once
            f["child.birth_date"] = ebd + datetime.timedelta(days=rng.randint(-20, 20))
    if _maybe(rng, 0.1):
        f["parent.residence_basis"] = rng.choice(("permanent", "highly_qualified_permit", "eu_coordination", "none"))
    if _maybe(rng, 0.08):
        f["parent.permanent_resident"] = _maybe(rng, 0.3)
    if _maybe(rng, 0.08):
        f["child.permanent_resident"] = _maybe(rng, 0.3)
    if _maybe(rng, 0.05):
        f["household.income_per_person"] = Decimal(rng.randint(0, 100000)) / 100
    if _maybe(rng, 0.05):
        f["household.children_raised"] = rng.randint(1, 6)
    on = app + datetime.timedelta(days=rng.randint(0, 30))
    if _maybe(rng, 0.8):
        f["application.date"] = app
    else:
        on = app                                        # omitted: application.date defaults to `on`
    return f, on


def random_monthly_case(rng: random.Random) -> tuple[dict, datetime.date, datetime.date]:
    """A varied flat fact dict, evaluation date and month (its first day) for the child
    benefit: births whose 2nd, 7th or 18th birthday falls in the month, 29 February, the
    income test on either side of 1.5 SSI (and missing), the number of children, the
    residence tests, the Art. 6(3) exceptions, the 12-month limits of Art. 13(2), months
    outside the coverage, and lump-sum and guardianship facts the benefit does not read."""
    f: dict = {}
    y, m = divmod(rng.randint(0, 12 * 12 - 1), 12)      # months 2007-01 .. 2018-12
    month = _date(2007 + y, m + 1, 1)
    dim = 29 if m == 1 and _leap(month.year) else _DIM[m]
    kind = rng.random()
    if kind < 0.05:
        birth = None                                    # not applicable
    elif kind < 0.45:                                   # a birthday of note in the month
        age = rng.choice((0, 0, 2, 2, 7, 7, 18, 18))
        birth = _add_months(_date(month.year, month.month, rng.randint(1, dim)), -12 * age)
    elif kind < 0.50:                                   # 29 February
        birth = _date(rng.choice((1992, 1996, 2000, 2004, 2008, 2012, 2016)), 2, 29)
    else:
        birth = _rdate(rng, _date(1988, 1, 1), month + datetime.timedelta(days=60))
    if birth is not None:
        f["child.birth_date"] = birth
    # the application: usually near the month, sometimes more than 12 months away
    app = month + datetime.timedelta(days=rng.choice(
        (rng.randint(-40, 60), rng.randint(-400, 400), rng.randint(-370, -330),
         rng.randint(330, 400))))
    on = app + datetime.timedelta(days=rng.randint(0, 60))
    if _maybe(rng, 0.85):
        f["application.date"] = app
    ssi = _SSI_EUR if month >= _EUR_FROM else (
        _SSI_LTL_350 if month >= _SSI_350_FROM else _SSI_LTL_285)
    r = rng.random()
    if r < 0.08:
        pass                                            # income not given: undetermined
    elif r < 0.16:
        f[_INCOME] = _D15 * ssi                         # exactly 1.5 SSI: refused
    elif r < 0.22:
        f[_INCOME] = _D15 * ssi - _CENT                 # a cent below: granted
    elif r < 0.70:
        f[_INCOME] = Decimal(rng.randint(0, int(_D15 * ssi * 100) - 1)) / 100
    else:
        f[_INCOME] = Decimal(rng.randint(0, int(3 * ssi * 100))) / 100
    if _maybe(rng, 0.6):
        f["household.children_raised"] = rng.choice((1, 2, 3, 3, 4, 6))
    if _maybe(rng, 0.15):
        f["parent.residence_basis"] = rng.choice(
            ("permanent", "highly_qualified_permit", "eu_coordination", "eu_coordination", "none"))
    if _maybe(rng, 0.15):
        f["child.residence"] = rng.choice(("LT", "EU_EEA_CH", "EU_EEA_CH", "other"))
    for k in ("child.emancipated", "child.married", "child.detained"):
        if _maybe(rng, 0.04):
            f[k] = _maybe(rng, 0.7)
    if _maybe(rng, 0.1):                                # guardianship: read by other benefits
        f["guardianship.type"] = rng.choice(("family", "social_family", "care_establishment"))
        start = _rdate(rng, min(birth or month, month), month + datetime.timedelta(days=100))
        f["guardianship.start_date"] = start
        if _maybe(rng, 0.5):
            f["guardianship.end_date"] = start + datetime.timedelta(days=rng.randint(0, 3000))
            f["guardianship.end_reason"] = rng.choice(
                ("majority", "emancipation", "marriage", "other"))
    if _maybe(rng, 0.05):
        f["child.maintained_by_state_institution"] = True
    if _maybe(rng, 0.05):
        f["parent.permanent_resident"] = _maybe(rng, 0.5)
    if _maybe(rng, 0.05) and birth is not None:
        f["child.adoption_date"] = birth + datetime.timedelta(days=rng.randint(30, 900))
    if _maybe(rng, 0.04):
        f["pregnancy.expected_birth_date"] = _rdate(rng, _date(2008, 1, 1), _date(2017, 12, 31))
    return f, on, month


if __name__ == "__main__":
    D = _date
    cases = [
        ("newborn 2010 (spec example)", {"child.birth_date": D(2010, 6, 14), "application.date": D(2010, 7, 1)},
         D(2010, 7, 1), "lump_sum_child_benefit", ("granted", Decimal("1430.00"), "LTL", ())),
        ("settlement 2008 (spec example)", {"child.birth_date": D(1990, 6, 30), "guardianship.type": "family",
         "guardianship.start_date": D(2001, 3, 1), "guardianship.end_date": D(2008, 6, 30),
         "guardianship.end_reason": "majority", "application.date": D(2008, 9, 15)},
         D(2008, 9, 15), "lump_sum_settlement_benefit", ("granted", Decimal("6500.00"), "LTL", ())),
        ("pregnancy 2016 (spec example)", {"pregnancy.expected_birth_date": D(2016, 9, 20),
         "pregnancy.entitled_to_maternity_allowance": False, "application.date": D(2016, 8, 1)},
         D(2016, 8, 1), "pregnant_woman_benefit", ("granted", Decimal("76.00"), "EUR", ())),
        ("settlement 2009: 75 BSB", {"child.birth_date": D(1991, 2, 1), "guardianship.end_date": D(2009, 2, 1),
         "guardianship.end_reason": "majority"}, D(2009, 3, 1), "lump_sum_settlement_benefit",
         ("granted", Decimal("9750.00"), "LTL", ())),
        ("settlement, end_reason missing", {"child.birth_date": D(1991, 2, 1), "guardianship.end_date": D(2009, 2, 1)},
         D(2009, 3, 1), "lump_sum_settlement_benefit", ("refused", None, None, ())),
        ("settlement, detained but end_reason missing", {"guardianship.end_date": D(2009, 2, 1), "child.detained": True},
         D(2009, 3, 1), "lump_sum_settlement_benefit", ("refused", None, None, ())),
        ("newborn 2007: not covered", {"child.birth_date": D(2007, 12, 31)}, D(2008, 1, 5),
         "lump_sum_child_benefit", ("not_covered", None, None, ())),
        ("newborn 13 months late", {"child.birth_date": D(2012, 1, 31), "application.date": D(2013, 2, 1)},
         D(2013, 2, 1), "lump_sum_child_benefit", ("refused", None, None, ())),
        ("guardian route, no start date", {"child.birth_date": D(2012, 1, 31), "application.by_guardian": True},
         D(2013, 2, 1), "lump_sum_child_benefit", ("undetermined", None, None, ("guardianship.start_date",))),
        ("guardian route, 1.5 years reached", {"child.birth_date": D(2012, 1, 31), "application.by_guardian": True,
         "guardianship.start_date": D(2013, 6, 1)}, D(2013, 7, 31), "lump_sum_child_benefit",
         ("refused", None, None, ())),
        ("adoption 2015, stillborn irrelevant", {"child.birth_date": D(2014, 3, 1), "child.adoption_date": D(2015, 3, 1),
         "child.stillborn": True}, D(2015, 4, 1), "lump_sum_child_benefit", ("granted", Decimal("418.00"), "EUR", ())),
        ("pregnancy, before the 70-day date", {"pregnancy.expected_birth_date": D(2016, 9, 20)},
         D(2016, 7, 11), "pregnant_woman_benefit", ("refused", None, None, ())),
    ]
    bad = 0
    for name, facts, on, bid, want in cases:
        got = evaluate(facts, on)[bid]
        ok = got == want
        bad += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {bid} -> {got}" + ("" if ok else f" (expected {want})"))
    rng = random.Random(1)
    tally: dict = {}
    for _ in range(20000):
        for bid, r in evaluate(*random_case(rng)).items():
            tally[(bid, r[0])] = tally.get((bid, r[0]), 0) + 1
    for k in sorted(tally):
        print(f"  random {k[0]:<28} {k[1]:<15} {tally[k]}")
    raise SystemExit(1 if bad else 0)
