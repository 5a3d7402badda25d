<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
  <context>
    <name>station</name>
    <message>
      <location filename="ui/charts.py" />
      <source>Parts / min</source>
      <translation>Teile / min</translation>
    </message>
    <message>
      <location filename="ui/charts.py" />
      <source>Reject rate %</source>
      <translation>Ausschussrate %</translation>
    </message>
    <message>
      <location filename="ui/charts.py" />
      <source>Confidence</source>
      <translation>Sicherheit</translation>
    </message>
    <message>
      <location filename="ui/charts.py" />
      <source>minutes ago</source>
      <translation>vor Minuten</translation>
    </message>
    <message>
      <location filename="ui/charts.py" />
      <source>last parts</source>
      <translation>letzte Teile</translation>
    </message>
    <message>
      <location filename="ui/charts.py" />
      <source>Decision ms</source>
      <translation>Entscheidung ms</translation>
    </message>
    <message>
      <location filename="ui/header.py" />
      <source>parts per minute, rejects, timing</source>
      <translation>Teile pro Minute, Ausschuss, Zeiten</translation>
    </message>
    <message>
      <location filename="ui/header.py" />
      <source>QA: check the parts the line flagged</source>
      <translation>QS: die markierten Teile prüfen</translation>
    </message>
    <message>
      <location filename="ui/header.py" />
      <source>technician: camera, light, pusher</source>
      <translation>Techniker: Kamera, Licht, Auswerfer</translation>
    </message>
    <message>
      <location filename="ui/header.py" />
      <source>QA, admin: who changed what</source>
      <translation>QS, Admin: wer hat was geändert</translation>
    </message>
    <message>
      <location filename="ui/header.py" />
      <source>MENU</source>
      <translation>MENÜ</translation>
    </message>
    <message>
      <location filename="ui/header.py" />
      <source>CLOSE</source>
      <translation>SCHLIESSEN</translation>
    </message>
    <message>
      <location filename="ui/keyboard.py" />
      <source>SHIFT</source>
      <translation>UMSCHALT</translation>
    </message>
    <message>
      <location filename="ui/keyboard.py" />
      <source>SPACE</source>
      <translation>LEERTASTE</translation>
    </message>
    <message>
      <location filename="ui/keyboard.py" />
      <source>DONE</source>
      <translation>FERTIG</translation>
    </message>
    <message>
      <location filename="ui/number_pad.py" />
      <source>CLEAR</source>
      <translation>LÖSCHEN</translation>
    </message>
    <message>
      <location filename="ui/number_pad.py" />
      <source>CANCEL</source>
      <translation>ABBRECHEN</translation>
    </message>
    <message>
      <location filename="ui/number_pad.py" />
      <source>ENTER</source>
      <translation>EINGABE</translation>
    </message>
    <message>
      <location filename="ui/number_pad.py" />
      <source>{name}: now {value}, allowed {low}–{high}</source>
      <translation>{name}: aktuell {value}, zulässig {low}–{high}</translation>
    </message>
    <message>
      <location filename="ui/number_pad.py" />
      <source>{name}: type a number</source>
      <translation>{name}: Zahl eingeben</translation>
    </message>
    <message>
      <location filename="ui/number_pad.py" />
      <source>{name} {value} is below the minimum {limit}</source>
      <translation>{name} {value} liegt unter dem Minimum {limit}</translation>
    </message>
    <message>
      <location filename="ui/number_pad.py" />
      <source>{name} {value} is above the maximum {limit}</source>
      <translation>{name} {value} liegt über dem Maximum {limit}</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>no frame</source>
      <translation>kein Bild</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>model error</source>
      <translation>Modellfehler</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>too late</source>
      <translation>zu spät</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>queue full</source>
      <translation>Warteschlange voll</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>line stopped</source>
      <translation>Linie gestoppt</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>record not durable</source>
      <translation>Datensatz nicht gesichert</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>not journaled</source>
      <translation>nicht im Journal</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>lost in a crash</source>
      <translation>bei Absturz verloren</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>Part</source>
      <translation>Teil</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>Why</source>
      <translation>Grund</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>Result</source>
      <translation>Ergebnis</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>Time</source>
      <translation>Zeit</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>Decided in</source>
      <translation>Entschieden in</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>Pushed off</source>
      <translation>Ausgeworfen</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>yes</source>
      <translation>ja</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>no</source>
      <translation>nein</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>Fail-safe</source>
      <translation>FAIL-SAFE</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>Unseen slots</source>
      <translation>Verdeckte Plätze</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>Empty slots</source>
      <translation>Leere Plätze</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>Model {name}</source>
      <translation>Modell {name}</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>Recipe</source>
      <translation>Rezept</translation>
    </message>
    <message>
      <location filename="ui/part_detail.py" />
      <source>Part #{part}</source>
      <translation>Teil #{part}</translation>
    </message>
    <message>
      <location filename="ui/review/item_view.py" />
      <source>Looking: pinch or double-tap to zoom. To add or remove cartridges choose POINT.</source>
      <translation>Ansicht: zum Zoomen spreizen oder doppelt tippen. Patronen setzen oder entfernen: PUNKT wählen.</translation>
    </message>
    <message>
      <location filename="ui/review/item_view.py" />
      <source>No image was kept for this part</source>
      <translation>Für dieses Teil wurde kein Bild gespeichert</translation>
    </message>
    <message>
      <location filename="ui/review/item_view.py" />
      <source>Nothing to review</source>
      <translation>Nichts zu prüfen</translation>
    </message>
    <message>
      <location filename="ui/review/item_view.py" />
      <source>COUNT {n} / {expected}</source>
      <translation>ANZAHL {n} / {expected}</translation>
    </message>
    <message>
      <location filename="ui/review/item_view.py" />
      <source>COUNT {n}</source>
      <translation>ANZAHL {n}</translation>
    </message>
    <message>
      <location filename="ui/review/item_view.py" />
      <source>{n} missing not marked</source>
      <translation>{n} fehlend ohne Kreuz</translation>
    </message>
    <message>
      <location filename="ui/review/item_view.py" />
      <source>POINT: a tap adds or removes a cartridge</source>
      <translation>PUNKT: Tippen setzt/entfernt Patrone</translation>
    </message>
    <message>
      <location filename="ui/review/item_view.py" />
      <source>ZOOM ×{zoom} · double-tap: whole picture</source>
      <translation>ZOOM ×{zoom} · Doppeltippen: ganzes Bild</translation>
    </message>
    <message>
      <location filename="ui/review/model.py" />
      <source>RISK FIRST</source>
      <translation>NACH RISIKO</translation>
    </message>
    <message>
      <location filename="ui/review/model.py" />
      <source>LOWEST FIRST</source>
      <translation>UNSICHERSTE</translation>
    </message>
    <message>
      <location filename="ui/review/model.py" />
      <source>HIGHEST FIRST</source>
      <translation>SICHERSTE</translation>
    </message>
    <message>
      <location filename="ui/review/model.py" />
      <source>NEWEST FIRST</source>
      <translation>NEUESTE</translation>
    </message>
    <message>
      <location filename="ui/review/model.py" />
      <source>good</source>
      <translation>gut</translation>
    </message>
    <message>
      <location filename="ui/review/model.py" />
      <source>defect</source>
      <translation>defekt</translation>
    </message>
    <message>
      <location filename="ui/review/model.py" />
      <source>covered</source>
      <translation>verdeckt</translation>
    </message>
    <message>
      <location filename="ui/review/model.py" />
      <source>complete</source>
      <translation>vollständig</translation>
    </message>
    <message>
      <location filename="ui/review/model.py" />
      <source>missing</source>
      <translation>fehlt</translation>
    </message>
    <message>
      <location filename="ui/review/model.py" />
      <source>extra</source>
      <translation>zu viel</translation>
    </message>
    <message>
      <location filename="ui/review/model.py" />
      <source>confirm</source>
      <translation>Bestätigung</translation>
    </message>
    <message>
      <location filename="ui/review/model.py" />
      <source>correct</source>
      <translation>Korrektur</translation>
    </message>
    <message>
      <location filename="ui/review/model.py" />
      <source>inconclusive</source>
      <translation>unklar</translation>
    </message>
    <message>
      <location filename="ui/review/model.py" />
      <source>class</source>
      <translation>Klasse</translation>
    </message>
    <message>
      <location filename="ui/review/model.py" />
      <source>count</source>
      <translation>Anzahl</translation>
    </message>
    <message>
      <location filename="ui/review/model.py" />
      <source>Correct part #{part}: {what}</source>
      <translation>Teil #{part} korrigieren: {what}</translation>
    </message>
    <message>
      <location filename="ui/review/model.py" />
      <source>Undo the verdict on part #{part}: {verdict} by {reviewer}</source>
      <translation>Bewertung an Teil #{part} stornieren: {verdict} von {reviewer}</translation>
    </message>
    <message>
      <location filename="ui/review/queue_panel.py" />
      <source>ALL</source>
      <translation>ALLE</translation>
    </message>
    <message>
      <location filename="ui/review/queue_panel.py" />
      <source>BELOW 0.6</source>
      <translation>UNTER 0.6</translation>
    </message>
    <message>
      <location filename="ui/review/queue_panel.py" />
      <source>BELOW 0.7</source>
      <translation>UNTER 0.7</translation>
    </message>
    <message>
      <location filename="ui/review/queue_panel.py" />
      <source>BELOW 0.8</source>
      <translation>UNTER 0.8</translation>
    </message>
    <message>
      <location filename="ui/review/queue_panel.py" />
      <source>BELOW 0.9</source>
      <translation>UNTER 0.9</translation>
    </message>
    <message>
      <location filename="ui/review/queue_panel.py" />
      <source>BELOW 0.95</source>
      <translation>UNTER 0.95</translation>
    </message>
    <message>
      <location filename="ui/review/queue_panel.py" />
      <source>0.95 AND UP</source>
      <translation>AB 0.95</translation>
    </message>
    <message>
      <location filename="ui/review/queue_panel.py" />
      <source>LAST HOUR</source>
      <translation>LETZTE 1 H</translation>
    </message>
    <message>
      <location filename="ui/review/queue_panel.py" />
      <source>TODAY</source>
      <translation>HEUTE</translation>
    </message>
    <message>
      <location filename="ui/review/queue_panel.py" />
      <source>LAST 24 H</source>
      <translation>LETZTE 24 H</translation>
    </message>
    <message>
      <location filename="ui/review/queue_panel.py" />
      <source>LAST 7 DAYS</source>
      <translation>LETZTE 7 TAGE</translation>
    </message>
    <message>
      <location filename="ui/review/queue_panel.py" />
      <source>TO REVIEW</source>
      <translation>ZU PRÜFEN</translation>
    </message>
    <message>
      <location filename="ui/review/queue_panel.py" />
      <source>REVIEWED</source>
      <translation>GEPRÜFT</translation>
    </message>
    <message>
      <location filename="ui/review/queue_panel.py" />
      <source>TIME</source>
      <translation>ZEIT</translation>
    </message>
    <message>
      <location filename="ui/review/queue_panel.py" />
      <source>RECIPE</source>
      <translation>REZEPT</translation>
    </message>
    <message>
      <location filename="ui/review/queue_panel.py" />
      <source>MODEL</source>
      <translation>MODELL</translation>
    </message>
    <message>
      <location filename="ui/review/queue_panel.py" />
      <source>CONFIDENCE</source>
      <translation>SICHERHEIT</translation>
    </message>
    <message>
      <location filename="ui/review/queue_panel.py" />
      <source>SORT</source>
      <translation>SORTIERUNG</translation>
    </message>
    <message>
      <location filename="ui/review/queue_panel.py" />
      <source>SHOW</source>
      <translation>ANZEIGEN</translation>
    </message>
    <message>
      <location filename="ui/review/queue_panel.py" />
      <source>covered: recount</source>
      <translation>verdeckt: nachzählen</translation>
    </message>
    <message>
      <location filename="ui/review/queue_panel.py" />
      <source>DISPUTED</source>
      <translation>STRITTIG</translation>
    </message>
    <message>
      <location filename="ui/review/remote.py" />
      <source>the station does not answer: {why}</source>
      <translation>die Station antwortet nicht: {why}</translation>
    </message>
    <message>
      <location filename="ui/review/remote.py" />
      <source>{name}: the download stopped at {offset} of {size} bytes</source>
      <translation>{name}: Download bei {offset} von {size} Bytes abgebrochen</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>ALL MODELS</source>
      <translation>ALLE MODELLE</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>Reviewer</source>
      <translation>Prüfer</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>Items</source>
      <translation>Teile</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>Min
s</source>
      <translation>Min
s</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>Mean
s</source>
      <translation>Mittel
s</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>Median
s</source>
      <translation>Median
s</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>Max
s</source>
      <translation>Max
s</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>Audits</source>
      <translation>Audits</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>Audit
pass</source>
      <translation>Audit
bestanden</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>Model
agrees</source>
      <translation>wie
Modell</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>EXPORT CSV</source>
      <translation>CSV EXPORT</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>BATCH REPORT</source>
      <translation>CHARGENBERICHT</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>Items reviewed per reviewer per day</source>
      <translation>Geprüfte Teile je Prüfer und Tag</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>Count error (model − QA)</source>
      <translation>Zählfehler (Modell − QS)</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>parts</source>
      <translation>Teile</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>The reports could not be read: {error}</source>
      <translation>Die Berichte konnten nicht gelesen werden: {error}</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>TIME: {range}</source>
      <translation>ZEIT: {range}</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>MODEL VERSION</source>
      <translation>MODELLVERSION</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>VERDICTS GIVEN</source>
      <translation>BEWERTET IM ZEITRAUM</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>Export to {folder} failed: {error}</source>
      <translation>Export nach {folder} fehlgeschlagen: {error}</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>Wrote {n} CSV files to {folder}</source>
      <translation>{n} CSV-Dateien nach {folder} geschrieben</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>The lots could not be read: {error}</source>
      <translation>Die Chargen konnten nicht gelesen werden: {error}</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>BATCH REPORT OF LOT</source>
      <translation>CHARGENBERICHT: CHARGE WÄHLEN</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>No lot recorded yet: a lot is given at START (or inspector run --lot L)</source>
      <translation>Noch keine Charge erfasst: die Charge wird bei START angegeben (oder inspector run --lot L)</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>Batch report of lot {lot} failed: {error}</source>
      <translation>Chargenbericht für Charge {lot} fehlgeschlagen: {error}</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>records intact</source>
      <translation>Datensätze unversehrt</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>RECORDS CHAIN BROKEN: {why}</source>
      <translation>DATENSATZKETTE GEBROCHEN: {why}</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>Wrote the batch report of lot {lot} ({n} parts; {chain}) to {path}</source>
      <translation>Chargenbericht für Charge {lot} ({n} Teile; {chain}) nach {path} geschrieben</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>MODEL: {name}</source>
      <translation>MODELL: {name}</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>No verdicts with a value yet.</source>
      <translation>Noch keine Bewertungen mit Wert.</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>{n} parts reviewed · model and QA agree on {percent} %</source>
      <translation>{n} Teile geprüft · Modell und QS einig bei {percent} %</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>model ↓ QA →</source>
      <translation>Modell ↓ QS →</translation>
    </message>
    <message>
      <location filename="ui/review/reports.py" />
      <source>Count error (model − QA): this model counts nothing</source>
      <translation>Zählfehler (Modell − QS): dieses Modell zählt nicht</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>Model missed a defect</source>
      <translation>Modell hat einen Fehler übersehen</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>Model called a good part defect</source>
      <translation>Modell hat ein Gutteil als defekt bewertet</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>Count was wrong</source>
      <translation>Anzahl war falsch</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>Other: see the comment</source>
      <translation>Sonstiges: siehe Kommentar</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>Tapped the wrong verdict</source>
      <translation>Falsche Bewertung getippt</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>Wrong part on show</source>
      <translation>Falsches Teil angezeigt</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>Miscounted</source>
      <translation>Verzählt</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>Other: see the details</source>
      <translation>Sonstiges: siehe Details</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>glare</source>
      <translation>Blendung</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>blurred</source>
      <translation>unscharf</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>partly covered</source>
      <translation>teilweise verdeckt</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>second look needed</source>
      <translation>Zweitprüfung nötig</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>LINE</source>
      <translation>LINIE</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>FILTERS</source>
      <translation>FILTER</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>REPORTS</source>
      <translation>BERICHTE</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>AUDITS</source>
      <translation>AUDITS</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>OVERLAYS</source>
      <translation>MARKEN</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>POINT</source>
      <translation>PUNKT</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>POINT tool (P): a tap on the picture adds or removes a cartridge</source>
      <translation>Werkzeug PUNKT (P): Tippen auf das Bild setzt oder entfernt eine Patrone</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>Comment</source>
      <translation>Kommentar</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>#{part}: verdict undone by {reviewer} ({reason})</source>
      <translation>#{part}: Bewertung storniert von {reviewer} ({reason})</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>#{part}: {verdict} by {reviewer} ({seconds} s)</source>
      <translation>#{part}: {verdict} von {reviewer} ({seconds} s)</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>WHO IS REVIEWING?</source>
      <translation>WER PRÜFT?</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>No reviewers yet: type your name, then Enter</source>
      <translation>Noch keine Prüfer: Namen eingeben, dann Enter</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>REVIEWER: TAP TO PICK</source>
      <translation>PRÜFER: ANTIPPEN</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>REVIEWER: {name}</source>
      <translation>PRÜFER: {name}</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>AUDITS {n}</source>
      <translation>AUDITS {n}</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>{n} blind audits for {name} · {done} done here</source>
      <translation>{n} Blind-Audits für {name} · {done} hier erledigt</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>{n} blind audits for you · {done} done here</source>
      <translation>{n} Blind-Audits für Sie · {done} hier erledigt</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>{n} to review · {done} done here</source>
      <translation>{n} zu prüfen · {done} hier erledigt</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>{n} reviewed · {done} done here</source>
      <translation>{n} geprüft · {done} hier erledigt</translation>
    </message>
    <message>
      <location filename="ui/review/screen.py" />
      <source>{n} listed · {done} done here</source>
      <translation>{n} gelistet · {done} hier erledigt</translation>
    </message>
    <message>
      <location filename="ui/review/switch.py" />
      <source>REVIEW</source>
      <translation>PRÜFEN</translation>
    </message>
    <message>
      <location filename="ui/review/switch.py" />
      <source>{name} ({role}) may not review. Review needs: {roles}</source>
      <translation>{name} ({role}) darf nicht prüfen. Prüfen erfordert: {roles}</translation>
    </message>
    <message>
      <location filename="ui/review/switch.py" />
      <source>Review needs: {roles}</source>
      <translation>Prüfen erfordert: {roles}</translation>
    </message>
    <message>
      <location filename="ui/review/switch.py" />
      <source>Review: {error}</source>
      <translation>Prüfen: {error}</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>CONFIRM</source>
      <translation>BESTÄTIGEN</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>Confirm</source>
      <translation>Bestätigen</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>DEFECT</source>
      <translation>DEFEKT</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>Defect</source>
      <translation>Defekt</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>GOOD</source>
      <translation>GUT</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>Good</source>
      <translation>Gut</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>COUNT −</source>
      <translation>STK −</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>Count −</source>
      <translation>Stückzahl −</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>COUNT +</source>
      <translation>STK +</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>Count +</source>
      <translation>Stückzahl +</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>UNSURE</source>
      <translation>UNKLAR</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>Unsure</source>
      <translation>Unklar</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>UNDO</source>
      <translation>STORNO</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>Undo</source>
      <translation>Stornieren</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>UNDO EDIT</source>
      <translation>VERWERFEN</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>Undo the unsaved edits (Z)</source>
      <translation>Ungespeicherte Änderungen verwerfen (Z)</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>Undo the {verdict} on part #{part} (Z)</source>
      <translation>{verdict} an Teil #{part} stornieren (Z)</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>Nothing to undo</source>
      <translation>Nichts zu stornieren</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>SAVE CORRECTION</source>
      <translation>KORREKTUR SICHERN</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>{covered} (count unknown, {n} expected)</source>
      <translation>{covered} (Anzahl unbekannt, {n} erwartet)</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>{covered} (count unknown)</source>
      <translation>{covered} (Anzahl unbekannt)</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>{n} counted of {expected}</source>
      <translation>{n} von {expected} gezählt</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>{n} counted</source>
      <translation>{n} gezählt</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>Model said</source>
      <translation>Modell sagt</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>Audit</source>
      <translation>Audit</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>second look: give your own verdict; the first one is not shown</source>
      <translation>Zweitprüfung: eigene Bewertung abgeben; die erste wird nicht gezeigt</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>Disputed</source>
      <translation>Strittig</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>the audit disagreed: a third look decides</source>
      <translation>das Audit widerspricht: eine Drittprüfung entscheidet</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>QA said</source>
      <translation>QS sagt</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>class → {value}</source>
      <translation>Klasse → {value}</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>count → {value}</source>
      <translation>Anzahl → {value}</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>Your edit</source>
      <translation>Ihre Änderung</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>{verdict} by {reviewer} (an undo)</source>
      <translation>{verdict} von {reviewer} (ein Storno)</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>{verdict} by {reviewer}</source>
      <translation>{verdict} von {reviewer}</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>Reviewed</source>
      <translation>Geprüft</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>UNDO LAST</source>
      <translation>STORNO</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>takes back the {verdict} on #{part}</source>
      <translation>nimmt {verdict} an #{part} zurück</translation>
    </message>
    <message>
      <location filename="ui/review/verdict_bar.py" />
      <source>The queue is empty for these filters.</source>
      <translation>Für diese Filter ist die Warteschlange leer.</translation>
    </message>
    <message>
      <location filename="ui/status.py" />
      <source>display {fps} fps</source>
      <translation>Anzeige {fps} fps</translation>
    </message>
    <message>
      <location filename="ui/status.py" />
      <source>skipped {n}</source>
      <translation>übersprungen {n}</translation>
    </message>
    <message>
      <location filename="ui/status.py" />
      <source>camera lost {n}</source>
      <translation>Kamera verloren {n}</translation>
    </message>
    <message>
      <location filename="ui/status.py" />
      <source>saved {n}</source>
      <translation>gespeichert {n}</translation>
    </message>
    <message>
      <location filename="ui/status.py" />
      <source>run {run}</source>
      <translation>Lauf {run}</translation>
    </message>
  </context>
</TS>
