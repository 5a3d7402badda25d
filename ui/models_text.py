"""What the MODELS screen writes about a package: its state's colour, the headline of its test metrics, its evaluation
on this station beside the live model's (confusion matrix or count errors), and the shadow's agreement per class."""
from __future__ import annotations

from html import escape
from typing import Any

from inspector.models.lifecycle import Entry
from ui.i18n import tr, tr_noop


# state -> (word, background, text colour): tr() the word where it is shown
STATES = {
    "live": (tr_noop("LIVE"), "#15803d", "#ffffff"),
    "shadow": (tr_noop("SHADOW"), "#7c3aed", "#ffffff"),
    "candidate": (tr_noop("CANDIDATE"), "#f59e0b", "#000000"),
    "retired": (tr_noop("RETIRED"), "#4b5563", "#e5e7eb"),
}
ORDER = ("live", "shadow", "candidate", "retired")
OUTCOMES = ("pass", "uncertain", "reject")
OUTCOME_WORDS = {"pass": tr_noop("PASS"), "uncertain": tr_noop("CHECK"), "reject": tr_noop("REJECT"),
                 "fail_safe": tr_noop("FAIL-SAFE")}


def outcome_word(outcome: str) -> str:
    return tr(OUTCOME_WORDS[outcome]) if outcome in OUTCOME_WORDS else outcome.upper()


def table_order(entries: list[Entry]) -> list[Entry]:
    """Live first, then shadow, candidates, retired; within a state by name, the newest import first."""
    newest_first = sorted(entries, key=lambda e: e.imported_at, reverse=True)
    return sorted(newest_first, key=lambda e: (ORDER.index(e.state) if e.state in ORDER else len(ORDER), e.name))


def _pct(value: Any) -> str:
    return f"{float(value) * 100:.1f}%" if isinstance(value, (int, float)) else "–"


def who(name: str | None) -> str:
    """A person's name as the table shows it: the station's own actor without its explanation."""
    return (name or "–").split(", ")[0]


def _find(metrics: dict[str, Any], key: str) -> Any:
    """``key`` at the top of a manifest's metrics, else in its first split that has it (``test_line`` first)."""
    if key in metrics:
        return metrics[key]
    for split in sorted((k for k, v in metrics.items() if isinstance(v, dict)), key=lambda k: k != "test_line"):
        if key in metrics[split]:
            return metrics[split][key]
    return None


def metrics_text(entry: Entry, *, full: bool = False, sep: str = " · ") -> str:
    """The builder's test figures in a few words (``full``: a few more; all of them are in the package's manifest)."""
    metrics = entry.test_metrics or {}
    if entry.task == "count":
        exact, passed = _find(metrics, "count_exact"), _find(metrics, "bad_boxes_passed")
        words = [tr("exact {pct}").format(pct=_pct(exact)) if exact is not None else "",
                 tr("{n} bad passed").format(n=passed) if passed is not None else ""]
    else:
        auc, accuracy, passed = _find(metrics, "auc"), _find(metrics, "accuracy_at_reject"), _find(metrics,
                                                                                                     "defects_passed")
        words = [f"AUC {auc:.3f}" if isinstance(auc, (int, float)) and full else "",
                 tr("acc {pct}").format(pct=_pct(accuracy)) if accuracy is not None else "",
                 tr("{n} defects passed").format(n=passed) if passed is not None else ""]
    text = sep.join(w for w in words if w)
    if not text:  # a package whose builder wrote other figures: its first plain numbers
        plain = [(k, v) for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
        text = sep.join(f"{k} {v:g}" for k, v in plain[:2])
    return text or "–"


def _headline(task: str, summary: dict[str, Any]) -> str:
    if task == "count":
        return tr("exact {pct}").format(pct=_pct(summary.get("exact")))
    return tr("acc {pct}").format(pct=_pct(summary.get("accuracy"))) + ", " + tr("{n} defects passed").format(
        n=summary.get("defects_passed", "–"))


def evaluation_text(entry: Entry, *, sep: str = " · ") -> str:
    """One line for the table: this package's figures vs the live model's on the same images."""
    evaluation = entry.evaluation
    if not evaluation:
        return tr("not evaluated") if entry.state in ("candidate", "shadow") else "–"
    this, live = evaluation.get("candidate") or {}, evaluation.get("live") or {}
    if entry.task == "count":
        return tr("exact {this} vs {live}").format(this=_pct(this.get("exact")), live=_pct(live.get("exact")))
    return (tr("acc {this} vs {live}").format(this=_pct(this.get("accuracy")), live=_pct(live.get("accuracy"))) + sep
            + tr("defects passed {this} vs {live}").format(this=this.get("defects_passed", "–"),
                                                           live=live.get("defects_passed", "–")))


def approval_text(entry: Entry, *, sep: str = ", ") -> str:
    if not entry.approved_by:
        return "–"
    return f"{who(entry.approved_by)}{sep}{(entry.approved_at or '')[:16].replace('T', ' ')}"


TABLE = "<table cellspacing=\"0\" cellpadding=\"4\">"


def _nb(text: Any) -> str:
    """Escaped, its spaces kept from breaking (Qt's rich text would squeeze a table's columns into two lines)."""
    return escape(str(text)).replace(" ", "&nbsp;")


def _cell(text: Any, *, head: bool = False, colour: str | None = None) -> str:
    style = f' style="color:{colour}"' if colour else ""
    tag = "th" if head else "td"
    return f"<{tag} align=\"right\"{style}>{_nb(text)}</{tag}>"


def confusion_html(title: str, summary: dict[str, Any]) -> str:
    """QA's truth down, the model's outcome across; a defect passed in red."""
    matrix = summary.get("confusion") or {}
    outcomes = [o for o in OUTCOMES if any(o in row for row in matrix.values())] or list(OUTCOMES)
    outcomes += sorted({o for row in matrix.values() for o in row} - set(outcomes))
    rows = [f"<tr><th align=\"left\">{_nb(title)}</th>"
            + "".join(_cell(outcome_word(o), head=True) for o in outcomes) + "</tr>"]
    for truth, truth_word in (("good", tr("QA good")), ("defect", tr("QA defect"))):
        row = matrix.get(truth, {})
        cells = []
        for o in outcomes:
            n = row.get(o, 0)
            wrong = n and ((truth == "defect" and o == "pass") or (truth == "good" and o == "reject"))
            cells.append(_cell(n, colour="#f87171" if wrong else None))
        rows.append(f"<tr><td>{_nb(truth_word)}</td>{''.join(cells)}</tr>")
    rows.append(f"<tr><td colspan=\"{len(outcomes) + 1}\">{_nb(_headline('classify', summary))}</td></tr>")
    return TABLE + "".join(rows) + "</table>"


def count_errors_html(title: str, summary: dict[str, Any]) -> str:
    """How often the count was off by how much (counted − QA's count)."""
    errors = summary.get("count_errors") or {}
    judged = tr("{headline} of {n}").format(headline=_headline("count", summary), n=summary.get("judged", 0))
    cells = "".join(f"<tr><td>{'+' if int(k) > 0 else ''}{escape(k)}</td>"
                    f"{_cell(v, colour=None if int(k) == 0 else '#f87171')}</tr>" for k, v in errors.items())
    return (f"{TABLE}<tr><th align=\"left\">{_nb(title)}</th>"
            f"{_cell(tr('parts'), head=True)}</tr>{cells}"
            f"<tr><td colspan=\"2\">{_nb(judged)}</td></tr>"
            "</table>")


def evaluation_html(entry: Entry) -> str:
    """The candidate's result beside the live model's, on the same QA-verified images."""
    evaluation = entry.evaluation
    if not evaluation:
        if entry.state in ("candidate", "shadow"):
            return tr("Not evaluated on this station yet: EVALUATE scores it and the live model on the QA-verified "
                      "parts before it may be promoted.")
        return ""
    render = count_errors_html if entry.task == "count" else confusion_html
    live = evaluation.get("live") or {}
    left = render(tr("{version} (this)").format(version=entry.version), evaluation.get("candidate") or {})
    right = render(tr("live"), live)
    return (f"<table cellspacing=\"0\" cellpadding=\"0\"><tr><td>{left}</td><td width=\"8\"></td>"
            f"<td>{right}</td></tr></table>")


def evaluated_on(entry: Entry) -> str:
    """Which images the evaluation had, for the line above it."""
    evaluation = entry.evaluation or {}
    if not evaluation:
        return ""
    return (tr("evaluated on {n} QA-verified images").format(n=evaluation.get("images", 0))
            + (", " + tr("{n} without a kept image").format(n=evaluation["no_image_kept"])
               if evaluation.get("no_image_kept") else "")
            + (", " + tr("{n} unreadable").format(n=evaluation["unreadable"]) if evaluation.get("unreadable") else ""))


def agreement_html(agreement: dict[str, dict[str, int]]) -> str:
    """Per live outcome: parts the shadow saw, how many it agreed on with the live model and with QA."""
    if not agreement:
        return ("<div style=\"color:#b4bfcc\">" + escape(tr("No line parts scored in shadow yet (it runs while the "
                                                             "line has time).")) + "</div>")
    rows = [f"<tr><th align=\"left\">{_nb(tr('shadow on line'))}</th>" + _cell(tr("parts"), head=True)
            + _cell(tr("= live"), head=True) + _cell(tr("QA"), head=True) + _cell(tr("= QA"), head=True) + "</tr>"]
    for outcome, n in agreement.items():
        rows.append(f"<tr><td>{_nb(tr('live {outcome}').format(outcome=outcome_word(outcome)))}</td>{_cell(n['parts'])}"
                    f"{_cell(_share(n['agree_live'], n['parts']))}{_cell(n['qa'])}"
                    f"{_cell(_share(n['agree_qa'], n['qa']))}</tr>")
    return TABLE + "".join(rows) + "</table>"


def _share(part: int, whole: int) -> str:
    return f"{part} ({part / whole:.0%})" if whole else "–"
