"""The deterministic safety layer: red flags, crisis and dose questions, from data/safety.yml.

Imports only bot.paths, bot.text and bot.contract (never language or knowledge, so it stands alone); never rasa.
"""
