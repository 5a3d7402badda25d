"""Exports of recorded parts for training: images plus labels in ImageFolder, COCO, YOLO, CSV or JSON Lines form,
with a manifest naming every record, label source, model version and image hash."""
from inspector.export.atomic import ExportError
from inspector.export.exporter import FORMATS, ExportSummary, export_records
from inspector.export.manifest import MANIFEST, sha256_file
from inspector.export.progress import NoProgress, TextProgress

__all__ = ["FORMATS", "MANIFEST", "ExportError", "ExportSummary", "NoProgress", "TextProgress", "export_records",
           "sha256_file"]
