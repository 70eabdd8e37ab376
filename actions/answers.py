"""Short answers ("yes", "no thanks", something unclear) read against the open question.

One action takes every affirm, deny and unclear message; the rules only route the
intents here and Python decides from the pending question (actions/questions.py):

- "Anything else, or shall I check out?": yes or no both mean "that's all": the readback.
  So does any message that closes the order ("my mistake, it's right. That's all") after
  that question or "What should I change?", whatever the NLU made of it.
- "Shall I pay ¥X for order N?" and "Cancel order N (¥X)?": read with one policy
  (actions/consent.py): a confident, plain yes pays or cancels exactly that order and
  amount (a yes the voice channel recovered from poor audio is held to the same
  threshold with its recognition confidence: contracts/heard_answer.py); a no (with or
  without more words) pays nothing and keeps the order; anything else, "yeah no"
  included, asks again.
- "Did you mean a large Latte?": yes adds it; no leaves it out and says so.
- The PIN prompt: no stops the payment.
- "Which shop?" and "Start a new cart there, or finish this one first?": actions/choosing.py.

A yes said with words that name nothing on the menu ("yes, and a large blorp") says
them back and never moves money. A yes with no open question (it was meant for
something the customer has moved on from) never moves money: with an order still
waiting it asks "Shall I pay ¥X for order N?" again, otherwise "anything else?". A
message that names items is an order, whatever else it says.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import cart as carts
from actions import corrections
from actions.base import MerchantAction
from actions.booking import Booking
from actions.cart_actions import ActionStartOver
from actions.checkout import THEN_READBACK, UNCLEAR, Checkout
from actions.choosing import Choosing
from actions.consent import Consent, asks_to_cancel, read_consent, yes_confidence
from actions.edits import read_edit
from actions.ordering import ANYTHING_ELSE, Ordering
from actions.orders import Orders
from actions.phrasing import describe_line, join_words, not_caught
from actions.pickup import ActionSetPickup, answer_slot_offer, answer_store_choice
from actions.questions import Question, answered, ask, expect, open_question
from actions.state import (
    OrderState,
    awaiting_order,
    latest_entities,
    latest_entity,
    latest_intent,
    latest_intent_ranking,
)
from contracts.bot_messages import QuestionKind
from contracts.cart_edits import CHANGE, COMPLAIN, REMOVE
from contracts.heard_answer import recognition_confidence
from contracts.money import AMOUNT_ENTITY, format_money

NOT_UNDERSTOOD = (
    "Sorry, I didn't catch that. You can order an item, ask for the menu, or say "
    "'talk to a person'."
)

# Questions a closing ("that's all") answers by ending the order. Not "Did you mean ...?"
# (a yes adds the item first) nor the PIN prompt; pay and cancel are read before this.
_CLOSABLE = (QuestionKind.MORE_OR_DONE, QuestionKind.WHICH_LINE)
# Questions a store named on its own answers by setting the pickup store.
_STORE_ANSWERS = (QuestionKind.MORE_OR_DONE, QuestionKind.STORE_TIME, QuestionKind.STORE_CHOICE)


def _named_amount(tracker: Tracker) -> int | None:
    """The amount said with the answer, in fen ("yes, pay the 15 yuan"), if any."""
    value = latest_entity(tracker, AMOUNT_ENTITY)
    return int(value) if value is not None and value.isdigit() else None


class ActionAnswer(MerchantAction):
    """Reads a short answer against the one pending question."""

    action_name = "action_answer"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        booking = Booking(self.backend, self.settings)
        if await booking.takes_turn(tracker, answer=True):  # "two", "the second one", "Hangzhou"
            return await booking.turn(dispatcher, tracker)
        intent, confidence = latest_intent(tracker)
        question = open_question(tracker)
        said = carts.read_entities(latest_entities(tracker))
        ordering = Ordering(self.backend, self.settings)
        if (which := await ordering.answer_which(dispatcher, tracker)) is not None:
            return which  # "the second one", after "Which one do you mean: ...?"
        chosen = await answer_store_choice(self.backend, self.settings, dispatcher, tracker)
        if chosen is not None:
            return chosen  # "the nearest one", after stores were offered
        merchant_answer = await Choosing(self.backend, self.settings).answer(dispatcher, tracker)
        if merchant_answer is not None:
            return merchant_answer  # "yes", "finish this one first", after "a new cart there?"
        text = str(tracker.latest_message.get("text") or "")
        if (question is None or question.kind != QuestionKind.CANCEL) and (
            corrections.after_start_over(text, latest_entities(tracker)) is not None
        ):  # "no, let's start again": not a no to "anything else?" (at "Cancel order N?", it is)
            return await ActionStartOver(self.backend, self.settings).act(dispatcher, tracker)
        changes = bool(said.mentions or said.loose.quantity or said.loose.options)
        cancels = asks_to_cancel(text) and not said.mentions  # "wait, cancel that": the order
        edit = read_edit(latest_entities(tracker))
        complains = edit is not None and edit.verb == COMPLAIN
        if complains or (corrections.corrects(text) and (changes or edit) and not cancels):
            # "no wait, only one of those", "no, that's not what I said", "no no, I said
            # iced": a correction of the order, not a no (which would read the order back).
            return await ordering.update(dispatcher, tracker, "change_item")
        if edit is not None and edit.verb in (CHANGE, REMOVE) and changes and not cancels:
            # "no, make it a small", "yes but make that a large" at "Shall I pay?": the
            # order changes first and is read back again; neither a no nor a yes is heard.
            verb = "remove_item" if edit.verb == REMOVE else "change_item"
            return await ordering.update(dispatcher, tracker, verb)
        if edit is not None and edit.target.pointer and said.loose.options and not cancels:
            # "no, I want it large" at "Shall I pay?": the line changes (an order verb
            # before "it" orders nothing new), and the order is read back again
            return await ordering.update(dispatcher, tracker, "change_item")
        if said.unplaced and intent == "affirm" and not said.mentions:
            # "yes, and a large blorp": the yes is heard, the words it cannot place are
            # said back, and nothing is paid or cancelled on it.
            return await self._yes_with_words(dispatcher, tracker, question, said.unplaced)
        if said.mentions or said.unplaced:
            return await ordering.update(dispatcher, tracker, "order_item")
        if said.loose.options and intent == "nlu_fallback":
            # "sorry, big for that one", too unsure to be heard as "sorry?" (ActionRepeat
            # reads it the same way): option words say what to change, never "didn't catch".
            return await ordering.update(dispatcher, tracker, "change_item")
        if question is not None and question.kind in (QuestionKind.PAY, QuestionKind.CANCEL):
            return await self._money(dispatcher, tracker, question, intent, confidence)
        if cancels:  # "wait, I need to cancel that, sorry" just after paying
            return await Orders(self.backend, self.settings).request_cancel(dispatcher, tracker)
        if latest_entity(tracker, "store") is not None and (
            question is None or question.kind in _STORE_ANSWERS
        ):
            # "Xujiahui" on its own, which DIET hears as a yes (no store is named in its
            # training data): a store named alone is where to pick up. Not at "Did you
            # mean ...?" or the PIN, where a yes means more than that.
            return await ActionSetPickup(self.backend, self.settings).act(dispatcher, tracker)
        if corrections.closes_order(text) and (question is None or question.kind in _CLOSABLE):
            # "sorry, my mistake, the order is right. That's all" after "What should I
            # change?": whatever DIET made of the rest, the customer is done: read it back.
            return await Checkout(self.backend, self.settings).readback(dispatcher, tracker)
        if intent == "affirm":
            return await self._yes(dispatcher, tracker, question)
        if intent == "deny":
            return await self._no(dispatcher, tracker, question)
        return await self._unclear(dispatcher, tracker, question)

    async def _money(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        question: Question,
        intent: str,
        confidence: float,
    ) -> list[EventType]:
        """Pay or cancel on a plain yes only; the same reading for both (actions/consent)."""
        text = str(tracker.latest_message.get("text") or "")
        ranking = latest_intent_ranking(tracker)
        confidence = yes_confidence(intent, confidence, ranking, question.kind)
        heard = recognition_confidence(tracker.latest_message.get("metadata"))
        if heard is not None:
            # A yes the voice channel recovered from poor audio is only as sure as that.
            confidence = min(confidence, heard)
        asked = int(question.subject.get("amount") or 0)
        named = _named_amount(tracker)
        consent = read_consent(
            intent,
            confidence,
            text,
            self.settings.confirmation_min_confidence,
            named,
            asked,
            question.kind,
        )
        lead = UNCLEAR
        if named is not None and named != asked:  # "yes, pay 12 yuan" to "pay ¥15.00?"
            lead = f"The amount is {format_money(asked)}, not {format_money(named)}."
        checkout = Checkout(self.backend, self.settings)
        orders = Orders(self.backend, self.settings)
        if question.kind == QuestionKind.PAY:
            if consent is Consent.YES:
                return await checkout.pay(dispatcher, tracker, question.subject)
            if consent is Consent.NO:
                return await checkout.resume_editing(dispatcher, tracker)
            return await checkout.reask(dispatcher, tracker, lead)
        if consent is Consent.YES:
            return await orders.cancel(dispatcher, tracker, question.subject)
        if consent is Consent.NO:
            return orders.keep(dispatcher, question.subject)
        return await orders.request_cancel(dispatcher, tracker, lead)

    async def _yes(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        question: Question | None,
    ) -> list[EventType]:
        checkout = Checkout(self.backend, self.settings)
        kind = question.kind if question else None
        if question is not None and kind == QuestionKind.CHECK_ITEM:
            return await Ordering(self.backend, self.settings).add_checked(
                dispatcher, tracker, question.subject
            )
        if question is not None and kind == QuestionKind.PIN:
            return checkout.ask_for_pin(
                dispatcher,
                tracker,
                "I need the PIN itself.",
                str(question.subject.get("order_id")),
                int(question.subject.get("amount") or 0),
                question.subject.get("digits"),
            )
        if kind == QuestionKind.MORE_OR_DONE:
            return await checkout.readback(dispatcher, tracker)
        offer = await answer_slot_offer(self.backend, self.settings, dispatcher, tracker)
        if offer is not None:
            return offer  # "yes" to "Shall I make it 09:10?": that time, read back
        return await self._nothing_asked(dispatcher, tracker)

    async def _yes_with_words(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        question: Question | None,
        unplaced: list[str],
    ) -> list[EventType]:
        """A yes said with words that name nothing on the menu: never money on it."""
        kind = question.kind if question else None
        missed = f"Sorry, I didn't catch {not_caught(unplaced)}."
        if kind == QuestionKind.PAY:
            return await Checkout(self.backend, self.settings).reask(dispatcher, tracker, missed)
        if kind == QuestionKind.CANCEL:
            orders = Orders(self.backend, self.settings)
            return await orders.request_cancel(dispatcher, tracker, missed)
        ordering = Ordering(self.backend, self.settings)
        if question is not None and kind == QuestionKind.CHECK_ITEM:
            return await ordering.add_checked(dispatcher, tracker, question.subject, unplaced)
        return await ordering.update(dispatcher, tracker, "order_item")

    async def _no(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, question: Question | None
    ) -> list[EventType]:
        checkout = Checkout(self.backend, self.settings)
        kind = question.kind if question else None
        if question is not None and kind == QuestionKind.CHECK_ITEM:
            return await Ordering(self.backend, self.settings).drop_checked(
                dispatcher, tracker, question.subject
            )
        if kind == QuestionKind.PIN:
            dispatcher.utter_message(
                text="OK, I haven't charged anything. Say 'check out' when you want to pay."
            )
            return [answered()]
        if kind == QuestionKind.MORE_OR_DONE:
            return await checkout.readback(dispatcher, tracker)
        if kind == QuestionKind.SLOT_OFFER:
            dispatcher.utter_message(
                text="OK. What time would suit you? Say a time, or 'as soon as possible'.",
                json_message=expect(QuestionKind.STORE_TIME),
            )
            return [ask(tracker, QuestionKind.STORE_TIME, {"then": THEN_READBACK})]
        return await self._nothing_asked(dispatcher, tracker)

    async def _unclear(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, question: Question | None
    ) -> list[EventType]:
        kind = question.kind if question else None
        if question is not None and kind == QuestionKind.CHECK_ITEM:
            ordering = Ordering(self.backend, self.settings)
            menu = await ordering.menu(tracker)
            lines = carts.lines_from_slot(question.subject.get("lines"))
            described = join_words([describe_line(line.request(), menu) for line in lines])
            dispatcher.utter_message(
                text=f"{UNCLEAR} Did you mean {described}?",
                json_message=expect(QuestionKind.CHECK_ITEM),
            )
            return [ask(tracker, QuestionKind.CHECK_ITEM, question.subject)]
        dispatcher.utter_message(text=NOT_UNDERSTOOD)
        return [answered()]

    async def _nothing_asked(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        """A yes or no that answers nothing: never an action on money."""
        if awaiting_order(tracker):
            return await Checkout(self.backend, self.settings).reask(dispatcher, tracker)
        text = (
            ANYTHING_ELSE
            if OrderState.from_tracker(tracker).cart
            else ("What would you like to order?")
        )
        dispatcher.utter_message(text=text, json_message=expect(QuestionKind.MORE_OR_DONE))
        return [ask(tracker, QuestionKind.MORE_OR_DONE)]


class ActionRequestCancel(ActionAnswer):
    """Names the order that would be cancelled and asks before doing it.

    Said to the open "Cancel order N?", a request to cancel is the answer to it: "yeah,
    cancel it" (which DIET may hear as `cancel_order`) is read as any answer is, by the
    one consent policy, and "no, don't cancel it" keeps the order."""

    action_name = "action_request_cancel"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        question = open_question(tracker)
        if question is not None and question.kind == QuestionKind.CANCEL:
            return await super().act(dispatcher, tracker)
        return await Orders(self.backend, self.settings).request_cancel(dispatcher, tracker)
