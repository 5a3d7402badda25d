"""Child process of the kill -9 test: writes records through a RecordWriter until killed.

Prints ``<part_id>`` on stdout for every id the writer reports committed, and ``ready`` once it is writing.
"""
from __future__ import annotations

import sys
import time

import numpy as np

from inspector.store import ImagePolicy, RecordWriter, Store
from tests.store.conftest import make_record


def main(db_path: str) -> None:
    store = Store.open(db_path)
    store.start_run("run-kill", recipe="blister-10")
    out = sys.stdout

    def committed(part_ids: list[int]) -> None:
        out.write("".join(f"{i}\n" for i in part_ids))
        out.flush()

    writer = RecordWriter(store, policy=ImagePolicy(keep_pass_fraction=0.0), batch_rows=20, batch_delay_s=0.001,
                          on_committed=committed).start()
    frame = np.random.default_rng(1).integers(0, 255, (120, 160, 3), dtype=np.uint8)
    out.write("ready\n")
    out.flush()
    part_id = store.next_part_id()
    deadline = time.monotonic() + 60  # the test kills us long before
    while time.monotonic() < deadline:
        outcome = "reject" if part_id % 10 == 0 else "pass"
        if writer.submit(make_record(part_id, outcome=outcome, run_id="run-kill"), frame):
            part_id += 1
        else:
            time.sleep(0.001)


if __name__ == "__main__":
    main(sys.argv[1])
