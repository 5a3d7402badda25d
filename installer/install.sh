#!/usr/bin/env bash
# Installs the station on Raspberry Pi OS (bookworm) or NVIDIA Jetson (JetPack / Ubuntu) as a systemd service.
#   sudo installer/install.sh [--user inspector] [--prefix /opt/inspector]
# The Jetson's CUDA/TensorRT build of ONNX Runtime, when present system-wide, is used instead of the CPU wheel
# (the station picks providers at run time by what ONNX Runtime reports available).
set -euo pipefail
user=inspector
prefix=/opt/inspector
while [ $# -gt 0 ]; do
  case "$1" in
    --user) user=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
src=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "run as root (sudo)" >&2; exit 1; }

apt-get update
apt-get install -y python3-venv python3-dev libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3
if grep -qi "raspberry pi 5" /proc/device-tree/model 2>/dev/null; then
  apt-get install -y python3-lgpio
fi

id "$user" >/dev/null 2>&1 || useradd --system --create-home --groups gpio,video "$user" 2>/dev/null \
  || useradd --system --create-home "$user"
mkdir -p "$prefix" /var/lib/inspector /etc/inspector
python3 -m venv --system-site-packages "$prefix/venv"
"$prefix/venv/bin/pip" install --upgrade pip
"$prefix/venv/bin/pip" install "$src"
cp -r "$src/models" "$src/resources" "$prefix/"
[ -f /etc/inspector/station.toml ] || sed "s#@PREFIX@#$prefix#g" "$src/installer/station.example.toml" > /etc/inspector/station.toml
chown -R "$user" /var/lib/inspector
sed -e "s#@PREFIX@#$prefix#g" -e "s#@USER@#$user#g" "$src/installer/inspector.service" > /etc/systemd/system/inspector.service
systemctl daemon-reload
systemctl enable inspector.service
echo "installed; edit /etc/inspector/station.toml, then: systemctl start inspector"
