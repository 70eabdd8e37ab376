#!/usr/bin/env bash
# `make test-coqui`: the Coqui TTS engine, for real, in Coqui's own environment.
#
# Coqui cannot share Rasa 3.6's virtualenv, so this builds a separate one
# (var/coqui-venv: Python 3.11, about 5.5 GB and 2-3 minutes the first time), makes
# a tiny untrained VITS checkpoint, starts Coqui's `tts-server` on it, and runs the
# tests marked `coqui` against that server. Override COQUI_PYTHON to choose the
# interpreter (3.10-3.12) and COQUI_VENV to put the environment elsewhere.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COQUI_VENV="${COQUI_VENV:-$ROOT/var/coqui-venv}"
COQUI_PYTHON="${COQUI_PYTHON:-$(command -v python3.11 || command -v python3)}"
PORT="${COQUI_PORT:-5092}"
STARTUP_SECONDS=180

if [ ! -x "$COQUI_VENV/bin/tts-server" ]; then
  echo "Creating the Coqui environment in $COQUI_VENV (once; several GB)..."
  "$COQUI_PYTHON" -m venv "$COQUI_VENV"
  # torch from the registry is a CUDA build; torchaudio 2.11.0 is the newest that loads.
  # `six` is imported by Coqui without being declared.
  "$COQUI_VENV/bin/pip" install --quiet torch==2.11.0 torchaudio==2.11.0 \
    "coqui-tts[server,codec]==0.28.0" six==1.17.0
fi

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$COQUI_VENV/bin/python" "$ROOT/scripts/coqui_tiny_model.py" "$WORK/model"
"$COQUI_VENV/bin/tts-server" --model_path "$WORK/model/model.pth" \
  --config_path "$WORK/model/config.json" --port "$PORT" >"$WORK/tts-server.log" 2>&1 &
SERVER_PID=$!

URL="http://127.0.0.1:$PORT"
for _ in $(seq "$STARTUP_SECONDS"); do
  if curl -fs -o /dev/null "$URL/api/tts?text=ready"; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then cat "$WORK/tts-server.log"; exit 1; fi
  sleep 1
done
curl -fsS -o /dev/null "$URL/api/tts?text=ready" || { cat "$WORK/tts-server.log"; exit 1; }

cd "$ROOT"
ORDERLY_COQUI_URL="$URL" PYTHONPATH="$ROOT" "$ROOT/.venv/bin/python" -m pytest -m coqui tests/voice "$@"
