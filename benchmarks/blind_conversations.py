"""Blind conversations: typed conversations written by people who never saw the code,
each judged on money.

    .venv/bin/python -m benchmarks.blind_conversations --cases FILE.json \\
        [--label NAME] [--only ID ...] [--out DIR]

The case file is a JSON list of conversations::

    {"id": "gc-01", "merchant": "golden-crumb" | "copper-kettle", "note": "...",
     "turns": ["user turn", ...],
     "expect": {"outcome": "paid" | "nothing_paid" | "refunded",
                "items": [{"name": "Latte", "quantity": 2, "options": {"Size": "Large"}}],
                "total": 3800}}

``items`` and ``total`` are given for ``paid`` and ``refunded`` only; ``options`` names
only the choices that are not the item's default, by the display names of
the merchant packs' catalogues (packs/<id>/catalogue.yml: option group -> choice).

One stack per merchant the cases need is started as the end-to-end tests start theirs
(launch/stack.py on free ports, its data in a temporary folder, the clock fixed at 08:00
on a weekday so breakfast is served), one merchant after the other. Each case is a new
sandbox customer who signed up and chose a payment PIN of their own; its turns go to the
REST channel with the customer's token, as a client sends them. When a reply asks for
the PIN (``custom.secure_input``) the PIN is sent next, before the next turn, and is not
one of the case's turns.

The verdict comes from the merchant, not from the dialogue: the customer's orders
(``GET /orders``) and their payments (``GET /payments``):

- ``paid``: exactly one paid order, whose lines (name, quantity, options that are not
  the default) and total are the expected ones, and exactly one payment, of that total,
  captured for that order;
- ``nothing_paid``: no payment at all (orders placed and left unpaid are fine);
- ``refunded``: exactly one payment, refunded (and its order as expected, when items or
  total are given).

Lines with the same name and options are merged, quantities summed, on both sides before
the comparison. Results, with every transcript, go to ``<out>/results-<label>/results.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks.load_systems import orderly_config
from benchmarks.text_load import MORNING
from clients.sign_in import SIGN_UP_PATH, set_pin
from launch.stack import MODEL, ROOT, Stack
from merchant.order_states import COLLECTED, OPEN_STATES, REFUNDED, UNCOLLECTED
from merchant.ordering import CAPTURED

MERCHANTS = ("golden-crumb", "copper-kettle")
OUTCOMES = ("paid", "nothing_paid", "refunded")
# Orders the customer paid for and that were not refunded, wherever the store has got to.
PAID_STATES = frozenset({*OPEN_STATES, COLLECTED, UNCOLLECTED})
DEFAULT_OUT = ROOT / "var" / "blind"
PIN_DIGITS = 6
# A PIN asked for again right after it was sent is sent again, this many times in a row at
# most (the customer's own PIN is right: a second ask means something else went wrong).
MAX_PINS_IN_A_ROW = 2
PIN_SHOWN = "(the customer's PIN)"
TURN_TIMEOUT_SECONDS = 60.0
MERCHANT_TIMEOUT_SECONDS = 10.0
LOG_TAIL_LINES = 30

# (name, ((option group, choice), ...)), all case-folded, options sorted.
LineKey = tuple[str, tuple[tuple[str, str], ...]]
Json = dict[str, Any]


class CaseError(ValueError):
    """The case file is not in the documented format (the message says where)."""


class TurnFailed(Exception):
    """A message the REST channel did not answer with replies."""


# --- the cases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpectedLine:
    name: str
    quantity: int
    options: Mapping[str, str]


@dataclass(frozen=True)
class Expectation:
    outcome: str
    items: tuple[ExpectedLine, ...] | None = None
    total: int | None = None

    def as_json(self) -> Json:
        body: Json = {"outcome": self.outcome}
        if self.items is not None:
            body["items"] = [
                {"name": i.name, "quantity": i.quantity, "options": dict(i.options)}
                for i in self.items
            ]
        if self.total is not None:
            body["total"] = self.total
        return body


@dataclass(frozen=True)
class Case:
    id: str
    merchant: str
    turns: tuple[str, ...]
    expect: Expectation
    note: str = ""


def load_cases(path: Path) -> list[Case]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CaseError(f"{path}: {error}") from error
    if not isinstance(raw, list):
        raise CaseError(f"{path}: expected a JSON list of cases")
    cases = [parse_case(entry, index) for index, entry in enumerate(raw)]
    seen: Counter[str] = Counter(case.id for case in cases)
    repeated = sorted(case_id for case_id, count in seen.items() if count > 1)
    if repeated:
        raise CaseError(f"{path}: case ids used more than once: {', '.join(repeated)}")
    return cases


def parse_case(entry: object, index: int) -> Case:
    where = f"case #{index + 1}"
    if not isinstance(entry, dict):
        raise CaseError(f"{where}: expected an object")
    case_id = entry.get("id")
    if not isinstance(case_id, str) or not case_id:
        raise CaseError(f"{where}: 'id' must be a non-empty string")
    where = f"case {case_id}"
    merchant = entry.get("merchant")
    if merchant not in MERCHANTS:
        raise CaseError(f"{where}: 'merchant' must be one of {', '.join(MERCHANTS)}")
    turns = entry.get("turns")
    if not isinstance(turns, list) or not turns or not all(isinstance(t, str) for t in turns):
        raise CaseError(f"{where}: 'turns' must be a non-empty list of strings")
    note = entry.get("note", "")
    return Case(
        id=case_id,
        merchant=str(merchant),
        turns=tuple(turns),
        expect=parse_expectation(entry.get("expect"), where),
        note=note if isinstance(note, str) else "",
    )


def parse_expectation(raw: object, where: str) -> Expectation:
    if not isinstance(raw, dict) or raw.get("outcome") not in OUTCOMES:
        raise CaseError(f"{where}: 'expect.outcome' must be one of {', '.join(OUTCOMES)}")
    outcome = str(raw["outcome"])
    items, total = raw.get("items"), raw.get("total")
    if outcome == "nothing_paid" and (items or total):
        raise CaseError(f"{where}: nothing_paid takes no items or total")
    if total is not None and (not isinstance(total, int) or isinstance(total, bool)):
        raise CaseError(f"{where}: 'expect.total' must be an integer (fen)")
    if items is None:
        return Expectation(outcome, None, total)
    if not isinstance(items, list):
        raise CaseError(f"{where}: 'expect.items' must be a list")
    lines = []
    for item in items:
        if not isinstance(item, dict):
            raise CaseError(f"{where}: each expected item is an object, not {item!r}")
        name, quantity, options = item.get("name"), item.get("quantity", 1), item.get("options")
        options = {} if options is None else options
        if (
            not isinstance(name, str)
            or not isinstance(quantity, int)
            or quantity < 1
            or not isinstance(options, dict)
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in options.items())
        ):
            raise CaseError(
                f"{where}: each expected item is {{'name': str, 'quantity': int >= 1, "
                f"'options': {{group: choice}}}}, not {item!r}"
            )
        lines.append(ExpectedLine(name, quantity, options))
    return Expectation(outcome, tuple(lines), total)


# --- judging -----------------------------------------------------------------------------


def folded(text: str) -> str:
    return " ".join(text.casefold().split())


def units(lines: Iterable[tuple[str, int, Mapping[str, str]]]) -> Counter[LineKey]:
    """The lines as a multiset: same name and options merged, quantities summed."""
    counted: Counter[LineKey] = Counter()
    for name, quantity, options in lines:
        key = tuple(sorted((folded(group), folded(choice)) for group, choice in options.items()))
        counted[(folded(name), key)] += quantity
    return counted


def expected_units(items: Iterable[ExpectedLine]) -> Counter[LineKey]:
    return units((item.name, item.quantity, item.options) for item in items)


def line_options(line: Mapping[str, Any]) -> dict[str, str]:
    """The line's options that are not the item's default, by display name (the order
    stores each chosen option with its group's and choice's names and a default flag)."""
    chosen = {}
    for option in line.get("options") or []:
        if option.get("default"):
            continue
        group = option.get("group_name") or option.get("group")
        choice = option.get("choice_name") or option.get("choice")
        chosen[str(group)] = str(choice)
    return chosen


def order_units(order: Mapping[str, Any]) -> Counter[LineKey]:
    return units(
        (str(line["name"]), int(line["quantity"]), line_options(line))
        for line in order.get("items") or []
    )


def describe(counted: Counter[LineKey]) -> str:
    said = []
    for (name, options), quantity in sorted(counted.items()):
        chosen = ", ".join(f"{group}: {choice}" for group, choice in options)
        said.append(f"{quantity} {name}" + (f" ({chosen})" if chosen else ""))
    return "; ".join(said) or "nothing"


def money(fen: int) -> str:
    return f"¥{fen / 100:.2f}"


def order_mismatch(expect: Expectation, order: Mapping[str, Any]) -> str | None:
    """How the order differs from the expected lines and total, or None."""
    problems = []
    if expect.items is not None:
        wanted, got = expected_units(expect.items), order_units(order)
        if wanted != got:
            problems.append(f"lines {describe(got)} instead of {describe(wanted)}")
    if expect.total is not None and order.get("total") != expect.total:
        problems.append(f"total {money(int(order.get('total') or 0))} instead of "
                        f"{money(expect.total)}")  # fmt: skip
    if not problems:
        return None
    return f"order {order.get('id')}: " + "; ".join(problems)


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reason: str


def judge(
    expect: Expectation, orders: Sequence[Mapping[str, Any]], payments: Sequence[Mapping[str, Any]]
) -> Verdict:
    """The case's verdict from what the merchant holds: the customer's orders and all the
    payments of those orders."""
    paid_orders = [o for o in orders if o.get("status") in PAID_STATES]
    if expect.outcome == "nothing_paid":
        if payments:
            return Verdict(False, f"expected nothing paid, got {payments_said(payments)}")
        return Verdict(True, "nothing paid")
    if expect.outcome == "paid":
        if len(paid_orders) != 1:
            statuses = ", ".join(f"{o.get('id')} {o.get('status')}" for o in orders) or "none"
            return Verdict(
                False, f"expected one paid order, got {len(paid_orders)} (orders: {statuses})"
            )
        order = paid_orders[0]
        if len(payments) != 1:
            return Verdict(False, f"expected one payment, got {payments_said(payments)}")
        mismatch = order_mismatch(expect, order)
        if mismatch:
            return Verdict(False, mismatch)
        return payment_verdict(payments[0], order, CAPTURED)
    if len(payments) != 1 or payments[0].get("status") != REFUNDED:
        return Verdict(False, f"expected one refunded payment, got {payments_said(payments)}")
    payment = payments[0]
    refunded = [o for o in orders if str(o.get("id")) == str(payment.get("order_id"))]
    if not refunded:
        return Verdict(False, f"the refunded payment's order {payment.get('order_id')} is missing")
    mismatch = order_mismatch(expect, refunded[0])
    if mismatch:
        return Verdict(False, mismatch)
    return payment_verdict(payment, refunded[0], REFUNDED)


def payment_verdict(payment: Mapping[str, Any], order: Mapping[str, Any], status: str) -> Verdict:
    if str(payment.get("order_id")) != str(order.get("id")):
        return Verdict(
            False, f"the payment is for order {payment.get('order_id')}, not {order.get('id')}"
        )
    if payment.get("status") != status:
        return Verdict(False, f"the payment is {payment.get('status')}, not {status}")
    if payment.get("amount") != order.get("total"):
        return Verdict(
            False,
            f"paid {money(int(payment.get('amount') or 0))} for an order of "
            f"{money(int(order.get('total') or 0))}",
        )
    return Verdict(True, f"{status} {money(int(order.get('total') or 0))} for order {order['id']}")


def payments_said(payments: Sequence[Mapping[str, Any]]) -> str:
    if not payments:
        return "no payment"
    return ", ".join(
        f"{money(int(p.get('amount') or 0))} {p.get('status')} (order {p.get('order_id')})"
        for p in payments
    )


def what_the_merchant_holds(
    orders: Sequence[Mapping[str, Any]], payments: Sequence[Mapping[str, Any]]
) -> Json:
    """The orders and payments, reduced to what the verdict reads."""
    return {
        "orders": [
            {
                "id": o.get("id"),
                "status": o.get("status"),
                "total": o.get("total"),
                "items": [
                    {
                        "name": line.get("name"),
                        "quantity": line.get("quantity"),
                        "options": line_options(line),
                    }
                    for line in o.get("items") or []
                ],  # fmt: skip
            }
            for o in orders
        ],
        "payments": [
            {"order_id": p.get("order_id"), "amount": p.get("amount"), "status": p.get("status")}
            for p in payments
        ],
    }


# --- one customer's conversation ---------------------------------------------------------


@dataclass
class Customer:
    """A new sandbox customer with a PIN of their own, talking over the REST channel."""

    http: httpx.Client
    rasa_url: str
    merchant_url: str
    customer_id: str
    token: str
    pin: str
    transcript: list[Json] = field(default_factory=list)

    @classmethod
    def sign_up(cls, http: httpx.Client, stack: Stack, case_id: str) -> Customer:
        slug = re.sub(r"[^A-Za-z0-9._-]", "-", case_id)[:40]
        customer_id = f"blind-{slug}-{uuid.uuid4().hex[:8]}"
        password = secrets.token_urlsafe(18)
        merchant_url = stack.config.merchant_url
        answer = http.post(
            f"{merchant_url}{SIGN_UP_PATH}",
            json={"customer_id": customer_id, "password": password},
            timeout=MERCHANT_TIMEOUT_SECONDS,
        )
        answer.raise_for_status()
        token = str(answer.json()["token"])
        pin = "".join(secrets.choice("0123456789") for _ in range(PIN_DIGITS))
        set_pin(merchant_url, token, password, pin, timeout=MERCHANT_TIMEOUT_SECONDS)
        return cls(http, stack.config.rasa_url, merchant_url, customer_id, token, pin)

    def play(self, turns: Sequence[str]) -> None:
        """Every turn, each followed by the PIN while the assistant asks for it."""
        for text in turns:
            replies = self.say(text)
            for _ in range(MAX_PINS_IN_A_ROW):
                if not asks_for_pin(replies):
                    break
                replies = self.say(self.pin, shown=PIN_SHOWN)

    def say(self, text: str, shown: str | None = None) -> list[Json]:
        entry: Json = {"user": text if shown is None else shown}
        if shown is not None:
            entry["automatic"] = True
        self.transcript.append(entry)
        try:
            answer = self.http.post(
                f"{self.rasa_url}/webhooks/rest/webhook",
                json={"message": text},
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=TURN_TIMEOUT_SECONDS,
            )
        except httpx.HTTPError as error:
            entry["error"] = repr(error)
            raise TurnFailed(f"{entry['user']!r}: {error!r}") from error
        if answer.status_code != 200:
            entry["error"] = f"HTTP {answer.status_code}: {answer.text[:300]}"
            raise TurnFailed(f"{entry['user']!r}: HTTP {answer.status_code}")
        replies: list[Json] = answer.json()
        entry["bot"] = [str(m["text"]) for m in replies if m.get("text")]
        buttons = [str(b.get("title")) for m in replies for b in m.get("buttons") or []]
        if buttons:
            entry["buttons"] = buttons
        return replies

    def read(self, path: str, **params: str) -> Any:
        answer = self.http.get(
            f"{self.merchant_url}{path}",
            params=params,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=MERCHANT_TIMEOUT_SECONDS,
        )
        answer.raise_for_status()
        return answer.json()

    def orders_and_payments(self) -> tuple[list[Json], list[Json]]:
        orders: list[Json] = list(self.read("/orders")["orders"])
        payments: list[Json] = []
        for order in orders:
            payments += self.read("/payments", order_id=str(order["id"]))["payments"]
        return orders, payments


def asks_for_pin(replies: Iterable[Mapping[str, Any]]) -> bool:
    return any((m.get("custom") or {}).get("secure_input") for m in replies)


# --- running the cases -------------------------------------------------------------------


@dataclass
class Result:
    case: Case
    passed: bool
    reason: str
    got: Json
    transcript: list[Json]
    seconds: float

    def as_json(self) -> Json:
        return {
            "merchant": self.case.merchant,
            "note": self.case.note,
            "passed": self.passed,
            "reason": self.reason,
            "expected": self.case.expect.as_json(),
            "got": self.got,
            "transcript": self.transcript,
            "seconds": round(self.seconds, 1),
        }


def run_case(http: httpx.Client, stack: Stack, case: Case) -> Result:
    started = time.monotonic()
    customer = Customer.sign_up(http, stack, case.id)
    failure = None
    try:
        customer.play(case.turns)
    except TurnFailed as error:
        failure = f"the conversation broke off at {error}"
    orders, payments = customer.orders_and_payments()
    verdict = judge(case.expect, orders, payments)
    return Result(
        case=case,
        passed=verdict.passed and failure is None,
        reason=failure or verdict.reason,
        got=what_the_merchant_holds(orders, payments),
        transcript=customer.transcript,
        seconds=time.monotonic() - started,
    )


@contextmanager
def merchant_stack(merchant: str, folder: Path) -> Iterator[Stack]:
    """The whole assistant serving `merchant`; a failed start shows the end of its logs."""
    config = orderly_config(
        folder / merchant, {"ORDERLY_NOW": MORNING, "ORDERLY_MERCHANT_ID": merchant}
    )
    stack = Stack(config, progress=lambda line: print(line, file=sys.stderr, flush=True))
    try:
        stack.start()
    except RuntimeError as error:
        tails = [
            f"--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-20:])
            for log in sorted(config.log_dir.glob("*.log"))
        ]
        raise SystemExit(
            f"The {merchant} stack did not start: {error}\n" + "\n".join(tails)
        ) from error
    try:
        yield stack
    finally:
        stack.stop()


def run_cases(cases: Sequence[Case]) -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory(prefix="orderly-blind-") as folder, httpx.Client() as http:
        for merchant in MERCHANTS:
            mine = [case for case in cases if case.merchant == merchant]
            if not mine:
                continue
            print(f"Starting the stack for {merchant} ({len(mine)} cases)...", file=sys.stderr)
            with merchant_stack(merchant, Path(folder)) as stack:
                for case in mine:
                    result = run_case(http, stack, case)
                    mark = "pass" if result.passed else "FAIL"
                    print(f"  {case.id}: {mark} ({result.seconds:.0f} s)", file=sys.stderr)
                    results.append(result)
    return results


# --- the report --------------------------------------------------------------------------


def rate(passed: int, total: int) -> str:
    return f"{passed}/{total} ({passed / total:.1%})" if total else "0/0"


def summary(results: Sequence[Result]) -> Json:
    by_merchant = {}
    for merchant in MERCHANTS:
        mine = [r for r in results if r.case.merchant == merchant]
        if mine:
            by_merchant[merchant] = {"passed": sum(r.passed for r in mine), "total": len(mine)}
    return {
        "passed": sum(r.passed for r in results),
        "total": len(results),
        "by_merchant": by_merchant,
    }


def report(results: Sequence[Result]) -> list[str]:
    lines = [f"FAIL {r.case.id} ({r.case.merchant}): {r.reason}" for r in results if not r.passed]
    figures = summary(results)
    per_merchant = ", ".join(
        f"{merchant} {rate(counts['passed'], counts['total'])}"
        for merchant, counts in figures["by_merchant"].items()
    )
    lines.append(f"passed {rate(figures['passed'], figures['total'])}: {per_merchant}")
    return lines


def write_results(
    path: Path, label: str, cases_file: Path, results: Sequence[Result], seconds: float
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "label": label,
        "cases_file": str(cases_file),
        "clock": MORNING,
        "seconds": round(seconds, 1),
        "summary": summary(results),
        "cases": {r.case.id: r.as_json() for r in results},
    }
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--cases", type=Path, required=True, help="the JSON list of cases")
    parser.add_argument(
        "--label", help="names the results folder, results-<label> (default: the file's name)"
    )
    parser.add_argument("--only", nargs="+", metavar="ID", help="run only these case ids")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"results folder (default {DEFAULT_OUT})"
    )
    options = parser.parse_args(argv)
    try:
        cases = load_cases(options.cases)
    except CaseError as error:
        raise SystemExit(str(error)) from error
    if options.only:
        unknown = sorted(set(options.only) - {case.id for case in cases})
        if unknown:
            raise SystemExit(f"no such case in {options.cases}: {', '.join(unknown)}")
        cases = [case for case in cases if case.id in options.only]
    if not MODEL.exists():
        raise SystemExit(f"No trained model at {MODEL}: run `make model` first.")
    label = options.label or options.cases.stem
    started = time.monotonic()
    results = run_cases(cases)
    target = options.out / f"results-{label}" / "results.json"
    write_results(target, label, options.cases, results, time.monotonic() - started)
    for line in report(results):
        print(line)
    print(f"results: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
