"""Every write to crowd projects, one module per part of a project: `projects` (open, edit, timeline,
publish) and one module for each part (ideas, discussion, assessment, voting, selection,
implementation). Meetings, drafting a text together and co-financing are their own apps."""
