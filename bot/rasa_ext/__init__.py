"""Rasa plug-ins, loaded by dotted path from config.yml, endpoints.yml and credentials.yml, and the patches of Rasa.

The only package that imports rasa; it may import every pure layer. Each patch checks its versions (versions.py).
"""
from bot.quiet import quiet_library_warnings

quiet_library_warnings()
