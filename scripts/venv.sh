# Shared by scripts/serve and scripts/test: make .venv and install the project when pyproject changes.
ensure_venv() {
  local extras=$1
  local py=${PYTHON:-python3}
  if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "Kenttä needs Python 3.11 or newer (found: $("$py" --version 2>&1))." >&2
    exit 1
  fi
  [ -x .venv/bin/python ] || "$py" -m venv .venv
  local stamp=".venv/.installed-$(cat pyproject.toml | sha1sum | cut -c1-12)-${extras//[^a-z]/}"
  if [ ! -f "$stamp" ]; then
    echo "Installing Kenttä and its dependencies into .venv ..."
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -e "$extras"
    touch "$stamp"
  fi
}
