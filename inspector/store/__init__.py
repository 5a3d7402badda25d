"""Where parts are recorded: SQLite (via sqlite-utils) with migrations, the record writer thread, kept images."""
from inspector.store.images import ImageFiles, ImagePolicy, pass_sample_point
from inspector.store.schema import LATEST_VERSION, MIGRATIONS, Migration, SchemaError, SchemaTooNewError, migrate
from inspector.store.store import MEMORY, PendingPart, Store, WriteResult, utc_now
from inspector.store.writer import RecordWriter, WriterStats, write_all

__all__ = [
    "LATEST_VERSION",
    "MEMORY",
    "MIGRATIONS",
    "ImageFiles",
    "ImagePolicy",
    "Migration",
    "PendingPart",
    "RecordWriter",
    "SchemaError",
    "SchemaTooNewError",
    "Store",
    "WriteResult",
    "WriterStats",
    "migrate",
    "pass_sample_point",
    "utc_now",
    "write_all",
]
