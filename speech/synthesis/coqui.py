"""Coqui TTS, reached over HTTP: its ``tts-server`` runs in its own virtualenv.

Coqui cannot be installed beside Rasa 3.6 (their numpy, scipy and packaging pins
conflict), so this engine talks to Coqui's own server::

    tts-server --model_path model.pth --config_path config.json --port 5092

``GET /api/tts?text=...`` answers with a mono PCM16 wav at the model's rate.
``scripts/coqui_server.sh`` builds that environment; see the README.
"""

from __future__ import annotations

import httpx

from speech.synthesis.base import SpeechAudio, SynthesisError, speech_from_wav


class CoquiSynthesizer:
    name = "coqui"

    def __init__(self, url: str, speaker: str | None = None, timeout_s: float = 10.0) -> None:
        self._url = url.rstrip("/")
        self._speaker = speaker
        self._client = httpx.Client(timeout=timeout_s)
        # The rate is whatever the model was trained at: ask once with a short word.
        self.sample_rate = self.synthesize("Ready.").sample_rate

    def synthesize(self, text: str) -> SpeechAudio:
        params = {"text": text}
        if self._speaker:
            params["speaker_id"] = self._speaker
        try:
            response = self._client.get(f"{self._url}/api/tts", params=params)
        except httpx.HTTPError as error:
            raise SynthesisError(
                f"Coqui tts-server at {self._url} is unreachable ({type(error).__name__}); "
                "start it with scripts/coqui_server.sh"
            ) from error
        if response.status_code != 200:
            raise SynthesisError(
                f"Coqui tts-server answered {response.status_code}: {response.text[:200]}"
            )
        return speech_from_wav(response.content, "Coqui tts-server")
