"""The window's languages, through Qt's translation system: ``tr()`` at every visible text, a ``QTranslator`` per language.

The translations are Qt Linguist ``.ts`` files in ``resources/i18n/`` (``inspector_de.ts``), kept up to date with
``python -m ui.i18n_extract`` and editable in Qt Linguist. The window reads the ``.ts`` itself (:class:`TsTranslator`),
so there is no compiled ``.qm`` to build or to fall out of date. English is the source language.

    tr("START")                          # a text on screen, translated when it is made
    tr("{n} parts").format(n=3)          # placeholders stay in the text, filled after translation
    CAPTIONS = {"review": tr_noop("QA: check…")}   # module constants: marked here, tr(CAPTIONS[k]) where shown
"""
from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

CONTEXT = "station"  # one context: the same words mean the same on every screen
LANGUAGES = {"en": "English", "de": "Deutsch"}
SOURCE_LANGUAGE = "en"
_installed: list[QTranslator] = []


def tr(text: str) -> str:
    """``text`` in the window's language (itself when untranslated or in English)."""
    return QCoreApplication.translate(CONTEXT, text)


def tr_noop(text: str) -> str:
    """Marks ``text`` for translation where it is defined (a module constant); ``tr`` it where it is shown."""
    return text


def ts_path(language: str) -> Path:
    """The language's ``.ts``: the package's, or under ``$INSPECTOR_I18N_DIR`` (a translator trying a new text)."""
    folder = os.environ.get("INSPECTOR_I18N_DIR")
    base = Path(folder) if folder else Path(str(resources.files("inspector_resources") / "i18n"))
    return base / f"inspector_{language}.ts"


def read_ts(path: Path) -> dict[str, str]:
    """source -> translation, of the finished messages of a ``.ts`` file."""
    out: dict[str, str] = {}
    for message in ET.parse(path).getroot().iter("message"):
        source, translation = message.findtext("source"), message.find("translation")
        if source is None or translation is None or translation.get("type") in ("unfinished", "obsolete", "vanished"):
            continue
        if translation.text:
            out[source] = translation.text
    return out


class TsTranslator(QTranslator):
    """A ``QTranslator`` over a ``.ts`` file's finished messages."""

    def __init__(self, messages: dict[str, str], parent=None):
        super().__init__(parent)
        self.messages = messages

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: N802 (Qt's virtual)
        return self.messages.get(source_text) if context == CONTEXT else None

    def isEmpty(self) -> bool:  # noqa: N802 (Qt's virtual)
        return not self.messages


def default_language() -> str:
    """The system locale's language when the window has it, else English."""
    name = QLocale.system().name().split("_")[0]
    return name if name in LANGUAGES else SOURCE_LANGUAGE


def use_language(language: str) -> str:
    """Translate the window into ``language`` from now on (texts made before keep theirs); returns it."""
    if language not in LANGUAGES:
        raise ValueError(f"language = {language!r}: one of {', '.join(LANGUAGES)}")
    while _installed:
        QCoreApplication.removeTranslator(_installed.pop())
    if language != SOURCE_LANGUAGE:
        translator = TsTranslator(read_ts(ts_path(language)))
        translator.language = language
        QCoreApplication.installTranslator(translator)
        _installed.append(translator)
    return language


def current_language() -> str:
    return _installed[0].language if _installed else SOURCE_LANGUAGE
