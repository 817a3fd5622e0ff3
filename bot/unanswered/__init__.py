"""What visitors asked that the bot could not answer, kept for staff.

``log`` holds the records and their two stores (a Redis sorted set, or a JSON
lines file without Redis); ``report`` groups similar questions so staff see what
to add to the FAQ first. Actions write records; ``bot report unanswered`` and the
staff console read them.
"""
