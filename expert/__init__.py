"""branda's expert layer: running the engine, assessments, explanations, what-if, plans and the graph."""
