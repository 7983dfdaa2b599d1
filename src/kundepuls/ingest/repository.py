"""Every query of the import: batches, bare customers, and upserts by id in chunks."""

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kundepuls.facts.models import FACT_MODELS, ImportBatch

# Ids of the rows written so far by the running import, to tell a duplicate inside the
# file from a row that was in the store before. A temporary table keeps memory flat
# however long the file is; it lives only inside the import's transaction.
_seen = sa.Table(
    "kp_import_seen",
    sa.MetaData(),
    sa.Column("id", sa.String(128), primary_key=True),
    prefixes=["TEMPORARY"],
)


def table_of(kind: str) -> sa.Table:
    table = FACT_MODELS[kind].__table__
    assert isinstance(table, sa.Table)
    return table


def _insert(session: Session, table: sa.Table) -> Any:
    """The dialect's INSERT, which knows ``ON CONFLICT``."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"import into {name} is not supported yet")


def start_batch(session: Session, kind: str, file: str, started_by: str) -> ImportBatch:
    batch = ImportBatch(kind=kind, file=file, started_by=started_by, status="running")
    session.add(batch)
    session.flush()
    return batch


def finish_batch(session: Session, batch: ImportBatch, counts: dict[str, int]) -> None:
    batch.inserted = counts["inserted"]
    batch.updated = counts["updated"]
    batch.rejected = counts["rejected"]
    batch.status = "done_with_rejects" if counts["rejected"] else "done"
    batch.finished_at = datetime.now(UTC)
    session.flush()


def begin_seen(session: Session) -> None:
    _seen.create(session.connection(), checkfirst=True)
    session.execute(_seen.delete())


def end_seen(session: Session) -> None:
    _seen.drop(session.connection(), checkfirst=True)


def seen_before(session: Session, ids: Sequence[str]) -> set[str]:
    """Which of ``ids`` this import has written already; then remembers all of them."""
    found = set(session.execute(sa.select(_seen.c.id).where(_seen.c.id.in_(ids))).scalars())
    fresh = [{"id": i} for i in ids if i not in found]
    if fresh:
        session.execute(_seen.insert(), fresh)
    return found


def existing_ids(session: Session, kind: str, ids: Sequence[str]) -> set[str]:
    table = table_of(kind)
    key = table.primary_key.columns.values()[0]
    return set(session.execute(sa.select(key).where(key.in_(ids))).scalars())


def ensure_customers(session: Session, ids: Iterable[str], batch_id: int | None) -> int:
    """Create a bare customer for each id not in the store; returns how many were created."""
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = [
        {"customer_id": i, "attributes": {}, "batch_id": batch_id, "updated_at": now} for i in ids
    ]
    if not rows:
        return 0
    stmt = _insert(session, table_of("customers")).on_conflict_do_nothing()
    result = session.execute(stmt.returning(table_of("customers").c.customer_id), rows)
    return len(result.all())


def upsert(session: Session, kind: str, rows: list[dict[str, Any]], columns: list[str]) -> set[str]:
    """Insert ``rows`` or update the stored rows with the same id; returns the ids written.

    Only ``columns`` (the fields this file has) are compared and overwritten, so a file
    without an email column does not erase stored emails. A row whose values are all
    the same is left alone, so ``updated_at`` and ``batch_id`` keep telling when and by
    which import a row last changed, and a re-import reports nothing changed.
    """
    table = table_of(kind)
    key = table.primary_key.columns.values()[0]
    stmt = _insert(session, table)
    data = [c for c in columns if c != key.name]
    changed = sa.or_(*(table.c[c].is_distinct_from(stmt.excluded[c]) for c in data))
    stmt = stmt.on_conflict_do_update(
        index_elements=[key],
        set_={
            **{c: stmt.excluded[c] for c in data},
            "batch_id": stmt.excluded.batch_id,
            "updated_at": stmt.excluded.updated_at,
        },
        where=changed if data else sa.false(),
    ).returning(key)
    return set(session.execute(stmt, rows).scalars())
