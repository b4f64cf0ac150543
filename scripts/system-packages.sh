# Debian packages the kiosk needs; sourced by scripts/kiosk and scripts/test.
# Qt's xcb platform and fonts (see docs/deploy.md for what each group is for).
RUNTIME_PACKAGES=(
  python3 python3-venv python3-pip
  libglib2.0-0 libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6
  libxkbcommon0 fonts-dejavu-core fonts-noto-core
  libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-xfixes0 libxcb-xkb1
  libxkbcommon-x11-0
  # The Listen button: the speech engine (English and Spanish voices) and an ALSA player.
  espeak-ng alsa-utils
  # The clinic server's client library, loaded by psycopg (kiosk/server/).
  libpq5
)
# A virtual screen, taps and screenshots for the end-to-end tests and screenshot script.
# xinit and x11-xserver-utils (xset) run deploy/kiosk-session under systemd in the supervisor
# test; systemd itself gives systemd-analyze and the user manager it starts; xclip reads the
# X selections as another client would (tests/e2e/test_primary_selection.py).
# libzbar0 is the QR decoder pyzbar uses to read the take-home codes off the screen.
# postgresql: the tests start their own server from its binaries (tests/postgres.py).
TEST_PACKAGES=(xvfb xauth xdotool imagemagick xinit x11-xserver-utils systemd xclip libzbar0
  postgresql)

install_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing system packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
}

make_venv() {
  # make_venv ROOT EXTRAS: a .venv beside the code with the kiosk installed (editable) in it.
  # pip runs only when pyproject.toml (or the extras) changed since the last install, so a
  # kiosk that is already installed starts with no network at all.
  local root="$1" extras="$2"
  local stamp="$root/.venv/.installed" want
  want="$(sha256sum "$root/pyproject.toml" | cut -d' ' -f1) $extras"
  if [ -x "$root/.venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  if [ ! -x "$root/.venv/bin/python" ]; then
    python3 -m venv "$root/.venv"
  fi
  if "$root/.venv/bin/python" -m pip install -q --upgrade pip \
      && "$root/.venv/bin/python" -m pip install -q -e "$root$extras"; then
    echo "$want" > "$stamp"
  elif [ -x "$root/.venv/bin/kiosk" ]; then
    echo "warning: could not update the Python packages (offline?); using the installed ones" >&2
  else
    echo "error: could not install the Python packages; is PyPI reachable?" >&2
    return 1
  fi
}
