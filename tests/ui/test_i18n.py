"""The window's languages: every text marked for translation is translated, placeholders survive, switching works."""
import re
import string

import pytest
from PySide6.QtWidgets import QWidget

from ui import i18n
from ui.i18n_extract import main as extract, source_texts
from pathlib import Path

UI_DIR = Path(i18n.__file__).resolve().parent


@pytest.fixture
def german():
    i18n.use_language("de")
    yield
    i18n.use_language("en")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_marked_text_has_a_finished_german_translation(capsys):
    assert extract(["--check", "--root", str(UI_DIR.parent)]) == 0, capsys.readouterr().out
    translations = i18n.read_ts(i18n.ts_path("de"))
    assert set(source_texts(UI_DIR)) <= set(translations)


def test_translations_keep_their_placeholders():
    for source, german in i18n.read_ts(i18n.ts_path("de")).items():
        assert fields(german) == fields(source), f"{source!r} -> {german!r}"


def test_a_text_without_translation_is_found(tmp_path, monkeypatch):
    module = tmp_path / "ui" / "new_screen.py"
    module.parent.mkdir()
    module.write_text('from ui.i18n import tr\nLABEL = tr("A text nobody translated")\n')
    assert "A text nobody translated" in source_texts(module.parent)


def test_german_is_used_once_chosen(qtbot, german):
    from ui.header import MenuPanel

    window = QWidget()
    qtbot.addWidget(window)
    menu = MenuPanel(window)
    labels = [w.text() for w in menu.findChildren(type(menu.close_button))]
    assert any("SCHLIESSEN" in text for text in labels)
    assert i18n.tr("display {fps} fps").format(fps=25) == "Anzeige 25 fps"
    assert i18n.current_language() == "de"


def test_english_again_after_german(german):
    i18n.use_language("en")
    assert i18n.tr("CLOSE") == "CLOSE" and i18n.current_language() == "en"


def test_an_unknown_language_is_refused_by_name():
    with pytest.raises(ValueError, match=re.escape("'xx'")):
        i18n.use_language("xx")


def test_the_runtimes_reasons_are_shown_in_german(german):
    from inspector.decide import fail_safe
    from inspector.types import FailSafeCause
    from ui.reasons import reason_text

    assert reason_text("count 23/24: 1 missing") == "Anzahl 23/24: fehlend 1"
    assert reason_text("defect (p=0.99)") == "Fehler (p=0.99)"
    assert reason_text(fail_safe(FailSafeCause.NO_FRAME, "no frame within 0.15s").reason) == "kein Bild innerhalb 0.15 s"
    assert reason_text("model_error: cartridge_counter raised RuntimeError") == \
        "model_error: cartridge_counter raised RuntimeError"  # a free-form detail stays as recorded


def test_reasons_are_unchanged_in_english():
    from ui.reasons import reason_text

    for reason in ("count 23/24: 1 missing", "good (p defect=0.02)", "box covered, cannot count"):
        assert reason_text(reason) == reason
