"""Where parts are recorded: SQLite (via sqlite-utils) with migrations, the record writer thread, kept images,
and the disk as a resource: retention, holds, free space watched, the rescue reserve."""
from inspector.store.diskwatch import DiskWatch
from inspector.store.holds import Hold, HoldError, add_hold, holds, release_hold
from inspector.store.images import ImageFiles, ImagePolicy, pass_sample_point
from inspector.store.reserve import RescueError, Reserve, reimport_rescued
from inspector.store.retention import Retention, RetentionPolicy, RetentionReport, RetentionWorker
from inspector.store.schema import LATEST_VERSION, MIGRATIONS, Migration, SchemaError, SchemaTooNewError, migrate
from inspector.store.store import MEMORY, PendingPart, Store, WriteResult, utc_now
from inspector.store.writer import RecordWriter, WriterStats, write_all

__all__ = [
    "DiskWatch",
    "Hold",
    "HoldError",
    "RescueError",
    "Reserve",
    "Retention",
    "RetentionPolicy",
    "RetentionReport",
    "RetentionWorker",
    "add_hold",
    "holds",
    "reimport_rescued",
    "release_hold",
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
