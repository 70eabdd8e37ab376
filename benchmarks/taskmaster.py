"""Taskmaster-4 benchmark: first coffee orders written by people, against the cart.

    python -m benchmarks.taskmaster                  # a running assistant serving copper-kettle
    python -m benchmarks.taskmaster --offline        # the order parser alone, in seconds

Taskmaster-4 (Google, CC BY 4.0; see ../shared/data/taskmaster-4/README.md) holds
self-dialogs of people ordering coffee, each customer turn annotated with the API calls
a perfect agent makes. For each dialog, the first customer turn with an
`add_order_item` annotation is sent as the first message of a fresh conversation; the
cart in the reply (`custom.cart`, lines with name, quantity and options) is compared
with the annotations: items and quantities first, then the four annotated options
(milk, espresso shots, caffeine, hot or iced) of the turns whose items were right.
Items that the Copper Kettle menu does not have (a "ginger green cold steep tea") are
counted apart and left out of the rates.

Online, each conversation signs in first when the merchant platform offers
`POST /identity/sign-up` (the REST channel then wants the token) and goes without a
token otherwise. `--offline` parses the turns with `OrderParser` instead, on the sandbox
catalogue's Copper Kettle lexicon (or `--lexicon FILE`): an item marked `check` counts as
not added (the dialogue would ask first), and only the options the parser heard are set.
The data stays where it is: nothing is copied into the repository.

This module scores the carts and reports; benchmarks/taskmaster_corpus.py reads the
corpus and benchmarks/taskmaster_carts.py gets the carts, offline or online.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import httpx

from benchmarks.settings import BenchmarkSettings
from benchmarks.taskmaster_carts import (
    AssistantCart,
    OfflineCart,
    lexicon_menu,
    read_lexicon,
    served_menu,
)
from benchmarks.taskmaster_corpus import Line, Menu, Turn, load_turns
from clients.settings import ClientSettings

MERCHANT_ID = "copper-kettle"
# Online runs take minutes: say how far along they are this often (in turns).
PROGRESS_EVERY = 100

# --- scoring -----------------------------------------------------------------------------


def units(lines: Iterable[Line], menu: Menu) -> Counter[tuple[str, tuple[tuple[str, str], ...]]]:
    """One entry per cup, with only the options that differ from the item's defaults."""
    counted: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()
    for line in lines:
        defaults = menu.defaults.get(line.name, {})
        options = tuple((a, c) for a, c in line.options if defaults.get(a) != c)
        counted[(line.name, options)] += line.quantity
    return counted


def score(turn: Turn, cart: Sequence[Line], menu: Menu) -> tuple[bool, bool]:
    """(items and quantities right, options right too)."""
    wanted: Counter[str] = Counter()
    got: Counter[str] = Counter()
    for line in turn.expected:
        wanted[line.name] += line.quantity
    for line in cart:
        got[line.name] += line.quantity
    items_right = wanted == got
    return items_right, items_right and units(turn.expected, menu) == units(cart, menu)


# --- the report --------------------------------------------------------------------------


def describe(lines: Iterable[Line]) -> str:
    said = [
        f"{line.quantity} {line.name}" + "".join(f" {c}" for _, c in line.options) for line in lines
    ]
    return ", ".join(said) or "nothing"


def main(argv: Sequence[str] | None = None) -> None:
    # The shared folder sits beside the repository; ORDERLY_TASKMASTER_DATA or --data overrides.
    services = ClientSettings.from_env()
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument(
        "--data",
        type=Path,
        default=BenchmarkSettings.from_env().taskmaster_data,
        help="*.json.gz folder",
    )
    arguments.add_argument("--offline", action="store_true", help="the parser alone")
    arguments.add_argument(
        "--lexicon", type=Path, help="--offline: a lexicon file (default: the sandbox catalogue)"
    )
    arguments.add_argument("--rasa-url", default=services.rasa_url)
    arguments.add_argument("--merchant-url", default=services.merchant_url)
    arguments.add_argument("--merchant-id", default=MERCHANT_ID, help="the merchant served")
    arguments.add_argument("--limit", type=int, default=0, help="only the first N turns")
    arguments.add_argument("--misses", type=int, default=25, help="how many misses to show")
    arguments.add_argument("--seed", type=int, default=0, help="which misses to show")
    options = arguments.parse_args(argv)

    started = time.monotonic()
    if options.offline:
        lexicon = read_lexicon(options.lexicon, options.merchant_id)
        menu = lexicon_menu(lexicon)
        source: OfflineCart | AssistantCart = OfflineCart(lexicon, menu)
    else:
        menu = served_menu(options.merchant_url, options.merchant_id)
        source = AssistantCart(options.rasa_url, options.merchant_url, menu)
    if not sorted(options.data.glob("*.json.gz")):
        raise SystemExit(f"No Taskmaster-4 *.json.gz files in {options.data}: pass --data.")
    turns = load_turns(options.data, menu)
    if options.limit:
        turns = turns[: options.limit]
    scored = [t for t in turns if not t.off_menu]
    items_right = options_right = failed = 0
    misses: list[tuple[Turn, list[Line], str]] = []
    for done, turn in enumerate(scored, start=1):
        try:
            cart = source.cart(turn.text)
        except httpx.HTTPError as error:  # one failed turn is a miss, not the end of the run
            failed += 1
            misses.append((turn, [], f"error: {error!r}"))
            continue
        finally:
            if not options.offline and done % PROGRESS_EVERY == 0:
                print(f"  ... {done}/{len(scored)} turns", file=sys.stderr, flush=True)
        items_ok, options_ok = score(turn, cart, menu)
        items_right += items_ok
        options_right += options_ok
        if not options_ok:
            misses.append((turn, cart, "options" if items_ok else "items"))
    elapsed = time.monotonic() - started

    off_menu = Counter(name.lower() or "(none named)" for t in turns for name in t.off_menu)
    where = "the order parser alone" if options.offline else options.rasa_url
    print(f"Taskmaster-4 first ordering turns: {len(turns)} ({where})")
    print(f"  left out, items not on the menu: {len(turns) - len(scored)} {dict(off_menu)}")
    print(f"  items and quantities right: {_rate(items_right, len(scored))}")
    print(f"  options right (of those):   {_rate(options_right, items_right)}")
    if failed:
        print(f"  turns that failed (counted as misses): {failed}")
    print(f"  time: {elapsed:.1f} s")
    random.Random(options.seed).shuffle(misses)
    for turn, cart, what in misses[: options.misses]:
        wanted, got = describe(turn.expected), describe(cart)
        print(f"- [{what}] {turn.text!r}\n    wanted {wanted}; got {got}")


def _rate(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole:.1f}%" if whole else f"{part}/0"


if __name__ == "__main__":
    main()
