"""Reference data in the database (units, procedures) and unit scoping for access checks.

The seed modules are the source; ``sync_reference_data`` upserts them at start-up, so a
deployment picks up corrected data without a hand-run step.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.seed import procedures as procedure_seed
from storage.seed import units as unit_seed
from storage.tables import Procedure, Unit


def sync_reference_data(session: Session) -> None:
    existing_units = {(u.code, u.valid_from): u for u in session.scalars(select(Unit))}
    for seed in unit_seed.all_units():
        row = existing_units.get((seed.code, seed.valid_from))
        if row is None:
            row = Unit(code=seed.code, valid_from=seed.valid_from)
            session.add(row)
        row.name, row.kind, row.level = seed.name, seed.kind, seed.level
        row.parent_code, row.valid_to, row.successor_code = seed.parent_code, seed.valid_to, seed.successor_code
    existing_procedures = {p.code: p for p in session.scalars(select(Procedure))}
    for proc in procedure_seed.all_procedures():
        row = existing_procedures.get(proc.code) or Procedure(code=proc.code)
        row.name, row.returns_paper_result, row.level, row.result_title = (
            proc.name,
            proc.returns_paper_result,
            proc.level,
            proc.result_title,
        )
        session.add(row)
    session.flush()


def unit_exists(code: str, day: date) -> bool:
    return unit_seed.unit_on(code, day) is not None


def is_within(scope_code: str | None, unit_code: str, day: date) -> bool:
    """Whether a unit (as it was on ``day``) lies in the scope of ``scope_code``: itself or below.

    History follows the units: after the 2025 reorganization a commune's staff also see the
    dossiers of the old communes merged into theirs. ``None`` is province-wide (admins, systems).
    """
    if scope_code is None or scope_code == unit_code:
        return True
    try:
        if scope_code in {u.code for u in unit_seed.ancestors(unit_code, day)}:
            return True
    except KeyError:
        return False
    today = date.today()
    successor = unit_seed.current_successor(unit_code, today=today)
    if successor is None:
        return False
    return successor == scope_code or scope_code in {u.code for u in unit_seed.ancestors(successor, today)}


@lru_cache(maxsize=256)
def codes_within(scope_code: str) -> frozenset[str]:
    """Every unit code (any period) in the scope of ``scope_code``, for filtering queries."""
    return frozenset(
        u.code for u in unit_seed.all_units() if is_within(scope_code, u.code, u.valid_from)
    ) | {scope_code}
