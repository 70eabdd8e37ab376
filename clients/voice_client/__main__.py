"""``python -m clients.voice_client``: order by voice from wav files or the microphone.

    python -m clients.voice_client hello.wav order.wav "text:yes"

The client signs in by itself (your own sandbox customer, the same as the shell's;
``clients/sign_in.py``), as ``--customer`` (its password asked: the widget demo page's
customer, say) or uses ``--token``. Each argument is one turn: a wav file (any rate,
16-bit) is spoken, ``text:...`` is typed. The client prints what the
assistant heard and said, and saves each spoken reply as a wav in ``--out`` (played
too when a command-line player is installed). ``--mic`` streams the microphone
instead and lets the server detect the end of each utterance; it needs the optional
``sounddevice`` package and a capture device. A connection closed because the token
expired (4401) is opened again with a fresh one. News of your orders ("Your order is
ready!", said unasked when the store acts) is shown and played as it comes; ``--stay N``
keeps listening for it N seconds after the last turn. So are the turns you take on your
other devices (the widget, the shell), as the same customer: tap "Yes, pay" on the widget
and this client says "Paid".
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
import time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from clients.location import NEAR_HELP, near_argument
from clients.settings import ClientSettings
from clients.sign_in import (
    Credentials,
    GivenToken,
    SignIn,
    SignInError,
    TokenSource,
    local_credentials,
)
from clients.voice_client.audio import AudioError, find_player, open_microphone, play, read_wav
from clients.voice_client.audio import write_wav as save_wav
from clients.voice_client.connection import TimedOut, Turn, VoiceClientError, VoiceConnection
from contracts.bot_messages import Custom
from contracts.location import ClientLocation
from contracts.money import format_money

MIC_SAMPLE_RATE = 16_000
MIC_FRAME_MS = 40
TEXT_PREFIX = "text:"


def main(argv: list[str] | None = None) -> int:
    settings = ClientSettings.from_env()
    parser = argparse.ArgumentParser(
        prog="python -m clients.voice_client",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("turns", nargs="*", help="wav files to speak or text:... to type, in order")
    parser.add_argument(
        "--server", default=settings.voice_url, help="the voice websocket, default %(default)s"
    )
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--token", help="a customer token (default: sign in by yourself)")
    who.add_argument("--customer", help="sign in as this sandbox customer (asks for its password)")
    parser.add_argument(
        "--merchant", default=settings.merchant_url, help="sign-in service, default %(default)s"
    )
    parser.add_argument("--out", type=Path, default=Path("var/voice-replies"))
    parser.add_argument("--mic", action="store_true", help="speak into the microphone")
    parser.add_argument("--no-play", action="store_true", help="save replies, never play them")
    parser.add_argument("--realtime", action="store_true", help="stream files at real-time pace")
    parser.add_argument("--near", type=near_argument, metavar="LAT,LON", help=NEAR_HELP)
    parser.add_argument(
        "--stay",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="after the last turn, keep listening this long for news of your orders",
    )
    parser.set_defaults(identity_dir=settings.identity_dir)
    args = parser.parse_args(argv)
    if not args.turns and not args.mic and args.stay <= 0:
        parser.error("give wav files (or text:...) to send, --mic, or --stay SECONDS")
    try:
        return asyncio.run(_run(args))
    except (VoiceClientError, AudioError, SignInError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


async def _run(args: argparse.Namespace) -> int:
    player = None if args.no_play else find_player()
    # Open the microphone first: no point connecting if there is none.
    microphone = open_microphone(MIC_SAMPLE_RATE, MIC_FRAME_MS) if args.mic else None
    tokens = token_source(args)
    connection = await connect(args.server, tokens, args.near)
    print(f"connected as {connection.sender_id}")
    try:
        if microphone is not None:
            while True:
                try:
                    await _microphone(connection, microphone, args.out, player)
                except VoiceClientError as error:
                    if not error.unauthorized:
                        raise
                    # The token expired: the conversation goes on under a fresh one.
                    connection = await connect(args.server, tokens, args.near, fresh=True)
        for number, turn_spec in enumerate(args.turns, start=1):
            if connection.close_code is not None:
                connection = await connect(args.server, tokens, args.near, fresh=True)
            if turn_spec.startswith(TEXT_PREFIX):
                text = turn_spec[len(TEXT_PREFIX) :]
                print(f"you typed:  {text}")
                turn = await connection.type(text)
            else:
                pcm = read_wav(Path(turn_spec))
                await connection.start(pcm.sample_rate, endpointing="client")
                turn = await connection.speak(pcm, pace=1.0 if args.realtime else 0.0)
            for news in connection.take_unasked():  # told while this turn was under way
                _show(news, news.number, args.out, player)
            _show(turn, number, args.out, player)
        await _stay(connection, args.stay, args.out, player)
    finally:
        await connection.close()
    return 0


def token_source(args: argparse.Namespace) -> TokenSource:
    """``--token``, ``--customer`` (its password asked, e.g. the widget demo page's customer,
    so this client and that page are one customer's devices), or your own customer."""
    if args.token:
        return GivenToken(args.token)
    if args.customer:
        password = getpass.getpass(f"Sandbox password for {args.customer}: ")
        return SignIn(args.merchant, Credentials(args.customer.strip(), password))
    return SignIn(args.merchant, local_credentials(args.merchant, args.identity_dir))


async def connect(
    server: str, tokens: TokenSource, near: ClientLocation | None, fresh: bool = False
) -> VoiceConnection:
    """Open the socket with a token (once more with a fresh one if it was refused: 4401),
    and say where the customer is (`--near`) before the first turn."""
    try:
        connection = await VoiceConnection.open(server, tokens.token(fresh))
    except VoiceClientError as error:
        if fresh or not error.unauthorized:
            raise
        connection = await VoiceConnection.open(server, tokens.token(fresh=True))
    if near is not None:
        await connection.locate(near)
    return connection


async def _stay(
    connection: VoiceConnection, seconds: float, out: Path, player: list[str] | None
) -> None:
    """Show and play news of the customer's orders, and the turns they take on their other
    devices, as they come, for ``seconds``."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            turn = await connection.next_complete(timeout_s=left)
        except TimedOut:
            return
        _show(turn, turn.number, out, player)


def _show(turn: Turn, number: int, out: Path, player: list[str] | None, wait: bool = True) -> None:
    if turn.news:
        print("news:")
    if turn.elsewhere is not None:
        said = "(your PIN)" if turn.elsewhere.get("masked") else turn.elsewhere.get("said")
        print(f"on your other device: {said}")
        if turn.elsewhere.get("pin_asked_there"):
            print("            (your PIN is asked for there, on the device that is paying)")
    if turn.transcript is not None and turn.end_reason != "text":
        print(f"heard:      {turn.transcript}")
    if turn.no_speech:
        print("heard:      (no speech)")
    for error in turn.errors:
        print(f"error:      {error.get('message')} [{error.get('code')}]")
    for message in turn.bot_messages:
        if message.get("text"):
            print(f"assistant:  {message['text']}")
        if isinstance(message.get("custom"), dict):
            print(f"            {describe_custom(message['custom'])}")
        for button in message.get("buttons") or []:
            print(f"            [{button.get('title')}] {button.get('payload')}")
    pcm = turn.reply_pcm
    if pcm is not None and pcm.data:
        path = save_wav(out / f"reply-{number:02d}.wav", pcm)
        latency = f", first audio after {turn.latency_s:.2f} s" if turn.latency_s else ""
        print(f"reply audio: {path} ({pcm.duration_s:.1f} s{latency})")
        if player:
            play(path, player, wait)


def describe_custom(custom: dict[str, Any]) -> str:
    """One line for a rich message (docs/bot-messages.md); the text already says the rest."""
    try:
        cards = Custom.parse_obj(custom)
    except ValidationError:
        return f"[{', '.join(sorted(custom))}: not a card this client knows]"
    for key, card in (("cart", cards.cart), ("readback", cards.readback), ("order", cards.order)):
        if card is not None and card.stay is not None:  # a booking: a stay, not a pickup
            stay = card.stay
            return (
                f"[booking] {stay.room_type} at {stay.hotel}, {stay.check_in} to "
                f"{stay.check_out}, {stay.nights} night(s), {stay.guests} guest(s), total "
                f"{format_money(card.total)}"
            )
        if card is not None:
            return f"[{key}] {len(card.lines)} line(s), total {format_money(card.total)}"
    if cards.menu is not None:
        return f"[menu] {len(cards.menu.items)} items"
    if cards.stores:
        nearby = "; ".join(f"{s.name} ({s.walk_minutes} min walk)" for s in cards.stores)
        return f"[stores] {nearby}"
    if cards.secure_input is not None:
        return "[secure input] say the digits; they are sent to the merchant, not the chat"
    return f"[{', '.join(sorted(custom))}]"


async def _microphone(
    connection: VoiceConnection, stream: Any, out: Path, player: list[str] | None
) -> None:
    await connection.start(MIC_SAMPLE_RATE, endpointing="server")
    print("listening; Ctrl-C to stop")
    loop = asyncio.get_running_loop()

    async def send_microphone() -> None:
        while True:
            data, _overflowed = await loop.run_in_executor(
                None, stream.read, MIC_SAMPLE_RATE * MIC_FRAME_MS // 1000
            )
            await connection.send_raw(bytes(data))

    sender = asyncio.create_task(send_microphone())
    try:
        number = 1
        while True:
            # The user's turns and the assistant's news (the store acted), as they complete.
            turn = await connection.next_complete(timeout_s=3600)
            _show(turn, number, out, player, wait=False)
            number += 1
    finally:
        sender.cancel()


if __name__ == "__main__":
    sys.exit(main())
