"""The QA review screen (queue, item, verdicts) and the reviewer / quality reports."""
