"""Patents: applications and families, deadline rules, the docket, costs, Bayh-Dole."""
