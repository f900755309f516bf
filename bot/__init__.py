"""The MBC assistant's own package: data loaders, schemas, matchers and the spaCy pipeline."""
