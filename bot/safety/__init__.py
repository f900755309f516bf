"""The safety layer: the deterministic detector (red flags, crisis, dose, poison: data/safety.yml) and the
detector that reads meaning from encoder vectors (trained on data/safety_examples/).

Imports only bot.paths, bot.text and bot.contract (never language or knowledge, so it stands alone); never rasa.
"""
