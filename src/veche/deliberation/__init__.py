"""Opinion mapping (Polis-style): statements, votes, opinion groups; the math is in engine/."""
