"""Running the assistant: the process supervisor and what the Rasa server is extended with.

``supervisor`` starts and watches the action server and the Rasa server
(``python -m bot.server``, what ``make run`` does); ``rasa_server`` is Rasa's own
command line with our measured fixes applied first; ``tracker_store`` and
``lock_store`` keep conversations and their locks in Redis safely across
servers (``liveness`` frees a killed server's locks in about 1.5 s);
``drain`` lets a SIGTERMed Rasa server finish its turns and refuse new ones, and
tells readiness (``draining()``, ``action_server_down()``); ``ratelimit``
counts each user's messages; ``credentials`` writes the credentials file for the
configured channels; ``inprocess`` runs the trained
model and the real actions in one process (``bot ask``, tests, the console's
preview). Rasa finds the stores by module path in ``endpoints.redis.yml``.
"""
