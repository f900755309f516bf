"""Reading a message, pure Python: drug and subtype matchers, input guard, cue words, question text, spaCy builder.

Imports bot.paths, bot.text, bot.contract and bot.knowledge; never rasa.
"""
