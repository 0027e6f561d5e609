"""The build: corpus files in, an RDF graph out (load → normalize → segment → extract → resolve → relate → graph)."""
