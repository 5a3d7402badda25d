"""QA beyond the single verdict: the risk-first review order, covered boxes, and the second-reviewer audit."""
