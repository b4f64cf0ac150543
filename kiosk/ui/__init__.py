"""Everything that uses Qt. The core packages never import from here."""
