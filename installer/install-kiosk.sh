#!/usr/bin/env bash
# Starts the station window full screen when DESKTOP_USER logs in to the touchscreen (after installer/install.sh).
#   sudo installer/install-kiosk.sh DESKTOP_USER [--prefix /opt/inspector] [--xdg]
# Default: a systemd user unit (restarts the window if it ever exits); --xdg: an XDG autostart entry instead.
# The headless inspector.service is disabled: the window runs the station itself, and one station owns the pins.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 DESKTOP_USER [--prefix DIR] [--xdg]" >&2; exit 2; }
desktop_user=$1; shift
prefix=/opt/inspector
xdg=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --xdg) xdg=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
src=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "run as root (sudo)" >&2; exit 1; }
home=$(getent passwd "$desktop_user" | cut -d: -f6)
[ -n "$home" ] || { echo "no user $desktop_user" >&2; exit 1; }
usermod -aG gpio,video "$desktop_user" 2>/dev/null || true
chown -R "$desktop_user" /var/lib/inspector
chmod -R o-rwx /var/lib/inspector  # the window runs the station: its files stay the user's and the group's only
systemctl disable --now inspector.service 2>/dev/null || true
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
