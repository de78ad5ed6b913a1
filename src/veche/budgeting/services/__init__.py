"""Every write to participatory budgeting, one module per sub-domain: `setup` (processes, budgets,
phases), `proposals`, `ballots`, `paper` (paper ballots), `counting`, `pabulib` (.pb files in and
out); `common` holds what they share (row locks, amounts, file errors).

Ballots lock their budget's row first, and phase changes lock every budget of the process, so a
ballot never slips in after voting closes; the unique constraints on (budget, voter) and (budget,
paper ballot number) make one person one ballot whatever arrives at the same moment.
"""
