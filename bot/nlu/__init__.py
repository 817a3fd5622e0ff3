"""Understanding what visitors type: language, dates and the Rasa NLU components.

``language`` (Chinese or Korean, from the script) and ``dates`` (time expressions
to time windows) are pure and used by the actions and connectors too. The Rasa
graph components (``tokenizer``, ``classifier``, ``extractor``,
``language_detector``, ``date_extractor``) are referenced by module path in
config.yml and import Rasa only when loaded.
"""
