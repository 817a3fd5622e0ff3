"""Pieces shared by the platform connectors.

``base`` (``PlatformInput``, the skeleton of every connector), ``errors`` (one
error tree, and how a refused request is answered), ``bodies`` and ``limits``
(body size, JSON, message length), ``config`` (reading credentials.yml sections),
``store`` (dedup and token storage, memory or Redis), ``catalog`` (the
connectors' own bilingual words and the user's language), ``replies`` (bot
messages and pure rendering helpers), ``runner`` (passing a message to Rasa
within a time budget), ``turns`` (per-conversation order), ``intents`` (the
intents of domain.yml) and ``location`` (a shared location as Rasa gets it).
Import the submodules directly.
"""
