"""The equity ledger: shares a university holds in the companies it licenses to (issue #19, item 2).

Only the pure arithmetic (tlo.equity.ledger) is written so far; tables, services, page and
migration 0032 are still to come.
"""
