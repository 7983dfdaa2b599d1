"""Data in: import customers, orders, tickets, complaints and responses from files.

``service.import_file`` is the one use case; ``readers`` turn a file into rows,
``columns`` match its header to the data contract, ``validate`` checks and converts each
row, and ``repository`` writes the good rows with upserts.
"""
