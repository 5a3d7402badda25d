"""The runtime's decision reasons in the window's language.

The runtime records a part's reason in English (``inspector/tasks/*.py``, ``inspector/decide.py``: the records and
the audit trail stay in one language). Its words follow a few fixed forms; the window shows those translated and
any other (a free-form detail of a fail-safe, a model's own label) as recorded.
"""
from __future__ import annotations

import re

from ui.i18n import tr, tr_noop

FORMS = (  # the recorded form (a regular expression with named values) -> its text to translate
    (r"count (?P<n>\d+)/(?P<e>\d+): (?P<k>\d+) missing", tr_noop("count {n}/{e}: {k} missing")),
    (r"count (?P<n>\d+)/(?P<e>\d+): (?P<k>\d+) extra", tr_noop("count {n}/{e}: {k} extra")),
    (r"count (?P<n>\d+)/(?P<e>\d+) but weakest item (?P<c>[\d.]+)", tr_noop("count {n}/{e} but weakest item {c}")),
    (r"count (?P<n>\d+)/(?P<e>\d+)", tr_noop("count {n}/{e}")),
    (r"good \(p defect=(?P<p>[\d.]+)\)", tr_noop("good (p defect={p})")),
    (r"doubtful surface \(p defect=(?P<p>[\d.]+)\): QA to check", tr_noop("doubtful surface (p defect={p}): QA to check")),
    (r"defect \(p=(?P<p>[\d.]+)\)", tr_noop("defect (p={p})")),
    (r"box covered, cannot count", tr_noop("box covered, cannot count")),
    (r"no model produced a result", tr_noop("no model produced a result")),
    (r"late: no decision before the pusher deadline(?P<rest>.*)", tr_noop("late: no decision before the pusher deadline{rest}")),
    (r"no_frame: no frame within (?P<s>[\d.]+)s", tr_noop("no frame within {s} s")),
)
_COMPILED = tuple((re.compile(pattern + r"\Z"), text) for pattern, text in FORMS)


def reason_text(reason: str | None) -> str:
    """``reason`` in the window's language where it has a known form; else as recorded."""
    if not reason:
        return ""
    for pattern, text in _COMPILED:
        match = pattern.match(reason)
        if match:
            return tr(text).format(**match.groupdict())
    return reason
