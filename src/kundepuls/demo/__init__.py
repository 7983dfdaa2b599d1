"""A seeded, realistic data set of a Norwegian web shop with a physical store.

``kundepuls demo`` builds it into a fresh store. What is planted in it (the falling region,
the weekend-staffing improvement) is in :mod:`kundepuls.demo.planted`, so that the tests of
insights and actions can check that the product finds it.
"""
