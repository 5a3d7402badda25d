"""The QA review screen in German (#21): its buttons, pickers, keyboard and messages speak German, whole words fit
the Pi's 800 x 480, and what is recorded (reasons, filters) stays the runtime's English vocabulary."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QPushButton

from inspector.review import Review
from tests.ui import fit_checks
from tests.ui.review_data import StepClock, label_rows, review_store
from ui import i18n, theme
from ui.keyboard import Keyboard
from ui.number_pad import NumberPad
from ui.review.screen import ReviewScreen

SMALL = (800, 480)


@pytest.fixture
def german():
    i18n.use_language("de")
    yield
    i18n.use_language("en")


@pytest.fixture
def store(tmp_path, boxes, parts):
    store = review_store(tmp_path, boxes, parts)
    yield store
    store.close()


def open_screen(qtbot, store, size=SMALL, **kw):
    screen = ReviewScreen(Review(store), clock=StepClock(), **kw)
    qtbot.addWidget(screen)
    screen.resize(*size)
    screen.show()
    qtbot.waitExposed(screen)
    screen.activateWindow()
    qtbot.waitUntil(lambda: screen.isActiveWindow())
    screen.setFocus()
    return screen


def settle(qtbot) -> None:
    qtbot.wait(30)  # layouts and style sheets applied


def show_box(screen, count):
    screen.model.set_filters(recipe="cartridge-box")
    screen.model.go(next(n for n, i in enumerate(screen.model.items) if i.record.count == count))


def test_the_review_screens_buttons_speak_german(qtbot, store, german):
    screen = open_screen(qtbot, store, reviewer="alice")
    texts = {b.text() for b in screen.findChildren(QPushButton) if b.isVisible()}
    assert {"◀  LINIE", "PRÜFER: alice", "FILTER", "BERICHTE", "PUNKT", "BESTÄTIGEN", "UNKLAR"} <= texts
    assert "ZU PRÜFEN" in screen.filters.pickers["state"].text()  # the picker's value too
    assert "zu prüfen" in screen.counter.text() and "hier erledigt" in screen.counter.text()
    assert screen.info.row("Confidence") is not None and "Sicherheit:" in screen.info.text.text()
    assert not texts & {"CONFIRM", "FILTERS", "REPORTS", "UNSURE", "POINT"}


@pytest.fixture(params=["en", "de"])
def language(request):
    yield i18n.use_language(request.param)
    i18n.use_language("en")


def test_the_review_screen_fits_800x480_with_whole_words_in_either_language(qtbot, store, language):
    screen = open_screen(qtbot, store, reviewer="alexandra-marie-louise")  # a long name: the header must cope
    settle(qtbot)
    assert not (found := fit_checks.problems(screen)), "\n".join(found)
    show_box(screen, 22)  # a counted part: COUNT ± on show
    screen.model.step_count(+1)  # edited: SAVE CORRECTION, UNDO EDIT
    settle(qtbot)
    assert screen.verdicts.buttons["confirm"].text() == {"en": "SAVE CORRECTION", "de": "KORREKTUR SICHERN"}[language]
    assert not (found := fit_checks.problems(screen)), "\n".join(found)
    screen.model.confirm()  # saved: the next part's UNDO takes it back; the message names the verdict and reviewer
    settle(qtbot)
    undo = {"en": "UNDO LAST", "de": "STORNO"}[language]
    assert screen.verdicts.buttons["undo"].text() == undo and f"{undo}:" in screen.info.text.text()
    assert not (found := fit_checks.problems(screen)), "\n".join(found)
    screen.toggle_filters()  # the filters' page of the small screen
    settle(qtbot)
    assert not (found := fit_checks.problems(screen)), "\n".join(found)


@pytest.mark.parametrize("size", [SMALL, (1920, 1080)])
def test_every_german_filter_choice_fits_its_picker_button(qtbot, store, german, size):
    screen = open_screen(qtbot, store, size=size, reviewer="alice")
    if screen.filters_button.isVisible():
        screen.toggle_filters()  # the small screen's filters page
    for name in ("time", "confidence", "sort", "state"):
        for choice in screen.filters.choices(name)[0]:
            screen.filters.choose(name, choice)
            settle(qtbot)
            assert not (found := fit_checks.cut_texts(screen.filters)), "\n".join(found)


def test_the_german_notes_on_the_picture_are_whole_at_800x480(qtbot, store, german):
    screen = open_screen(qtbot, store, reviewer="alice")
    show_box(screen, 22)
    view = screen.item
    screen.model.set_tool("point")
    screen.model.step_count(-1)  # below what is seen: "… fehlend ohne Kreuz"
    view.set_zoom(2.5)
    settle(qtbot)
    rect = view.image_rect()
    font = QFont()
    font.setPixelSize(max(12, min(22, rect.height() // 18)))  # as ItemView._badges draws them
    font.setBold(True)
    notes = [text for text, _ in view.badge_texts()]
    assert notes[0].startswith("ANZAHL 21 / 24") and notes[1].startswith("PUNKT") and notes[2].startswith("ZOOM")
    for text in notes:
        assert QFontMetrics(font).horizontalAdvance(text) <= rect.width() - 16, text  # drawn whole, not elided


def test_the_german_reports_fit_800x480(qtbot, store, german):
    screen = open_screen(qtbot, store, reviewer="alice")
    screen.toggle_reports()
    settle(qtbot)
    assert screen.reports.export_button.text() == "CSV EXPORT"
    assert not (found := fit_checks.problems(screen)), "\n".join(found)


def test_a_picked_german_filter_filters_by_its_english_key(qtbot, store, german):
    screen = open_screen(qtbot, store, reviewer="alice")
    picker = screen.filters.pick("confidence")
    assert "UNTER 0.95" in picker.buttons and "BELOW 0.95" not in picker.buttons
    qtbot.mouseClick(picker.buttons["UNTER 0.95"], Qt.MouseButton.LeftButton)
    assert screen.model.filters.max_confidence == 0.95 and screen.filters.confidence == "BELOW 0.95"
    assert all(i.record.confidence < 0.95 for i in screen.model.items)
    picker = screen.filters.pick("sort")
    qtbot.mouseClick(picker.buttons["UNSICHERSTE"], Qt.MouseButton.LeftButton)
    assert screen.model.sort == "confidence"


def test_a_german_undo_reason_is_recorded_in_english_with_the_details_as_typed(qtbot, store, german):
    screen = open_screen(qtbot, store, reviewer="alice")
    show_box(screen, 24)
    qtbot.keyClick(screen, Qt.Key.Key_Return)
    qtbot.keyClick(screen, Qt.Key.Key_Z)
    sheet = screen.signing
    assert [b.text() for b in sheet.reason_buttons][2] == "Verzählt"
    sheet.reason_buttons[3].click()  # Sonstiges: siehe Details
    sheet.details.setText("Karton")
    qtbot.mouseClick(sheet.ok_button, Qt.MouseButton.LeftButton)
    assert label_rows(store.path)[-1]["comment"] == "Other: see the details: Karton"
    assert "storniert" in screen.message.text()


def test_the_german_keyboard_has_umlauts_in_qwertz_and_types_them(qtbot, store, german):
    screen = open_screen(qtbot, store, reviewer="alice")
    qtbot.mouseClick(screen.comment, Qt.MouseButton.LeftButton)
    board = screen.window().findChild(Keyboard)
    assert board.language == "de" and {"ä", "ö", "ü", "ß", "z", "y"} <= set(board.keys)
    assert board.keys["done"].text() == "FERTIG" and board.phrases["glare"].text() == "Blendung"
    assert screen.rect().contains(board.geometry())
    for button in board.keys.values():
        assert button.width() >= 48 and button.height() >= 48, button.text()
    for key in ("shift", "ü", "b", "e", "r", "space", "ß"):
        qtbot.mouseClick(board.keys[key], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(board.phrases["partly covered"], Qt.MouseButton.LeftButton)
    assert screen.comment.text() == "Über ß, teilweise verdeckt"
    assert not (found := fit_checks.cut_texts(board)), "\n".join(found)


def test_a_keyboard_made_in_english_is_made_anew_in_german(qtbot, store):
    screen = open_screen(qtbot, store, reviewer="alice")
    qtbot.mouseClick(screen.comment, Qt.MouseButton.LeftButton)
    assert "ü" not in screen.window().findChild(Keyboard).keys
    screen.window().findChild(Keyboard).close_keyboard()
    i18n.use_language("de")
    try:
        qtbot.mouseClick(screen.comment, Qt.MouseButton.LeftButton)
        boards = [b for b in screen.window().findChildren(Keyboard) if b.parent() is not None and b.isVisible()]
        assert len(boards) == 1 and "ü" in boards[0].keys
    finally:
        i18n.use_language("en")


def test_the_number_pad_names_a_value_out_of_range_in_german(qtbot, german):
    pad = NumberPad()
    qtbot.addWidget(pad)
    pad.ask("Belichtung", 100, 10, 500, unit="µs")
    assert pad.title.text() == "Belichtung: aktuell 100 µs, zulässig 10–500"
    assert pad.keys["ENTER"].text() == "EINGABE"
    for key in "999":
        pad.press(key)
    assert not pad.enter()
    assert pad.title.text() == "Belichtung 999 µs liegt über dem Maximum 500 µs"


def test_a_fail_safe_parts_detail_in_german_names_the_cause_and_translates_the_runtimes_reason(qtbot, german):
    from tests.ui.conftest import no_frame_record
    from ui.model import InspectedPart
    from ui.part_detail import PartDetail

    record = no_frame_record()
    detail = PartDetail(InspectedPart(record, None))
    detail.setStyleSheet(theme.style_sheet(1.0))  # the station window's look at 800 x 480
    qtbot.addWidget(detail)
    detail.resize(*SMALL)
    detail.show()
    settle(qtbot)
    assert detail.rows["FAIL-SAFE"].text() == "kein Bild" and detail.rows["Ausgeworfen"].text() == "ja"
    assert record.reason == "no_frame: no frame within 0.15s"  # recorded in English
    assert detail.rows["Grund"].text() == "kein Bild innerhalb 0.15 s"  # a fixed form: shown translated
    assert {"SCHLIESSEN", "Teil", "Zeit", "Rezept"} <= {w.text() for w in detail.findChildren(QPushButton)} | set(
        detail.rows)
    assert not (found := fit_checks.problems(detail)), "\n".join(found)
