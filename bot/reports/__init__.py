"""Offline reports (python -m bot.reports.X): content audit, feedback, NLU scores, fallback tuning.

May import any layer; nothing imports reports.
"""
