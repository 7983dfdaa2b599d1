"""Use cases of the facts domain."""

from sqlalchemy.orm import Session

from kundepuls.facts import repository
from kundepuls.facts.schemas import ImportBatchOut, KindSummary, StoreSummary


def store_summary(session: Session, imports: int = 10) -> StoreSummary:
    """Rows and time span per kind, and the last ``imports`` import batches."""
    kinds = [KindSummary(**span._asdict()) for span in repository.kind_spans(session)]
    batches = repository.recent_imports(session, limit=imports)
    return StoreSummary(
        total_rows=sum(kind.rows for kind in kinds),
        kinds=kinds,
        imports=[ImportBatchOut.model_validate(batch) for batch in batches],
    )
