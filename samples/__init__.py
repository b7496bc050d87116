"""Synthetic scanned Vietnamese administrative documents with exact ground truth.

Modules: ``people`` (synthetic citizens, CCCD numbers, Bắc Giang places),
``documents`` (page renderers), ``degrade`` (clean/scan/hard tiers and file
writers), ``corpus`` (deterministic corpus and the committed samples).
Command line: ``python -m samples generate --out DIR`` and
``python -m samples refresh-committed``.  See samples/README.md.
"""
