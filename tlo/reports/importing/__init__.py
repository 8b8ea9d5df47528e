"""The parts of the import of legacy records; tlo.reports.importer is their public entry."""
