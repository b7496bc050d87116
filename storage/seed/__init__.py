"""Seed data: the administrative units and the Decision 06 procedures dossiers are counted against.

Plain frozen dataclasses and tuples, no database code. ``units`` holds the effective-dated
hierarchy of Bắc Giang (and its 2025 successor, the new Bắc Ninh); ``procedures`` holds the 25
essential online public services of Decision 06/QĐ-TTg.
"""
