"""The action server of the MBC assistant (run with `rasa run actions`)."""
