<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
  <context>
    <name>station</name>
    <message>
      <location filename="ui/alarms.py" />
      <source>CAMERA LOST</source>
      <translation>KAMERA VERLOREN</translation>
    </message>
    <message>
      <location filename="ui/alarms.py" />
      <source>NO CAMERA FRAME</source>
      <translation>KEIN KAMERABILD</translation>
    </message>
    <message>
      <location filename="ui/alarms.py" />
      <source>MODEL ERROR</source>
      <translation>MODELLFEHLER</translation>
    </message>
    <message>
      <location filename="ui/alarms.py" />
      <source>DECISIONS LATE</source>
      <translation>ENTSCHEIDUNGEN VERSPÄTET</translation>
    </message>
    <message>
      <location filename="ui/alarms.py" />
      <source>INSPECTION QUEUE FULL</source>
      <translation>PRÜFWARTESCHLANGE VOLL</translation>
    </message>
    <message>
      <location filename="ui/alarms.py" />
      <source>RECORD NOT SAVED</source>
      <translation>DATENSATZ NICHT GESPEICHERT</translation>
    </message>
    <message>
      <location filename="ui/alarms.py" />
      <source>STORAGE ERROR</source>
      <translation>SPEICHERFEHLER</translation>
    </message>
    <message>
      <location filename="ui/alarms.py" />
      <source>DISK NEARLY FULL</source>
      <translation>SPEICHER FAST VOLL</translation>
    </message>
    <message>
      <location filename="ui/alarms.py" />
      <source>MODEL REFUSED</source>
      <translation>MODELL ABGELEHNT</translation>
    </message>
    <message>
      <location filename="ui/alarms.py" />
      <source>DISK FULL</source>
      <translation>SPEICHER VOLL</translation>
    </message>
    <message>
      <location filename="ui/alarms.py" />
      <source>RECORDS NOT SAVED: NO PART PASSES</source>
      <translation>DATEN NICHT GESPEICHERT: KEIN TEIL IO</translation>
    </message>
    <message>
      <location filename="ui/alarms.py" />
      <source>FILES READABLE BY OTHERS</source>
      <translation>DATEIEN FÜR ANDERE LESBAR</translation>
    </message>
    <message>
      <location filename="ui/alarms.py" />
      <source>STATION</source>
      <translation>STATION</translation>
    </message>
    <message>
      <location filename="ui/alarms.py" />
      <source>TAP TO ACKNOWLEDGE</source>
      <translation>ZUM QUITTIEREN TIPPEN</translation>
    </message>
    <message>
      <location filename="ui/alarms.py" />
      <source>TAP</source>
      <translation>TIPPEN</translation>
    </message>
    <message>
      <location filename="ui/alarms.py" />
      <source>+{n} more</source>
      <translation>+{n} weitere</translation>
    </message>
    <message>
      <location filename="ui/app.py" />
      <source>Inspection station</source>
      <translation>Prüfstation</translation>
    </message>
    <message>
      <location filename="ui/app.py" />
      <source>CALIBRATE</source>
      <translation>KALIBRIEREN</translation>
    </message>
    <message>
      <location filename="ui/app.py" />
      <source>AUDIT</source>
      <translation>AUDIT</translation>
    </message>
    <message>
      <location filename="ui/app.py" />
      <source>MODELS</source>
      <translation>MODELLE</translation>
    </message>
    <message>
      <location filename="ui/app.py" />
      <source>USERS</source>
      <translation>BENUTZER</translation>
    </message>
    <message>
      <location filename="ui/app.py" />
      <source>CHARTS</source>
      <translation>DIAGRAMME</translation>
    </message>
    <message>
      <location filename="ui/app.py" />
      <source>LIVE VIEW</source>
      <translation>LIVEBILD</translation>
    </message>
    <message>
      <location filename="ui/app.py" />
      <source>back to the camera and the last part</source>
      <translation>zurück zur Kamera und zum letzten Teil</translation>
    </message>
    <message>
      <location filename="ui/audit_view.py" />
      <source>Time</source>
      <translation>Zeit</translation>
    </message>
    <message>
      <location filename="ui/audit_view.py" />
      <source>User</source>
      <translation>Benutzer</translation>
    </message>
    <message>
      <location filename="ui/audit_view.py" />
      <source>Action</source>
      <translation>Aktion</translation>
    </message>
    <message>
      <location filename="ui/audit_view.py" />
      <source>Target</source>
      <translation>Ziel</translation>
    </message>
    <message>
      <location filename="ui/audit_view.py" />
      <source>Reason</source>
      <translation>Grund</translation>
    </message>
    <message>
      <location filename="ui/audit_view.py" />
      <source>Change</source>
      <translation>Änderung</translation>
    </message>
    <message>
      <location filename="ui/audit_view.py" />
      <source>All users</source>
      <translation>Alle Benutzer</translation>
    </message>
    <message>
      <location filename="ui/audit_view.py" />
      <source>All actions</source>
      <translation>Alle Aktionen</translation>
    </message>
    <message>
      <location filename="ui/audit_view.py" />
      <source>{kind} (all)</source>
      <translation>{kind} (alle)</translation>
    </message>
    <message>
      <location filename="ui/audit_view.py" />
      <source>Audit trail</source>
      <translation>Audit-Trail</translation>
    </message>
    <message>
      <location filename="ui/audit_view.py" />
      <source>NEWER</source>
      <translation>NEUER</translation>
    </message>
    <message>
      <location filename="ui/audit_view.py" />
      <source>OLDER</source>
      <translation>ÄLTER</translation>
    </message>
    <message>
      <location filename="ui/audit_view.py" />
      <source>VERIFY CHAIN</source>
      <translation>KETTE PRÜFEN</translation>
    </message>
    <message>
      <location filename="ui/audit_view.py" />
      <source>CLOSE</source>
      <translation>SCHLIESSEN</translation>
    </message>
    <message>
      <location filename="ui/audit_view.py" />
      <source>AUDIT TRAIL</source>
      <translation>AUDIT-TRAIL</translation>
    </message>
    <message>
      <location filename="ui/audit_view.py" />
      <source>signed</source>
      <translation>signiert</translation>
    </message>
    <message>
      <location filename="ui/audit_view.py" />
      <source>{first}–{last} of {total}</source>
      <translation>{first}–{last} von {total}</translation>
    </message>
    <message>
      <location filename="ui/audit_view.py" />
      <source>0 of {total}</source>
      <translation>0 von {total}</translation>
    </message>
    <message>
      <location filename="ui/audit_view.py" />
      <source>and {n} more</source>
      <translation>und {n} weitere</translation>
    </message>
    <message>
      <location filename="ui/audit_view.py" />
      <source>Chain OK: {n} entries, none changed, deleted or reordered</source>
      <translation>Kette OK: {n} Einträge, keiner geändert, gelöscht oder umsortiert</translation>
    </message>
    <message>
      <location filename="ui/audit_view.py" />
      <source>Chain BROKEN at {where}</source>
      <translation>Kette GEBROCHEN bei {where}</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>New camera, lens or light</source>
      <translation>Neue Kamera, Optik oder Beleuchtung</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>Image drifted (focus / exposure)</source>
      <translation>Bild verändert (Fokus / Belichtung)</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>Product or fixture change</source>
      <translation>Produkt- oder Vorrichtungswechsel</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>Conveyor or pusher timing changed</source>
      <translation>Förderband- oder Auswerfer-Timing geändert</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>Routine check</source>
      <translation>Routineprüfung</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>WHOLE FRAME</source>
      <translation>GANZES BILD</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>CAMERA</source>
      <translation>KAMERA</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>I/O + TIMING</source>
      <translation>E/A + TIMING</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>SAVE</source>
      <translation>SPEICHERN</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>RESTORE</source>
      <translation>ZURÜCKSETZEN</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>opened with the camera's values; SAVE applies and writes {file}</source>
      <translation>mit den Werten der Kamera geöffnet; SPEICHERN wendet an und schreibt {file}</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>{control}: trying {value} (not applied)</source>
      <translation>{control}: teste {value} (nicht angewendet)</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>trying resolution {width} x {height} (not applied)</source>
      <translation>teste Auflösung {width} x {height} (nicht angewendet)</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>roi</source>
      <translation>ROI</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>whole frame</source>
      <translation>ganzes Bild</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>Focus {score}</source>
      <translation>Fokus {score}</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>PREVIEW on the camera (line stopped)</source>
      <translation>VORSCHAU an der Kamera (Linie gestoppt)</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>{controls} shown only with the line stopped</source>
      <translation>{controls} nur bei gestoppter Linie sichtbar</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>LINE RUNNING: preview drawn on its last frame, camera untouched</source>
      <translation>LINIE LÄUFT: Vorschau auf dem letzten Bild, Kamera unverändert</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>mean {mean}   clipped dark {dark}   white {white}</source>
      <translation>Mittel {mean}   abgeschnitten dunkel {dark}   weiß {white}</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>The line is running: the camera changes for the next parts as soon as this is applied. Stopping the line first is safer.</source>
      <translation>Die Linie läuft: Die Kamera ändert sich für die nächsten Teile, sobald dies angewendet wird. Sicherer ist es, die Linie zuerst zu stoppen.</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>Apply to the running line?</source>
      <translation>Auf die laufende Linie anwenden?</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>Save values far from the reference?</source>
      <translation>Werte weit abseits der Referenz speichern?</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>APPLY ANYWAY</source>
      <translation>TROTZDEM ANWENDEN</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>SAVE ANYWAY</source>
      <translation>TROTZDEM SPEICHERN</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>Save calibration to {path}</source>
      <translation>Kalibrierung in {path} speichern</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>camera did not take:</source>
      <translation>von der Kamera nicht übernommen:</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>applied and saved to {path} ({note})</source>
      <translation>angewendet und in {path} gespeichert ({note})</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>the saved values, as a preview: SAVE applies them</source>
      <translation>die gespeicherten Werte als Vorschau: SPEICHERN wendet sie an</translation>
    </message>
    <message>
      <location filename="ui/calibration.py" />
      <source>Calibration</source>
      <translation>Kalibrierung</translation>
    </message>
    <message>
      <location filename="ui/calibration_controls.py" />
      <source>White bal.</source>
      <translation>Weißabgl.</translation>
    </message>
    <message>
      <location filename="ui/calibration_controls.py" />
      <source>Resolution (width x height)</source>
      <translation>Auflösung (Breite x Höhe)</translation>
    </message>
    <message>
      <location filename="ui/calibration_controls.py" />
      <source>reference ({source}): focus {focus} ±{tolerance}, exposure {exposure} ms ×/÷{factor}</source>
      <translation>Referenz ({source}): Fokus {focus} ±{tolerance}, Belichtung {exposure} ms ×/÷{factor}</translation>
    </message>
    <message>
      <location filename="ui/calibration_controls.py" />
      <source>Size</source>
      <translation>Größe</translation>
    </message>
    <message>
      <location filename="ui/calibration_io.py" />
      <source>FIRE PUSHER ONCE</source>
      <translation>AUSWERFER EINMAL AUSLÖSEN</translation>
    </message>
    <message>
      <location filename="ui/calibration_io.py" />
      <source>START TRAVEL MEASUREMENT</source>
      <translation>LAUFZEITMESSUNG STARTEN</translation>
    </message>
    <message>
      <location filename="ui/calibration_io.py" />
      <source>PART AT PUSHER</source>
      <translation>TEIL AM AUSWERFER</translation>
    </message>
    <message>
      <location filename="ui/calibration_io.py" />
      <source>USE RESULT</source>
      <translation>ERGEBNIS ÜBERNEHMEN</translation>
    </message>
    <message>
      <location filename="ui/calibration_io.py" />
      <source>pusher fired once for {ms} ms</source>
      <translation>Auswerfer einmal für {ms} ms ausgelöst</translation>
    </message>
    <message>
      <location filename="ui/calibration_io.py" />
      <source>measuring: run parts one at a time</source>
      <translation>Messung: Teile einzeln durchlaufen lassen</translation>
    </message>
    <message>
      <location filename="ui/calibration_io.py" />
      <source>travel time {seconds} s taken (SAVE to keep it)</source>
      <translation>Laufzeit {seconds} s übernommen (SPEICHERN, um sie zu behalten)</translation>
    </message>
    <message>
      <location filename="ui/calibration_io.py" />
      <source>Travel {seconds} s</source>
      <translation>Laufzeit {seconds} s</translation>
    </message>
    <message>
      <location filename="ui/calibration_io.py" />
      <source>inference budget {seconds} s (frame wait + models); the travel must be longer</source>
      <translation>Auswertezeit {seconds} s (Bildwartezeit + Modelle); die Laufzeit muss länger sein</translation>
    </message>
    <message>
      <location filename="ui/calibration_io.py" />
      <source>Stop the line, tap START, then send parts one at a time.</source>
      <translation>Linie stoppen, START tippen, dann Teile einzeln durchschicken.</translation>
    </message>
    <message>
      <location filename="ui/calibration_io.py" />
      <source>{n} trials done: {result}</source>
      <translation>{n} Versuche fertig: {result}</translation>
    </message>
    <message>
      <location filename="ui/calibration_io.py" />
      <source>Trial {n} of {wanted}: the sensor at the pusher times each part.</source>
      <translation>Versuch {n} von {wanted}: der Sensor am Auswerfer misst jedes Teil.</translation>
    </message>
    <message>
      <location filename="ui/calibration_io.py" />
      <source>Trial {n} of {wanted}: tap PART AT PUSHER when it reaches the pusher.</source>
      <translation>Versuch {n} von {wanted}: TEIL AM AUSWERFER tippen, wenn es den Auswerfer erreicht.</translation>
    </message>
    <message>
      <location filename="ui/calibration_io.py" />
      <source>Trial {n} of {wanted}: send a part through the beam.</source>
      <translation>Versuch {n} von {wanted}: ein Teil durch die Lichtschranke schicken.</translation>
    </message>
    <message>
      <location filename="ui/calibration_io.py" />
      <source>trials:</source>
      <translation>Versuche:</translation>
    </message>
    <message>
      <location filename="ui/calibration_widgets.py" />
      <source>Exposure</source>
      <translation>Belichtung</translation>
    </message>
    <message>
      <location filename="ui/calibration_widgets.py" />
      <source>Gain</source>
      <translation>Verstärkung</translation>
    </message>
    <message>
      <location filename="ui/calibration_widgets.py" />
      <source>White balance</source>
      <translation>Weißabgleich</translation>
    </message>
    <message>
      <location filename="ui/calibration_widgets.py" />
      <source>Focus</source>
      <translation>Fokus</translation>
    </message>
    <message>
      <location filename="ui/calibration_widgets.py" />
      <source>Brightness</source>
      <translation>Helligkeit</translation>
    </message>
    <message>
      <location filename="ui/calibration_widgets.py" />
      <source>Width</source>
      <translation>Breite</translation>
    </message>
    <message>
      <location filename="ui/calibration_widgets.py" />
      <source>Height</source>
      <translation>Höhe</translation>
    </message>
    <message>
      <location filename="ui/calibration_widgets.py" />
      <source>Frame rate</source>
      <translation>Bildrate</translation>
    </message>
    <message>
      <location filename="ui/calibration_widgets.py" />
      <source>Pusher pulse</source>
      <translation>Auswerferimpuls</translation>
    </message>
    <message>
      <location filename="ui/calibration_widgets.py" />
      <source>BEAM BROKEN</source>
      <translation>LICHTSCHRANKE UNTERBROCHEN</translation>
    </message>
    <message>
      <location filename="ui/calibration_widgets.py" />
      <source>BEAM CLEAR</source>
      <translation>LICHTSCHRANKE FREI</translation>
    </message>
    <message>
      <location filename="ui/calibration_widgets.py" />
      <source>CANCEL</source>
      <translation>ABBRECHEN</translation>
    </message>
    <message>
      <location filename="ui/camera_feed.py" />
      <source>LIVE</source>
      <translation>LIVE</translation>
    </message>
    <message>
      <location filename="ui/camera_feed.py" />
      <source>waiting for the camera</source>
      <translation>warte auf die Kamera</translation>
    </message>
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
      <location filename="ui/controls.py" />
      <source>Choose the product on the line</source>
      <translation>Produkt auf der Linie wählen</translation>
    </message>
    <message>
      <location filename="ui/controls.py" />
      <source>STOP</source>
      <translation>STOPP</translation>
    </message>
    <message>
      <location filename="ui/controls.py" />
      <source>START</source>
      <translation>START</translation>
    </message>
    <message>
      <location filename="ui/controls.py" />
      <source>RECIPE: {recipe}</source>
      <translation>REZEPT: {recipe}</translation>
    </message>
    <message>
      <location filename="ui/counters.py" />
      <source>INSPECTED</source>
      <translation>GEPRÜFT</translation>
    </message>
    <message>
      <location filename="ui/counters.py" />
      <source>PASSED</source>
      <translation>GUT</translation>
    </message>
    <message>
      <location filename="ui/counters.py" />
      <source>REJECTED</source>
      <translation>AUSSCHUSS</translation>
    </message>
    <message>
      <location filename="ui/counters.py" />
      <source>CHECK</source>
      <translation>PRÜFEN</translation>
    </message>
    <message>
      <location filename="ui/counters.py" />
      <source>FAIL-SAFE</source>
      <translation>FAIL-SAFE</translation>
    </message>
    <message>
      <location filename="ui/counters.py" />
      <source>YIELD</source>
      <translation>AUSBEUTE</translation>
    </message>
    <message>
      <location filename="ui/counters.py" />
      <source>SHIFT since {time}</source>
      <translation>SCHICHT seit {time}</translation>
    </message>
    <message>
      <location filename="ui/counters.py" />
      <source>LOT {lot} since {time}</source>
      <translation>CHARGE {lot} seit {time}</translation>
    </message>
    <message>
      <location filename="ui/counters.py" />
      <source>▸ SHIFT</source>
      <translation>▸ SCHICHT</translation>
    </message>
    <message>
      <location filename="ui/counters.py" />
      <source>LOT {lot}</source>
      <translation>CHARGE {lot}</translation>
    </message>
    <message>
      <location filename="ui/counters_reset.py" />
      <source>END SHIFT</source>
      <translation>SCHICHTENDE</translation>
    </message>
    <message>
      <location filename="ui/counters_reset.py" />
      <source>RESTART LOT COUNTERS</source>
      <translation>CHARGENZÄHLER NEU</translation>
    </message>
    <message>
      <location filename="ui/counters_reset.py" />
      <source>end of shift</source>
      <translation>Schichtende</translation>
    </message>
    <message>
      <location filename="ui/counters_reset.py" />
      <source>shift handover</source>
      <translation>Schichtübergabe</translation>
    </message>
    <message>
      <location filename="ui/counters_reset.py" />
      <source>counters checked</source>
      <translation>Zähler geprüft</translation>
    </message>
    <message>
      <location filename="ui/counters_reset.py" />
      <source>line cleared</source>
      <translation>Linie geräumt</translation>
    </message>
    <message>
      <location filename="ui/counters_reset.py" />
      <source>lot sorted again</source>
      <translation>Charge nachsortiert</translation>
    </message>
    <message>
      <location filename="ui/counters_reset.py" />
      <source>lot restarted</source>
      <translation>Charge neu gestartet</translation>
    </message>
    <message>
      <location filename="ui/counters_reset.py" />
      <source>counting error</source>
      <translation>Zählfehler</translation>
    </message>
    <message>
      <location filename="ui/counters_reset.py" />
      <source>The shift counters start again from zero.</source>
      <translation>Die Schichtzähler beginnen wieder bei null.</translation>
    </message>
    <message>
      <location filename="ui/counters_reset.py" />
      <source>The counters of lot {lot} start again from zero.</source>
      <translation>Die Zähler der Charge {lot} beginnen wieder bei null.</translation>
    </message>
    <message>
      <location filename="ui/counters_reset.py" />
      <source>The records of the parts do not change.</source>
      <translation>Die Aufzeichnungen der Teile bleiben unverändert.</translation>
    </message>
    <message>
      <location filename="ui/counters_reset.py" />
      <source>Pick the reason:</source>
      <translation>Grund wählen:</translation>
    </message>
    <message>
      <location filename="ui/counters_reset.py" />
      <source>LOG IN</source>
      <translation>ANMELDEN</translation>
    </message>
    <message>
      <location filename="ui/counters_reset.py" />
      <source>There is no lot in force: its counters cannot restart.</source>
      <translation>Keine Charge aktiv: Chargenzähler können nicht neu starten.</translation>
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
      <source>the model table: evaluate, promote, roll back (admin)</source>
      <translation>Modelltabelle: bewerten, freigeben, zurückrollen (Admin)</translation>
    </message>
    <message>
      <location filename="ui/header.py" />
      <source>admin: unlock, roles, PINs, new users</source>
      <translation>Admin: entsperren, Rollen, PINs, neue Benutzer</translation>
    </message>
    <message>
      <location filename="ui/header.py" />
      <source>MENU</source>
      <translation>MENÜ</translation>
    </message>
    <message>
      <location filename="ui/help_sheet.py" />
      <source>Verdict</source>
      <translation>Ergebnis</translation>
    </message>
    <message>
      <location filename="ui/help_sheet.py" />
      <source>PASS: the part is good. REJECT: the pusher takes it off the line. CHECK: the station is not sure; QA looks at it in REVIEW. FAIL-SAFE: the station could not inspect the part (no picture, too late) and rejected it to be safe.</source>
      <translation>GUT: Das Teil ist in Ordnung. AUSSCHUSS: Der Auswerfer nimmt es von der Linie. PRÜFEN: Die Station ist unsicher; die QS sieht es sich unter QS-PRÜFUNG an. FAIL-SAFE: Die Station konnte das Teil nicht prüfen (kein Bild, zu spät) und hat es sicherheitshalber ausgeworfen.</translation>
    </message>
    <message>
      <location filename="ui/help_sheet.py" />
      <source>Holds</source>
      <translation>Halten</translation>
    </message>
    <message>
      <location filename="ui/help_sheet.py" />
      <source>The last REJECT stays on screen until you acknowledge it. Touch the strip of results to stop it moving; tap a result to see it full size.</source>
      <translation>Der letzte AUSSCHUSS bleibt sichtbar, bis Sie ihn quittieren. Berühren Sie die Ergebnisleiste, um sie anzuhalten; tippen Sie auf ein Ergebnis für die Vollansicht.</translation>
    </message>
    <message>
      <location filename="ui/help_sheet.py" />
      <source>Counters</source>
      <translation>Zähler</translation>
    </message>
    <message>
      <location filename="ui/help_sheet.py" />
      <source>Counted by the station for the shift and for the lot; tap them to switch. END SHIFT and RESTART LOT COUNTERS in the menu start them again from zero; the records do not change.</source>
      <translation>Von der Station je Schicht und je Charge gezählt; Antippen wechselt die Ansicht. SCHICHTENDE und CHARGENZÄHLER NEU im Menü setzen sie auf null; die Aufzeichnungen bleiben unverändert.</translation>
    </message>
    <message>
      <location filename="ui/help_sheet.py" />
      <source>Alarms</source>
      <translation>Alarme</translation>
    </message>
    <message>
      <location filename="ui/help_sheet.py" />
      <source>A red bar at the top says what is wrong. Fix the cause, then tap it to acknowledge. FAIL-SAFE means parts are being rejected because the station cannot inspect them.</source>
      <translation>Ein roter Balken oben zeigt die Störung. Ursache beheben, dann zum Quittieren antippen. FAIL-SAFE heißt: Teile werden ausgeworfen, weil die Station sie nicht prüfen kann.</translation>
    </message>
    <message>
      <location filename="ui/help_sheet.py" />
      <source>Who may do what</source>
      <translation>Wer darf was</translation>
    </message>
    <message>
      <location filename="ui/help_sheet.py" />
      <source>Operator: start, stop, alarms, recipe, end a shift. QA: review parts, audit trail. Technician: calibrate, recipes, end a shift, restart a lot's counters. Admin: users, models, restart a lot's counters. After a while without a tap you are logged out (a warning counts down first).</source>
      <translation>Bediener: Start, Stopp, Alarme, Rezept, Schichtende. QS: Teile prüfen, Audit-Trail. Techniker: Kalibrieren, Rezepte, Schichtende, Chargenzähler neu. Admin: Benutzer, Modelle, Chargenzähler neu. Nach einer Weile ohne Eingabe werden Sie abgemeldet (vorher zählt eine Warnung herunter).</translation>
    </message>
    <message>
      <location filename="ui/help_sheet.py" />
      <source>HELP: THE LINE SCREEN</source>
      <translation>HILFE: LINIENBILD</translation>
    </message>
    <message>
      <location filename="ui/hmi_menu.py" />
      <source>operator, technician: shift counters to zero</source>
      <translation>Bediener, Techniker: Schichtzähler auf null</translation>
    </message>
    <message>
      <location filename="ui/hmi_menu.py" />
      <source>RESTART LOT
COUNTERS</source>
      <translation>CHARGENZÄHLER
NEU STARTEN</translation>
    </message>
    <message>
      <location filename="ui/hmi_menu.py" />
      <source>technician, admin: lot counters to zero</source>
      <translation>Techniker, Admin: Chargenzähler auf null</translation>
    </message>
    <message>
      <location filename="ui/hmi_menu.py" />
      <source>HELP</source>
      <translation>HILFE</translation>
    </message>
    <message>
      <location filename="ui/idle_warning.py" />
      <source>Logging out in {n} s — tap to stay logged in</source>
      <translation>Abmeldung in {n} s – antippen, um angemeldet zu bleiben</translation>
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
      <location filename="ui/link.py" />
      <source>NOT CONNECTED</source>
      <translation>NICHT VERBUNDEN</translation>
    </message>
    <message>
      <location filename="ui/link.py" />
      <source>LOG IN to see the line</source>
      <translation>ANMELDEN, um die Linie zu sehen</translation>
    </message>
    <message>
      <location filename="ui/link.py" />
      <source>no connection to the runtime: reconnecting… ({why})</source>
      <translation>keine Verbindung zur Station: verbinde neu… ({why})</translation>
    </message>
    <message>
      <location filename="ui/link.py" />
      <source>switching to {recipe}…</source>
      <translation>Wechsel auf {recipe}…</translation>
    </message>
    <message>
      <location filename="ui/link.py" />
      <source>NO STATION: {why}</source>
      <translation>KEINE STATION: {why}</translation>
    </message>
    <message>
      <location filename="ui/link.py" />
      <source>connecting</source>
      <translation>verbinde</translation>
    </message>
    <message>
      <location filename="ui/link.py" />
      <source>closed</source>
      <translation>geschlossen</translation>
    </message>
    <message>
      <location filename="ui/live_view.py" />
      <source>no camera frame for this part</source>
      <translation>kein Kamerabild zu diesem Teil</translation>
    </message>
    <message>
      <location filename="ui/live_view.py" />
      <source>HELD</source>
      <translation>GEHALTEN</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>Operator</source>
      <translation>Bediener</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>QA</source>
      <translation>QS</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>Technician</source>
      <translation>Techniker</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>Admin</source>
      <translation>Admin</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>operator</source>
      <translation>Bediener</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>qa</source>
      <translation>QS</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>technician</source>
      <translation>Techniker</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>admin</source>
      <translation>Admin</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>Log in</source>
      <translation>Anmelden</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>your user name</source>
      <translation>Ihr Benutzername</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>Who are you?</source>
      <translation>Wer sind Sie?</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>Tap your name</source>
      <translation>Namen antippen</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>Hello {name}: enter your PIN</source>
      <translation>Hallo {name}: PIN eingeben</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>Sign</source>
      <translation>Signieren</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>Signed by {name}: pick the reason, enter your PIN</source>
      <translation>Signiert von {name}: Grund wählen, PIN eingeben</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>you</source>
      <translation>Ihnen</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>Done by {name}: pick the reason, then OK</source>
      <translation>Ausgeführt von {name}: Grund wählen, dann OK</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>Done by you: pick the reason, then OK</source>
      <translation>Ausgeführt von Ihnen: Grund wählen, dann OK</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>Sign the change</source>
      <translation>Änderung signieren</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>Why this change?</source>
      <translation>Warum diese Änderung?</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>details (optional)</source>
      <translation>Details (optional)</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>PIN TOO SHORT</source>
      <translation>PIN ZU KURZ</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>LOG OUT</source>
      <translation>ABMELDEN</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>Your PIN is shorter than this station asks ({n} digits): ask an admin for a new one</source>
      <translation>Ihre PIN ist kürzer als hier verlangt ({n} Stellen): beim Admin eine neue anfordern</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>Acknowledging an alarm</source>
      <translation>Quittieren eines Alarms</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>Changing the recipe</source>
      <translation>Rezeptwechsel</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>The audit trail</source>
      <translation>Der Audit-Trail</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>Changing the models</source>
      <translation>Ändern der Modelle</translation>
    </message>
    <message>
      <location filename="ui/login.py" />
      <source>Managing users</source>
      <translation>Benutzerverwaltung</translation>
    </message>
    <message>
      <location filename="ui/lot_entry.py" />
      <source>Lot</source>
      <translation>Charge</translation>
    </message>
    <message>
      <location filename="ui/lot_entry.py" />
      <source>type or scan the lot / batch / order</source>
      <translation>Charge / Los / Auftrag eingeben oder scannen</translation>
    </message>
    <message>
      <location filename="ui/lot_entry.py" />
      <source>LOT FOR THIS RUN (required)</source>
      <translation>CHARGE FÜR DIESEN LAUF (Pflicht)</translation>
    </message>
    <message>
      <location filename="ui/lot_entry.py" />
      <source>LOT FOR THIS RUN</source>
      <translation>CHARGE FÜR DIESEN LAUF</translation>
    </message>
    <message>
      <location filename="ui/lot_entry.py" />
      <source>recipe: {recipe}</source>
      <translation>Rezept: {recipe}</translation>
    </message>
    <message>
      <location filename="ui/lot_entry.py" />
      <source>This station requires a lot (lots.required = true): type or scan one</source>
      <translation>Diese Station verlangt eine Charge (lots.required = true): eingeben oder scannen</translation>
    </message>
    <message>
      <location filename="ui/models_model.py" />
      <source>Imported {package} as a candidate: EVALUATE it on this station's QA-verified parts next</source>
      <translation>{package} als Kandidat importiert: als Nächstes auf den QS-geprüften Teilen dieser Station BEWERTEN</translation>
    </message>
    <message>
      <location filename="ui/models_model.py" />
      <source>Uploaded {package} as a candidate: EVALUATE it next</source>
      <translation>{package} als Kandidat hochgeladen: als Nächstes BEWERTEN</translation>
    </message>
    <message>
      <location filename="ui/models_model.py" />
      <source>{package} runs in shadow beside the live model on line parts, never acting</source>
      <translation>{package} läuft im Schatten neben dem Live-Modell auf Linienteilen, ohne zu handeln</translation>
    </message>
    <message>
      <location filename="ui/models_model.py" />
      <source>{package} is live: the line swaps it in between two parts</source>
      <translation>{package} ist live: die Linie wechselt es zwischen zwei Teilen ein</translation>
    </message>
    <message>
      <location filename="ui/models_model.py" />
      <source>Rolled back: {package} is live again</source>
      <translation>Zurückgesetzt: {package} ist wieder live</translation>
    </message>
    <message>
      <location filename="ui/models_model.py" />
      <source>An evaluation is running: wait for it to finish</source>
      <translation>Eine Bewertung läuft: bitte warten, bis sie fertig ist</translation>
    </message>
    <message>
      <location filename="ui/models_model.py" />
      <source>Evaluation:</source>
      <translation>Bewertung:</translation>
    </message>
    <message>
      <location filename="ui/models_model.py" />
      <source>the evaluation failed</source>
      <translation>die Bewertung ist fehlgeschlagen</translation>
    </message>
    <message>
      <location filename="ui/models_model.py" />
      <source>Evaluated on {n} QA-verified images ({judged} judged)</source>
      <translation>Bewertet auf {n} QS-geprüften Bildern ({judged} beurteilt)</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>SHADOW</source>
      <translation>SCHATTEN</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>CANDIDATE</source>
      <translation>KANDIDAT</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>RETIRED</source>
      <translation>AUSGEMUSTERT</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>PASS</source>
      <translation>GUT</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>REJECT</source>
      <translation>AUSSCHUSS</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>{n} bad passed</source>
      <translation>{n} schlechte durchgelassen</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>exact {pct}</source>
      <translation>exakt {pct}</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>{n} defects passed</source>
      <translation>{n} Fehler durchgelassen</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>acc {pct}</source>
      <translation>Gen. {pct}</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>not evaluated</source>
      <translation>nicht bewertet</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>exact {this} vs {live}</source>
      <translation>exakt {this} vs {live}</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>acc {this} vs {live}</source>
      <translation>Gen. {this} vs {live}</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>defects passed {this} vs {live}</source>
      <translation>Fehler durchgelassen {this} vs {live}</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>QA good</source>
      <translation>QS gut</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>QA defect</source>
      <translation>QS Fehler</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>{headline} of {n}</source>
      <translation>{headline} von {n}</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>parts</source>
      <translation>Teile</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>Not evaluated on this station yet: EVALUATE scores it and the live model on the QA-verified parts before it may be promoted.</source>
      <translation>Auf dieser Station noch nicht bewertet: BEWERTEN prüft es und das Live-Modell auf den QS-geprüften Teilen, bevor es freigegeben werden kann.</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>{version} (this)</source>
      <translation>{version} (dieses)</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>live</source>
      <translation>live</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>evaluated on {n} QA-verified images</source>
      <translation>bewertet auf {n} QS-geprüften Bildern</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>{n} without a kept image</source>
      <translation>{n} ohne gespeichertes Bild</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>{n} unreadable</source>
      <translation>{n} unlesbar</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>No line parts scored in shadow yet (it runs while the line has time).</source>
      <translation>Noch keine Linienteile im Schatten bewertet (läuft, wenn die Linie Zeit hat).</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>shadow on line</source>
      <translation>Schatten auf Linie</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>= QA</source>
      <translation>= QS</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>= live</source>
      <translation>= live</translation>
    </message>
    <message>
      <location filename="ui/models_text.py" />
      <source>live {outcome}</source>
      <translation>live {outcome}</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>Name</source>
      <translation>Name</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>Version</source>
      <translation>Version</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>Id</source>
      <translation>ID</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>Task</source>
      <translation>Aufgabe</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>State</source>
      <translation>Status</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>Test metrics</source>
      <translation>Testwerte</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>On this station vs live</source>
      <translation>Auf dieser Station vs live</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>Approved</source>
      <translation>Freigegeben</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>Better on our QA-verified parts</source>
      <translation>Besser auf unseren QS-geprüften Teilen</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>New product or defect type</source>
      <translation>Neues Produkt oder neue Fehlerart</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>Supplier's model update</source>
      <translation>Modell-Update des Lieferanten</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>Fixes parts the live model missed</source>
      <translation>Erkennt Teile, die das Live-Modell verpasst hat</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>More rejects or checks than evaluated</source>
      <translation>Mehr Ausschuss oder Prüfungen als bewertet</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>Defects passed on the line</source>
      <translation>Fehler auf der Linie durchgelassen</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>Promoted by mistake</source>
      <translation>Versehentlich freigegeben</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>Tap a package, then an action. The same from a shell: inspector models list | evaluate | promote …</source>
      <translation>Ein Paket tippen, dann eine Aktion. Dasselbe in einer Shell: inspector models list | evaluate | promote …</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>Models</source>
      <translation>Modelle</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>evaluating: %v of %m images</source>
      <translation>Bewertung: %v von %m Bildern</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>EVALUATE</source>
      <translation>BEWERTEN</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>PROMOTE</source>
      <translation>FREIGEBEN</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>ROLLBACK</source>
      <translation>ZURÜCKROLLEN</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>IMPORT</source>
      <translation>IMPORTIEREN</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>BACK</source>
      <translation>ZURÜCK</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>FROM THIS COMPUTER</source>
      <translation>VON DIESEM RECHNER</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>No package on this station yet: IMPORT one.</source>
      <translation>Noch kein Paket auf dieser Station: eines IMPORTIEREN.</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>imported {when} by {who}</source>
      <translation>importiert {when} von {who}</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>test:</source>
      <translation>Test:</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>Evaluating on the QA-verified images (the line keeps running)…</source>
      <translation>Bewertung auf den QS-geprüften Bildern (die Linie läuft weiter)…</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>Promote {name} {version} ({id}) to live</source>
      <translation>{name} {version} ({id}) live schalten</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>Roll {name} back from {version} to the version it replaced</source>
      <translation>{name} von {version} auf die ersetzte Version zurückrollen</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>Package folders in {where} (copy them there from a USB stick).</source>
      <translation>Paketordner in {where} (vom USB-Stick dorthin kopieren).</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>No new package folder in {where}: copy one there from a USB stick.</source>
      <translation>Kein neuer Paketordner in {where}: einen vom USB-Stick dorthin kopieren.</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>IMPORT checks its signature and golden cases and holds it as a candidate, never live; `inspector models import PKG` does the same from a shell. FROM THIS COMPUTER sends a package folder's zip from where this screen runs.</source>
      <translation>IMPORTIEREN prüft Signatur und Referenzfälle und hält das Paket als Kandidat, nie live; `inspector models import PKG` tut dasselbe in einer Shell. VON DIESEM RECHNER sendet das Zip eines Paketordners von dem Rechner, auf dem dieser Bildschirm läuft.</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>Model package (.zip)</source>
      <translation>Modellpaket (.zip)</translation>
    </message>
    <message>
      <location filename="ui/models_view.py" />
      <source>Packages (*.zip)</source>
      <translation>Pakete (*.zip)</translation>
    </message>
    <message>
      <location filename="ui/number_pad.py" />
      <source>CLEAR</source>
      <translation>LÖSCHEN</translation>
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
      <location filename="ui/reasons.py" />
      <source>count {n}/{e}: {k} missing</source>
      <translation>Anzahl {n}/{e}: fehlend {k}</translation>
    </message>
    <message>
      <location filename="ui/reasons.py" />
      <source>count {n}/{e}: {k} extra</source>
      <translation>Anzahl {n}/{e}: zu viel {k}</translation>
    </message>
    <message>
      <location filename="ui/reasons.py" />
      <source>count {n}/{e} but weakest item {c}</source>
      <translation>Anzahl {n}/{e}, aber schwächstes Teil {c}</translation>
    </message>
    <message>
      <location filename="ui/reasons.py" />
      <source>count {n}/{e}</source>
      <translation>Anzahl {n}/{e}</translation>
    </message>
    <message>
      <location filename="ui/reasons.py" />
      <source>good (p defect={p})</source>
      <translation>gut (p Fehler={p})</translation>
    </message>
    <message>
      <location filename="ui/reasons.py" />
      <source>doubtful surface (p defect={p}): QA to check</source>
      <translation>Oberfläche zweifelhaft (p Fehler={p}): QS prüft</translation>
    </message>
    <message>
      <location filename="ui/reasons.py" />
      <source>defect (p={p})</source>
      <translation>Fehler (p={p})</translation>
    </message>
    <message>
      <location filename="ui/reasons.py" />
      <source>box covered, cannot count</source>
      <translation>Karton verdeckt, Zählen nicht möglich</translation>
    </message>
    <message>
      <location filename="ui/reasons.py" />
      <source>no model produced a result</source>
      <translation>kein Modell lieferte ein Ergebnis</translation>
    </message>
    <message>
      <location filename="ui/reasons.py" />
      <source>late: no decision before the pusher deadline{rest}</source>
      <translation>zu spät: keine Entscheidung vor der Auswerfer-Frist{rest}</translation>
    </message>
    <message>
      <location filename="ui/reasons.py" />
      <source>no frame within {s} s</source>
      <translation>kein Bild innerhalb {s} s</translation>
    </message>
    <message>
      <location filename="ui/results_strip.py" />
      <source>{n} back</source>
      <translation>{n} zurück</translation>
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
      <translation>QS-PRÜFUNG</translation>
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
      <location filename="ui/role_words.py" />
      <source>Starting the line</source>
      <translation>Starten der Linie</translation>
    </message>
    <message>
      <location filename="ui/role_words.py" />
      <source>Stopping the line</source>
      <translation>Stoppen der Linie</translation>
    </message>
    <message>
      <location filename="ui/role_words.py" />
      <source>Reviewing parts</source>
      <translation>Prüfen von Teilen</translation>
    </message>
    <message>
      <location filename="ui/role_words.py" />
      <source>Editing a recipe</source>
      <translation>Bearbeiten eines Rezepts</translation>
    </message>
    <message>
      <location filename="ui/role_words.py" />
      <source>Ending a shift</source>
      <translation>Schichtende</translation>
    </message>
    <message>
      <location filename="ui/role_words.py" />
      <source>Restarting a lot's counters</source>
      <translation>Neustart der Chargenzähler</translation>
    </message>
    <message>
      <location filename="ui/role_words.py" />
      <source>an operator</source>
      <translation>einen Bediener</translation>
    </message>
    <message>
      <location filename="ui/role_words.py" />
      <source>a technician</source>
      <translation>einen Techniker</translation>
    </message>
    <message>
      <location filename="ui/role_words.py" />
      <source>an admin</source>
      <translation>einen Admin</translation>
    </message>
    <message>
      <location filename="ui/role_words.py" />
      <source>nobody at this screen</source>
      <translation>niemanden an diesem Bildschirm</translation>
    </message>
    <message>
      <location filename="ui/role_words.py" />
      <source>{some} or {last}</source>
      <translation>{some} oder {last}</translation>
    </message>
    <message>
      <location filename="ui/role_words.py" />
      <source>{what} needs {who}</source>
      <translation>{what} erfordert {who}</translation>
    </message>
    <message>
      <location filename="ui/role_words.py" />
      <source>{needs}: log in as one</source>
      <translation>{needs}: bitte so anmelden</translation>
    </message>
    <message>
      <location filename="ui/role_words.py" />
      <source>{name} ({role}) is logged in.</source>
      <translation>{name} ({role}) ist angemeldet.</translation>
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
    <message>
      <location filename="ui/theme.py" />
      <source>STOPPED</source>
      <translation>GESTOPPT</translation>
    </message>
    <message>
      <location filename="ui/theme.py" />
      <source>READY</source>
      <translation>BEREIT</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>Role</source>
      <translation>Rolle</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>Active</source>
      <translation>Aktiv</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>Log-in</source>
      <translation>Anmeldung</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>Identity checked in person</source>
      <translation>Identität persönlich geprüft</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>Mistyped, PIN confirmed</source>
      <translation>Vertippt, PIN bestätigt</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>Lock-out by someone else's tries</source>
      <translation>Sperre durch Versuche eines anderen</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>New duties</source>
      <translation>Neue Aufgaben</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>Moved to another team</source>
      <translation>In ein anderes Team gewechselt</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>Corrected a wrong role</source>
      <translation>Falsche Rolle korrigiert</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>Left the company</source>
      <translation>Hat das Unternehmen verlassen</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>Long absence</source>
      <translation>Lange Abwesenheit</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>PIN may be known to others</source>
      <translation>PIN evtl. anderen bekannt</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>Back at work</source>
      <translation>Wieder im Dienst</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>Deactivated by mistake</source>
      <translation>Versehentlich deaktiviert</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>Forgot the PIN</source>
      <translation>PIN vergessen</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>First PIN set by the admin</source>
      <translation>Erste PIN vom Admin gesetzt</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>New at the station</source>
      <translation>Neu an der Station</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>Temporary cover</source>
      <translation>Vorübergehende Vertretung</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>Replaces a colleague</source>
      <translation>Vertritt einen Kollegen</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>LOCKED {time}</source>
      <translation>GESPERRT {time}</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>1 wrong PIN</source>
      <translation>1 falsche PIN</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>{n} wrong PINs</source>
      <translation>{n} falsche PINs</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>ok</source>
      <translation>ok</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>Users</source>
      <translation>Benutzer</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>UNLOCK</source>
      <translation>ENTSPERREN</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>ROLE</source>
      <translation>ROLLE</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>DEACTIVATE</source>
      <translation>DEAKTIVIEREN</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>NEW PIN</source>
      <translation>NEUE PIN</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>ADD</source>
      <translation>NEU</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>name of the new user</source>
      <translation>Name des neuen Benutzers</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>OK</source>
      <translation>OK</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>NO</source>
      <translation>NEIN</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>ACTIVATE</source>
      <translation>AKTIVIEREN</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>Unlock {name}</source>
      <translation>{name} entsperren</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>{name} may log in again (wrong PINs forgotten)</source>
      <translation>{name} kann sich wieder anmelden (falsche PINs vergessen)</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>Activate {name}</source>
      <translation>{name} aktivieren</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>Deactivate {name}</source>
      <translation>{name} deaktivieren</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>{name} may log in again</source>
      <translation>{name} kann sich wieder anmelden</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>{name} can no longer log in</source>
      <translation>{name} kann sich nicht mehr anmelden</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>The role of {name}: tap one, then OK</source>
      <translation>Rolle von {name}: eine tippen, dann OK</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>A new PIN for {name}: type it, then ENTER (tell it to them in person)</source>
      <translation>Neue PIN für {name}: eingeben, dann OK (persönlich mitteilen)</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>Type the name, tap the role, then type the first PIN and ENTER</source>
      <translation>Namen eingeben, Rolle tippen, dann erste PIN eingeben und OK</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>{name} is {role} now</source>
      <translation>{name} ist jetzt {role}</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>A new PIN for {name}</source>
      <translation>Neue PIN für {name}</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>{name} has a new PIN</source>
      <translation>{name} hat eine neue PIN</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>Add {name} ({role})</source>
      <translation>{name} anlegen ({role})</translation>
    </message>
    <message>
      <location filename="ui/users_view.py" />
      <source>{name} added as {role}</source>
      <translation>{name} angelegt als {role}</translation>
    </message>
    <message>
      <location filename="ui/verdict.py" />
      <source>COVERED</source>
      <translation>VERDECKT</translation>
    </message>
    <message>
      <location filename="ui/verdict.py" />
      <source>remove the obstruction</source>
      <translation>Hindernis entfernen</translation>
    </message>
    <message>
      <location filename="ui/verdict.py" />
      <source>or set the box aside</source>
      <translation>oder die Kiste beiseitestellen</translation>
    </message>
    <message>
      <location filename="ui/verdict.py" />
      <source>NOT READY</source>
      <translation>NICHT BEREIT</translation>
    </message>
    <message>
      <location filename="ui/verdict.py" />
      <source>confidence {value}</source>
      <translation>Sicherheit {value}</translation>
    </message>
    <message>
      <location filename="ui/verdict.py" />
      <source>last part #{part}  {verdict}</source>
      <translation>letztes Teil #{part}  {verdict}</translation>
    </message>
    <message>
      <location filename="ui/verdict.py" />
      <source>the line is not inspecting</source>
      <translation>die Linie prüft nicht</translation>
    </message>
    <message>
      <location filename="ui/verdict.py" />
      <source>parts that arrive are rejected</source>
      <translation>ankommende Teile werden ausgeschleust</translation>
    </message>
    <message>
      <location filename="ui/verdict.py" />
      <source>1 newer part</source>
      <translation>1 neueres Teil</translation>
    </message>
    <message>
      <location filename="ui/verdict.py" />
      <source>{n} newer parts</source>
      <translation>{n} neuere Teile</translation>
    </message>
    <message>
      <location filename="ui/verdict.py" />
      <source>tap to clear</source>
      <translation>zum Löschen tippen</translation>
    </message>
    <message>
      <location filename="ui/verdict.py" />
      <source>HELD {seconds} s</source>
      <translation>GEHALTEN {seconds} s</translation>
    </message>
    <message>
      <location filename="ui/verdict.py" />
      <source>waiting for the first part</source>
      <translation>warte auf das erste Teil</translation>
    </message>
  </context>
</TS>
