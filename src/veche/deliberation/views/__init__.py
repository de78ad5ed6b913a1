"""The pages of opinion mapping: a resident's (participate.py), the map and exports (map.py), the
organisers' (staff.py)."""
