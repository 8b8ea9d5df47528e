"""Licensing: companies, outreach, agreements, obligations and Word drafts."""
