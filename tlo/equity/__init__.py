"""The equity ledger: shares a university holds in the companies it licenses to (issue #19,
item 2). The pure arithmetic is `ledger`, the tables `models` (migration 0030), the use cases
`services` (a sale becomes equity income of the license the shares came from)."""
