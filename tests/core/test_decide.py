from inspector.config import parse_recipe
from inspector.decide import decide
from inspector.types import ClassifyResult, CountResult, Outcome

BOX = parse_recipe({"name": "box", "product": "box", "models": ["c"], "expected_count": 4, "occlusion_threshold": 0.5})
PART = parse_recipe({"name": "part", "product": "part", "models": ["s"], "reject_at": 0.6, "pass_below": 0.3})


def counted(n, occlusion=0.0, score=0.9):
    return CountResult(n, [(10.0 * i, 5.0, score) for i in range(n)], occlusion, "c", "1")


def test_full_box_passes_and_short_box_is_rejected_with_the_missing_number():
    assert decide([counted(4)], BOX).outcome is Outcome.PASS
    short = decide([counted(3)], BOX)
    assert short.outcome is Outcome.REJECT and "3/4: 1 missing" in short.reason
    assert "1 extra" in decide([counted(5)], BOX).reason


def test_covered_box_goes_to_a_human_even_when_the_count_looks_right():
    covered = decide([counted(4, occlusion=0.8)], BOX)
    assert covered.outcome is Outcome.UNCERTAIN and "covered" in covered.reason


def test_classifier_bands():
    def p(v):
        return decide([ClassifyResult(v, "scratch" if v > 0.5 else "good", None)], PART)

    assert p(0.1).outcome is Outcome.PASS
    assert p(0.45).outcome is Outcome.UNCERTAIN
    assert p(0.6).outcome is Outcome.REJECT and "p=0.60" in p(0.6).reason


def test_the_most_severe_model_wins():
    both = parse_recipe({"name": "x", "product": "box", "models": ["c", "s"], "expected_count": 4})
    d = decide([counted(4), ClassifyResult(0.9, "crack", None)], both)
    assert d.outcome is Outcome.REJECT and "crack" in d.reason


def test_no_result_is_fail_safe():
    assert decide([], BOX).outcome is Outcome.FAIL_SAFE


def test_run_stats_count_truth_and_treat_a_frame_without_product_as_unknown_unless_passed():
    from inspector.record import PartRecord
    from inspector.report import RunStats

    def rec(i, outcome, should_pass):
        return PartRecord(i, "r", "x", "h", float(i), "", outcome, "", 1.0, outcome != "pass",
                          timings_ms={"trigger_to_decision": 5.0, "inference": 4.0},
                          truth={"should_pass": should_pass})

    stats = RunStats()
    for i, (outcome, should) in enumerate([("pass", True), ("reject", False), ("pass", False), ("reject", True),
                                           ("reject", None), ("pass", None)]):
        stats(rec(i, outcome, should))
    report = stats.report(parts=6, dropped_frames=0)
    assert report["truth"] == {"correct": 2, "false_pass": 2, "false_reject": 1, "unknown": 1}
    assert report["latency_ms"]["inference"]["p50"] == 4.0 and report["throughput_pps"] == 1.0
