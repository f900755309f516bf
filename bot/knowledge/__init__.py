"""The knowledge: data files turned into validated objects (drugs, subtypes, answers, questions to ask, contacts).

Imports only bot.paths, bot.text and bot.contract; never rasa, and nothing that reads messages.
"""
