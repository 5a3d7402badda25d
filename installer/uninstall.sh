#!/usr/bin/env bash
# Removes the station's service, udev rule and program. The data (database, images, keys), the station file and the
# service user are kept unless --purge is given.
#   sudo installer/uninstall.sh [--user inspector] [--prefix /opt/inspector] [--data /var/lib/inspector] [--purge]
set -euo pipefail
user=inspector
prefix=/opt/inspector
data=/var/lib/inspector
etc=/etc/inspector
purge=0
while [ $# -gt 0 ]; do
  case "$1" in
    --user) user=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --purge) purge=1; shift ;;
    *) echo "uninstall.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "uninstall.sh: run as root (sudo)" >&2; exit 1; }
if [ -d /run/systemd/system ]; then systemctl disable -q --now inspector.service inspector-interlock.service 2>/dev/null || true
else systemctl disable -q inspector.service inspector-interlock.service 2>/dev/null || true; fi
rm -f /etc/systemd/system/inspector.service /etc/systemd/system/multi-user.target.wants/inspector.service
rm -f /etc/systemd/system/inspector-interlock.service \
  /etc/systemd/system/multi-user.target.wants/inspector-interlock.service
rm -rf /etc/systemd/system/inspector.service.d /etc/systemd/system/inspector-interlock.service.d
[ -d /run/systemd/system ] && systemctl daemon-reload
rm -f /etc/udev/rules.d/60-inspector.rules /usr/local/bin/inspector
rm -rf "$prefix"
if [ "$purge" -eq 1 ]; then
  rm -rf "$data" "$etc"
  id "$user" >/dev/null 2>&1 && userdel "$user"
  echo "uninstall.sh: removed the station, its data, its settings and the user $user"
else
  echo "uninstall.sh: removed the station; kept $data (records, images, keys), $etc and the user $user"
fi
