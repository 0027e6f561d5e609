"""The SPARQL side: kg query, the query library and its parameters, limits, kg serve and kg push."""
