"""Reports: dashboard queries, AUTM metrics, Excel export and import."""
