"""The MBC assistant's package. Layers, each importing only those above it in this list:
paths, contract, text -> knowledge -> language, safety -> rasa_ext (alone imports rasa), actions -> ops, reports.
"""
