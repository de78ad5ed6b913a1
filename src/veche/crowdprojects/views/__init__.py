"""Pages of crowd projects, one module per part of a project."""
