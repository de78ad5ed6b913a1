"""Who may do what: roles, identity tiers, phase features, and the access_<thing> functions."""
