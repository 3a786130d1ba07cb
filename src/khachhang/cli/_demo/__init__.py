"""The parts of ``python -m khachhang demo``, one module a domain package.

Each ``render(book, *, as_of, lang="vi")`` is pure (text in, text out); the command
prints them after the book's summary. They live with the CLI, above the domain, and
use only the packages' public names and the views.
"""
