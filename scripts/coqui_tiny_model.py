"""Make a tiny, untrained Coqui VITS checkpoint (run with the Coqui venv's Python).

    var/coqui-venv/bin/python scripts/coqui_tiny_model.py OUT_DIR

Writes OUT_DIR/model.pth and OUT_DIR/config.json, loadable by Coqui's
``tts-server --model_path ... --config_path ...``. No Coqui model can be
downloaded here, so this proves the whole path (server, HTTP, wav, our engine)
with weights made on the spot: they speak noise, at 16 kHz, for the right length.
Nothing of Orderly is imported: this runs in Coqui's environment, not Rasa's.
"""

from __future__ import annotations

import string
import sys
from pathlib import Path

import torch
from TTS.config.shared_configs import BaseAudioConfig
from TTS.tts.configs.shared_configs import CharactersConfig
from TTS.tts.configs.vits_config import VitsConfig
from TTS.tts.models.vits import Vits, VitsArgs

SAMPLE_RATE = 16_000


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    config = VitsConfig(
        use_phonemes=False,
        text_cleaner="basic_cleaners",
        characters=CharactersConfig(
            characters_class="TTS.tts.models.vits.VitsCharacters",
            pad="_",
            eos="",
            bos="",
            blank=None,
            characters=string.ascii_lowercase + " ",
            punctuations=".,!?'-",
            phonemes="",
        ),
        # Small enough to build and run in a second on a CPU.
        model_args=VitsArgs(
            hidden_channels=32,
            hidden_channels_ffn_text_encoder=64,
            num_layers_text_encoder=2,
            num_layers_posterior_encoder=2,
            num_layers_flow=1,
            upsample_initial_channel_decoder=32,
            use_sdp=False,
            init_discriminator=False,
        ),
        audio=BaseAudioConfig(sample_rate=SAMPLE_RATE),
    )
    torch.manual_seed(0)
    model = Vits(config)
    torch.save({"model": model.state_dict()}, out_dir / "model.pth")
    config.save_json(str(out_dir / "config.json"))
    print(f"tiny VITS checkpoint in {out_dir}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]))
