"""Rasa graph components of Korea Week Assistant (referenced by module path in config.yml)."""
