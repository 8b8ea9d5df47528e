"""People, departments and schools: who invents, who works here, and where they belong."""
