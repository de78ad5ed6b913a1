"""The open-data portal: datasets of every municipality, their dictionary, the DCAT catalogue."""
