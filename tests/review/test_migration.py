"""Schema step 2 on a database written before it: labels appear, model_key is filled for the rows already there."""
import json
import sqlite3
from contextlib import closing

import pytest

from inspector.review import Review
from inspector.store import MIGRATIONS, Store
from inspector.store.rows import PART_COLUMNS, model_key
from tests.store.conftest import make_record


def test_existing_parts_get_their_model_key_and_new_ones_get_it_from_the_writer(tmp_path):
    path = tmp_path / "station.db"
    with Store.open(path, migrations=MIGRATIONS[:1]) as old:
        row = make_record(1, "reject", models={"b": "2.0 bb", "a": "1.0 aa"}).to_row()
        row = {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in row.items() if k in PART_COLUMNS and v is not None}
        old.db["parts"].insert(row)
    with Store.open(path) as store:
        assert "labels" in store.db.table_names()
        store.insert(make_record(2, "pass", models={"counter": "0.2.0 cc"}))
        keys = dict(store.db.execute("SELECT part_id, model_key FROM parts").fetchall())
        queue = [item.record.part_id for item in Review(store).queue().items]
    assert keys == {1: "a 1.0 aa + b 2.0 bb", 2: "counter 0.2.0 cc"}
    assert queue == [1]  # the reject written before the step is in the review queue; the pass without image is not
    assert model_key({}) == ""


def test_a_label_with_an_unknown_verdict_is_refused_by_the_database(tmp_path):
    with Store.open(tmp_path / "station.db") as store:
        with closing(sqlite3.connect(store.path)) as conn, pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute("INSERT INTO labels (part_id, reviewer, created_at, verdict, before) "
                         "VALUES (1, 'qa', 'now', 'maybe', '{}')")
