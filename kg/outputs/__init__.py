"""What is made from a built graph: city subgraphs, exports, pages, statistics, validation, evaluation."""
