"""The output stage on its own: it ends every turn once, and an interruption silences it.

Frames are handed to :class:`~channels.voice.output.Output` as the Speaker hands
them; the socket is the stand-in of ``test_voice_outbox.py`` whose sends finish only
while the "client" reads, so what is still queued at an interruption is exact.
"""

from __future__ import annotations

import ast
from pathlib import Path

from channels.voice.output import Output
from channels.voice.pipeline import (
    AudioOut,
    BotReply,
    Interruption,
    NothingHeard,
    ReplyDone,
    Transcribed,
    TurnError,
)
from speech.synthesis import SpeechAudio
from tests.voice.test_voice_outbox import ClientSocket, settle

VOICE_PACKAGE = Path(__file__).resolve().parents[2] / "channels" / "voice"


def audio_out(turn: int, sequence: int) -> AudioOut:
    return AudioOut(turn, sequence, "Hello.", SpeechAudio(pcm=bytes(32 * 1024), sample_rate=22050))


def turn_ends(socket: ClientSocket) -> list[tuple[int, str]]:
    return [(m["turn"], m["outcome"]) for m in socket.messages() if m["type"] == "turn_end"]


async def test_every_turn_ends_exactly_once_and_last_however_it_ended() -> None:
    socket = ClientSocket()
    async with Output(socket) as output:
        await output.put(Transcribed(1, "a latte", "text", masked=False))
        await output.put(BotReply(1, [{"text": "Added."}]))
        await output.put(audio_out(1, 0))
        await output.put(ReplyDone(1))
        await output.put(NothingHeard(2, "client"))
        await output.put(TurnError(3, "recognition_failed", "Say it again.", final=True))
        await output.put(TurnError(4, "dialogue_failed", "Retry."))
        await output.put(BotReply(4, [], failed=True))
        await output.put(ReplyDone(4))
        # Late news about turns that are over (a stage that failed after all): dropped.
        await output.put(TurnError(1, "internal_error", "Oops.", final=True))
        await output.put(ReplyDone(3))
        await output.put(audio_out(2, 0))
    assert turn_ends(socket) == [(1, "answered"), (2, "no_speech"), (3, "error"), (4, "error")]
    for turn in (1, 2, 3, 4):
        about = [m["type"] for m in socket.messages() if m.get("turn") == turn]
        assert about[-1] == "turn_end", (turn, about)


async def test_an_interruption_drops_queued_audio_and_ends_the_reply_cancelled() -> None:
    socket = ClientSocket()
    socket.reading.clear()  # the client is slow: the reply's audio piles up
    async with Output(socket) as output:
        await output.put(BotReply(1, [{"text": "Here is the whole menu."}]))
        for sequence in range(4):
            await output.put(audio_out(1, sequence))
        await settle()  # the writer is sending the bot message
        await output.put(Interruption(reason="barge_in"))
        await output.put(audio_out(1, 4))  # made before the Speaker heard of it: never sent
        await output.put(ReplyDone(1))
        socket.reading.set()
    types = [m["type"] for m in socket.messages()]
    assert types == ["bot_message", "speech_started", "turn_end"], types
    assert turn_ends(socket) == [(1, "cancelled")]
    assert not [frame for frame in socket.frames if isinstance(frame, bytes)]


async def test_an_interruption_drops_the_queued_audio_of_a_reply_already_made_in_full() -> None:
    socket = ClientSocket()
    socket.reading.clear()
    async with Output(socket) as output:
        await output.put(BotReply(1, [{"text": "Added one latte."}]))
        for sequence in range(3):
            await output.put(audio_out(1, sequence))
        await output.put(ReplyDone(1))  # the Speaker is done; the client has heard nothing
        await settle()
        await output.put(Interruption(reason="client"))
        socket.reading.set()
    types = [m["type"] for m in socket.messages()]
    # What the customer stopped is not played after all; its turn still ends once.
    assert types == ["bot_message", "turn_end"], types


def test_only_the_output_stage_uses_the_outbox_and_ends_turns() -> None:
    """The other stages only pass frames on: none imports the outbox or builds a turn_end."""
    for module in sorted(VOICE_PACKAGE.glob("*.py")):
        if module.name in ("output.py", "outbox.py"):
            continue
        tree = ast.parse(module.read_text(), filename=str(module))
        names = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        }
        modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert "channels.voice.outbox" not in modules, module.name
        assert not names & {"TurnEnd", "Outbox", "serialise"}, (module.name, names)


async def test_news_is_a_turn_of_its_own_announced_first_and_ended_like_any_other() -> None:
    socket = ClientSocket()
    ready = {"text": "Your order is ready!", "custom": {"notification": True}}
    async with Output(socket) as output:
        await output.put(Transcribed(1, "a latte", "text", masked=False))
        await output.put(BotReply(1, [{"text": "Added."}]))
        await output.put(ReplyDone(1))
        await output.put(BotReply(2, [ready], news=True))
        await output.put(audio_out(2, 0))
        await output.put(ReplyDone(2))
    about = [m["type"] for m in socket.messages() if m.get("turn") == 2]
    assert about == ["news", "bot_message", "reply_audio", "turn_end"]
    assert "news" not in [m["type"] for m in socket.messages() if m.get("turn") == 1]
    assert turn_ends(socket) == [(1, "answered"), (2, "answered")]
