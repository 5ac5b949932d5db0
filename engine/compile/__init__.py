"""Compile: each decision's rules, written once per role, become straight-line Python."""
