"""Reactions to recorded events (notify, automate, sync), one module per reaction.

They run in the worker from claimed outbox messages (`services.ports.outbox`), never inside
the request that made the change, and are idempotent: a message can be delivered again after
a lease runs out.
"""
