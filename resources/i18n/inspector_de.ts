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
