"""The action server of the MBC assistant (`rasa run actions --actions actions`), one module per concern.

Imports rasa_sdk and the pure layers bot.contract, bot.knowledge and bot.language; never bot.rasa_ext.
"""
from bot.quiet import quiet_library_warnings

quiet_library_warnings()
