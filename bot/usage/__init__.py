"""How visitors use the bot, counted per hour: messages by channel and language, outcomes, topics.

``counters`` turns tracker events into in-memory counts (no I/O, so counting
costs the message path next to nothing); ``store`` writes them in the background
to Redis hashes with a TTL or to files under ``KW_STATE_DIR`` and reads a day back
for the console's dashboard. The counts are kept in one model so an operator's
metrics endpoint can read the same numbers ("count once, feed both").
"""
