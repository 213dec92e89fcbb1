"""Importing customers and their contact persons from CSV and .xlsx files (issue 15 item 2).

read_table (file → Table), guess_mapping (headers → fields), plan (rows → validated actions with
duplicates found), run (the plan through the merge in one transaction). The back office's import
pages and the `flask import` command are shells over these.
"""
from .mapping import FIELDS, LABELS, check_mapping, guess_mapping
from .plan import MODES, Plan, RowPlan, plan
from .read import LIMITS, MAX_BYTES, MAX_ROWS, Table, UnreadableFile, read_table
from .run import BATCH, run

__all__ = ["FIELDS", "LABELS", "check_mapping", "guess_mapping", "MODES", "Plan", "RowPlan", "plan", "LIMITS",
           "MAX_BYTES", "MAX_ROWS", "Table", "UnreadableFile", "read_table", "BATCH", "run"]
