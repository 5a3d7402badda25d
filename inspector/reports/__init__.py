"""Reports made from the records: the batch report of a lot (PDF for signing, CSV for machines)."""
from inspector.reports.batch import BatchReport, BatchReportError, ChainResult, Table, batch_report
from inspector.reports.batch_csv import write_batch_csv
from inspector.reports.batch_pdf import write_batch_pdf


def write_batch_report(report: BatchReport, path) -> None:
    """The report as ``.pdf`` or ``.csv`` by the file's suffix (BatchReportError for another)."""
    from pathlib import Path

    suffix = Path(path).suffix.lower()
    if suffix == ".pdf":
        write_batch_pdf(report, path)
    elif suffix == ".csv":
        write_batch_csv(report, path)
    else:
        raise BatchReportError(f"--out = {str(path)!r}: the report is written as .pdf or .csv (by the file's suffix)")


__all__ = ["BatchReport", "BatchReportError", "ChainResult", "Table", "batch_report", "write_batch_csv",
           "write_batch_pdf", "write_batch_report"]
