"""Command-line tools for running the assistant (python -m bot.ops.X): deploy, credentials, preflight, scale, ...

May import any layer; nothing imports ops except reports, tests and bench.
"""
