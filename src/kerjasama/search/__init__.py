"""Full-text search over the agreement register.

- :mod:`~kerjasama.search.index`: the text each agreement contributes, and keeping the index current.
- :mod:`~kerjasama.search.query`: reading what a user typed (folding, aliases, typos, prefixes, numbers).
- :mod:`~kerjasama.search.backends`: PostgreSQL text search or SQLite FTS5, chosen by the database.
- :mod:`~kerjasama.search.protected`: words PostgreSQL's Indonesian stemmer must leave alone.
"""
