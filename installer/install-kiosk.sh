#!/usr/bin/env bash
# Starts the station window full screen when DESKTOP_USER logs in to the touchscreen (after installer/install.sh).
#   sudo installer/install-kiosk.sh DESKTOP_USER [--prefix /opt/inspector] [--user inspector] [--xdg]
# Default: a systemd user unit (restarts the window if it ever exits); --xdg: an XDG autostart entry instead.
# The window is a client of inspector.service (inspector serve), which keeps the line, pins and records: the desktop
# user joins the service's group to read the station file and reach its socket (mode 0660), nothing more.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 DESKTOP_USER [--prefix DIR] [--user SERVICE_USER] [--xdg]" >&2; exit 2; }
desktop_user=$1; shift
prefix=/opt/inspector
service_user=inspector
xdg=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --xdg) xdg=1; shift ;;
    --user) service_user=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
src=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "run as root (sudo)" >&2; exit 1; }
home=$(getent passwd "$desktop_user" | cut -d: -f6)
[ -n "$home" ] || { echo "no user $desktop_user" >&2; exit 1; }
getent group "$service_user" >/dev/null || { echo "no group $service_user: run installer/install.sh first" >&2; exit 1; }
usermod -aG "$service_user" "$desktop_user"  # the station file (0640) and the API socket (0660), read and connect only
systemctl enable --now inspector.service 2>/dev/null || true  # the runtime the window shows
if [ "$xdg" -eq 1 ]; then
  install -d -o "$desktop_user" "$home/.config/autostart"
  sed "s#@PREFIX@#$prefix#g" "$src/inspector-kiosk.desktop" > "$home/.config/autostart/inspector-kiosk.desktop"
  chown "$desktop_user" "$home/.config/autostart/inspector-kiosk.desktop"
else
  install -d -o "$desktop_user" "$home/.config/systemd/user"
  sed "s#@PREFIX@#$prefix#g" "$src/inspector-kiosk.service" > "$home/.config/systemd/user/inspector-kiosk.service"
  chown "$desktop_user" "$home/.config/systemd/user/inspector-kiosk.service"
  wants="$home/.config/systemd/user/graphical-session.target.wants"
  install -d -o "$desktop_user" "$wants"
  ln -sf ../inspector-kiosk.service "$wants/inspector-kiosk.service"  # what `systemctl --user enable` would do
fi
echo "kiosk installed for $desktop_user; it starts at their next graphical login"
