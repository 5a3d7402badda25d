#!/usr/bin/env bash
# Installs (or upgrades) the station as a systemd service on Raspberry Pi OS, Jetson (JetPack / Ubuntu) or any
# Debian-like Linux. Running it again upgrades the package and keeps the station file, the data and the users.
#   sudo installer/install.sh [--user inspector] [--prefix /opt/inspector] [--data /var/lib/inspector]
#                             [--package WHEEL_OR_DIR] [--window] [--simulate] [--admin NAME | --no-admin]
# --window also installs the station window ([ui] extra, Qt's system libraries); --simulate makes the service run the
# simulated line (a drop-in beside the unit; remove it to run the configured hardware). The first admin's PIN is
# asked at the terminal (or read from stdin, one line twice). Only packages are downloaded: Debian's and Python's.
# The Jetson's CUDA/TensorRT build of ONNX Runtime, when installed system-wide, is seen through the venv's system
# site-packages and used instead of the CPU wheel (the station picks providers at run time).
set -euo pipefail
user=inspector
prefix=/opt/inspector
data=/var/lib/inspector
etc=/etc/inspector
package=
window=0
simulate=0
admin=
ask_admin=1
while [ $# -gt 0 ]; do
  case "$1" in
    --user) user=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --package) package=$2; shift 2 ;;
    --window) window=1; shift ;;
    --simulate) simulate=1; shift ;;
    --admin) admin=$2; shift 2 ;;
    --no-admin) ask_admin=0; shift ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)
[ -n "$package" ] || package=$(cd "$here/.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root (sudo)" >&2; exit 1; }
say() { echo "install.sh: $*"; }
systemd_running() { [ -d /run/systemd/system ]; }

# 1. system packages
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3-venv python3-pip >/dev/null
if [ "$window" -eq 1 ]; then
  apt-get install -y -qq libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 >/dev/null
fi
if grep -qi "raspberry pi 5" /proc/device-tree/model 2>/dev/null; then
  apt-get install -y -qq python3-lgpio >/dev/null
fi

# 2. groups, the service user, device access
for group in gpio video; do getent group "$group" >/dev/null || groupadd --system "$group"; done
if ! id "$user" >/dev/null 2>&1; then
  useradd --system --user-group --home-dir "$data" --no-create-home --shell /usr/sbin/nologin --groups gpio,video "$user"
  say "created system user $user (groups gpio, video)"
else
  usermod -aG gpio,video "$user"
fi
sed "s#@USER@#$user#g" "$here/60-inspector.rules" > /etc/udev/rules.d/60-inspector.rules
if systemd_running && command -v udevadm >/dev/null; then udevadm control --reload-rules && udevadm trigger || true; fi

# 3. the package in its own venv (system site-packages: Picamera2, lgpio, Jetson's ONNX Runtime come from the OS)
before=$("$prefix/venv/bin/python" -c "import importlib.metadata as m; print(m.version('line-inspector'))" \
  2>/dev/null || echo none)
[ -x "$prefix/venv/bin/python" ] || python3 -m venv --system-site-packages "$prefix/venv"
spec=$package
if [ "$window" -eq 1 ]; then spec="$package[ui]"; fi
"$prefix/venv/bin/pip" install -q --disable-pip-version-check --upgrade "$spec"
after=$("$prefix/venv/bin/python" -c "import importlib.metadata as m; print(m.version('line-inspector'))")
ln -sf "$prefix/venv/bin/inspector" /usr/local/bin/inspector

# 4. station file and data, readable by the service's user and group only (the database holds the PIN hashes: a copy
#    lets anyone try every PIN offline). The group may read (backups, a QA account), never write; others nothing.
umask 027
install -d -m 0750 -o "$user" -g "$user" "$data"
install -d -m 0750 -o root -g "$user" "$etc"
chmod -R o-rwx "$data" "$etc"  # what an older install, or a station run by hand with umask 022, left open to all
if [ ! -f "$etc/station.toml" ]; then
  sed "s#@DATA@#$data#g" "$here/station.example.toml" > "$etc/station.toml"
  chown root:"$user" "$etc/station.toml"; chmod 0640 "$etc/station.toml"
  say "wrote $etc/station.toml: set the camera and pins there"
fi

# 5. the service
unit=/etc/systemd/system/inspector.service
sed -e "s#@PREFIX@#$prefix#g" -e "s#@USER@#$user#g" -e "s#@DATA@#$data#g" -e "s#@ETC@#$etc#g" \
  "$here/inspector.service" > "$unit"
dropin=/etc/systemd/system/inspector.service.d
interlock_unit=/etc/systemd/system/inspector-interlock.service
sed -e "s#@PREFIX@#$prefix#g" -e "s#@USER@#$user#g" -e "s#@ETC@#$etc#g" \
  "$here/inspector-interlock.service" > "$interlock_unit"
if [ "$simulate" -eq 1 ]; then
  install -d "$dropin"
  printf '[Service]\nExecStart=\nExecStart=%s/venv/bin/inspector serve --simulate --config %s/station.toml\n' \
    "$prefix" "$etc" > "$dropin/simulate.conf"
  install -d "$interlock_unit.d"
  printf '[Service]\nExecStart=\nExecStart=%s/venv/bin/inspector interlock --simulate --config %s/station.toml\nExecStopPost=\nExecStopPost=%s/venv/bin/inspector interlock --release --simulate --config %s/station.toml\n' \
    "$prefix" "$etc" "$prefix" "$etc" > "$interlock_unit.d/simulate.conf"
fi
if systemd_running; then
  systemctl daemon-reload
  systemctl enable -q inspector-interlock.service inspector.service
  systemctl restart inspector-interlock.service || true  # skipped (ExecCondition) while gpio.ready_pin is unset
  if systemctl is-active -q inspector.service; then systemctl restart inspector.service; else systemctl start inspector.service; fi
else
  systemctl enable -q inspector-interlock.service inspector.service 2>/dev/null || {
    ln -sf "$interlock_unit" /etc/systemd/system/multi-user.target.wants/inspector-interlock.service
    ln -sf "$unit" /etc/systemd/system/multi-user.target.wants/inspector.service
  }
  say "systemd is not running here: the service is enabled and starts at the next boot"
fi

# 6. the first admin, once
users=$(runuser -u "$user" -- "$prefix/venv/bin/inspector" users list --config "$etc/station.toml" 2>/dev/null \
  | grep -c . || true)
if [ "$ask_admin" -eq 1 ] && [ "$users" -eq 0 ]; then
  if [ -z "$admin" ]; then read -r -p "name of the station's first admin: " admin; fi
  runuser -u "$user" -- "$prefix/venv/bin/inspector" users add "$admin" --role admin --config "$etc/station.toml"
fi

if [ "$before" = none ]; then say "installed line-inspector $after"
elif [ "$before" = "$after" ]; then say "line-inspector $after was already installed: nothing to upgrade"
else say "upgraded line-inspector $before -> $after"; fi
say "status: systemctl status inspector; log: journalctl -u inspector; uninstall: $here/uninstall.sh [--purge]"
