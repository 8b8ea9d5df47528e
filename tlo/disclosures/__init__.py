"""Invention disclosures: intake, numbering, workflow, evaluation and filing decisions."""
