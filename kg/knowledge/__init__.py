"""The readers of data/: lexicons (kind words, abbreviations, stop words) and the gazetteer."""
