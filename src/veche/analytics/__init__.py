"""Analytics: which model of participation each municipality practises, its dynamics, open data.

Built on top of every participation app; none of them imports it."""
