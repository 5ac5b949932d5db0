"""A minimal OpenFisca country package for the benchmark (tools/bench_others.py): the three
lump sums of the Lithuanian Law on Benefits for Children that tools/handwritten.py encodes,
as OpenFisca variables (variables.py) over one entity (entities.py) with dated parameters
(parameters/). ``run.py`` evaluates cases per case and vectorised.

Not part of statute: it exists to measure statute against OpenFisca on the same law.
"""
import os

from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from . import entities, variables

COUNTRY_DIR = os.path.dirname(os.path.abspath(__file__))


class CountryTaxBenefitSystem(TaxBenefitSystem):
    CURRENCY = "EUR"

    def __init__(self):
        super().__init__(entities.entities)
        for v in variables.variables:
            self.add_variable(v)
        self.load_parameters(os.path.join(COUNTRY_DIR, "parameters"))
