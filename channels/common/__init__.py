"""Pieces shared by the platform connectors.

``store`` (dedup and token storage, memory or Redis), ``catalog`` (the connectors'
own bilingual words and the user's language), ``replies`` (bot messages and pure
rendering helpers), ``config`` (reading credentials.yml sections) and ``runner``
(passing a message to Rasa within a time budget). Import the submodules directly.
"""
