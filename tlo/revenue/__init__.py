"""Revenue: income, revenue-sharing policies (data), the distribution engine, statements."""
