"""The archive's read-only JSON API under /api/: published speeches, their speakers and venues, and search.

It reads its parameters with the archive's own filter set and search form, so a filter or a query means the same
here as on the pages, and its answers go through the page cache, kept until what they show changes.
"""
