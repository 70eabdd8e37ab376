"""Building the cart: add, correct, remove, check unsure items (the actions that
call it are in actions/cart_actions.py).

A drink named without options is added at once with the merchant's defaults and the
reply shows the cart; nothing is held back to ask about. Words that looked like part
of the order but matched nothing are said back, never dropped in silence, and so are
options an item cannot have: "Added a Latte; we don't have 2% milk or hazelnut for it
here."
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import cart as carts
from actions import corrections, edits
from actions.cart import Mention
from actions.checkout import THEN_READBACK, UNCLEAR, Checkout, open_guesses
from actions.choosing import Choosing
from actions.merchant_in_use import merchant_id_of
from actions.merchants.backend import Menu, MerchantBackend, OptionChoice, OptionGroup
from actions.phrasing import (
    cart_payload,
    describe_line,
    item_name,
    join_words,
    not_caught,
    pickup_words,
)
from actions.pickup import ActionSetPickup, answer_slot_offer, answer_store_choice
from actions.pickup import store_name as pickup_store_name
from actions.questions import (
    answered,
    ask,
    customer_messages,
    expect,
    open_question,
    said_by_customer,
)
from actions.settings import Settings
from actions.state import (
    OrderState,
    awaiting_order,
    latest_entities,
    latest_entity,
    latest_intent,
)
from contracts.bot_messages import QuestionKind, StoreRef
from contracts.cart_edits import CHANGE, COMPLAIN, REMOVE, CartEdit
from contracts.money import format_money

ANYTHING_ELSE = "Anything else, or shall I check out?"
NOT_CAUGHT = (
    "Sorry, I didn't catch which item. Try 'a large latte', 'two hash browns' or "
    "'remove the latte'."
)


class Ordering:
    """The cart side of the dialogue, shared by the actions that change or show it."""

    def __init__(self, backend: MerchantBackend, settings: Settings) -> None:
        self.backend = backend
        self.settings = settings

    async def menu(self, tracker: Tracker) -> Menu:
        """The menu of the merchant in use, every item included."""
        return await self.backend.menu(
            merchant_id_of(tracker, self.settings), include_unavailable=True
        )

    async def say_cart(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        state: OrderState,
        menu: Menu,
        lead: str,
        question: str = ANYTHING_ELSE,
        kind: QuestionKind = QuestionKind.MORE_OR_DONE,
        subject: dict[str, Any] | None = None,
    ) -> list[EventType]:
        """Say the cart with its total (priced by the merchant), show it, and ask."""
        if not state.cart:
            ask_text = question if kind != QuestionKind.MORE_OR_DONE else "What would you like?"
            dispatcher.utter_message(
                text=f"{lead} Your cart is empty. {ask_text}".strip(), json_message=expect(kind)
            )
            return [ask(tracker, kind, subject)]
        quote, account, stores = await asyncio.gather(
            self.backend.quote(
                merchant_id_of(tracker, self.settings), [line.request() for line in state.cart]
            ),
            self.backend.account(tracker.sender_id, merchant_id_of(tracker, self.settings)),
            self.backend.stores(merchant_id_of(tracker, self.settings)),
        )
        store_id = state.store_id or account.default_store_id
        store_name = pickup_store_name(tracker, stores, store_id)
        pickup = pickup_words(state.pickup_time)
        items = join_words([describe_line(line.request(), menu) for line in state.cart])
        card = cart_payload(quote, StoreRef(id=store_id, name=store_name), pickup)
        dispatcher.utter_message(
            text=f"{lead} Your cart: {items}. Total {format_money(quote.total)}, pickup at "
            f"{store_name}, {pickup}. {question}".strip(),
            json_message=expect(kind, cart=card),
        )
        return [ask(tracker, kind, subject)]

    async def update(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, intent: str | None = None
    ) -> list[EventType]:
        """Add, change or remove lines from what the customer just said."""
        state = OrderState.from_tracker(tracker)
        intent = intent or latest_intent(tracker)[0]
        text = str(tracker.latest_message.get("text") or "")
        if (which := await self.answer_which(dispatcher, tracker)) is not None:
            return which  # "the large one", after "Which one do you mean: ...?"
        chosen = await answer_store_choice(self.backend, self.settings, dispatcher, tracker)
        if chosen is not None:
            return chosen  # "the second one", after stores were offered
        offer = await answer_slot_offer(self.backend, self.settings, dispatcher, tracker)
        if offer is not None:
            return offer  # "ok that one please", after a full pickup time's next was offered
        choosing = Choosing(self.backend, self.settings)
        if (merchant_answer := await choosing.answer(dispatcher, tracker)) is not None:
            return merchant_answer  # "the second one", after "Which shop ...?"
        switch = await choosing.for_order(dispatcher, tracker, intent)
        if switch is not None:  # "a cortado", which only another merchant sells
            events, waits = switch  # waits: a question was asked, nothing is ordered yet
            return events if waits else events + await self.update(dispatcher, tracker, intent)
        menu = await self.menu(tracker)
        entities, restarted = corrections.after_self_correction(text, latest_entities(tracker))
        heard = edits.read_edit(entities)
        if (
            heard
            and heard.verb == REMOVE
            and (
                intent == "change_item"
                or heard.ordered
                or (
                    intent == "order_item"
                    and carts.all_in_cart(state.cart, carts.read_entities(entities).mentions, menu)
                )
            )
        ):
            # "actually scrap the extra soy milk, the combo is enough" heard as a change,
            # "add a cortado and remove the latte" or "wait, scrap the cola" (in the cart)
            # heard as an order: the verb removes, whatever DIET made of the rest.
            intent = "remove_item"
        # "take off the hash brown and add a youtiao", "make the fries large and add a cola":
        # the edit is done with the rest of the words, and what the order part names added.
        entities, then = edits.ordered_beside_edit(entities)
        ordered = carts.read_entities(then).mentions
        if (intent == "remove_item" or not corrections.adds_items(text)) and (
            kind := edits.kind_said_as_item(text, entities, state.cart, menu)
        ):
            # "put oat milk in the coffee" over a Cold Brew: that line; "delete both
            # coffees" over an Americano and a Latte: both
            entities = kind
        said = carts.read_entities(entities)
        edit = edits.read_edit(entities)
        if intent == "remove_item" and (edit is None or edit.verb != REMOVE) and said.takes_back:
            # "hold the caramel on the mocha", heard as a removal: the caramel goes, not
            # the mocha (no removal verb was said)
            intent = "change_item"
        if (
            intent == "remove_item"
            and edit is None
            and not said.mentions
            and (said.loose.quantity or said.loose.options)
            and corrections.corrects(text)
        ):
            # "hmm, actually only one" right after three burgers, heard as a removal (the
            # "only"): a count said as a correction sets the line under discussion, as it
            # does when heard as a no or "that's it" (actions/answers.py, ActionReadback).
            intent = "change_item"
        if intent == "remove_item" and edit and edit.orders:
            # "I'll take two of those", "another one of them" heard as a removal: the
            # customer orders, and an order verb never takes anything away.
            intent = "order_item"
        if edit and edit.verb is None and intent == "remove_item" and edits.points_at_lines(edit):
            # "take one of them off", "scratch the last one": the removal DIET heard is the
            # verb (without one, "one of them" would read as a new count of one).
            edit = edit.copy(update={"verb": REMOVE})
        if intent != "remove_item" and (
            combo_part := edits.drink_named_as_line(state.cart, edit, said.mentions, menu)
        ):
            edit = combo_part  # "make the soy milk large" over a combo with a soy milk
        asked = _asked_about(tracker)
        if (
            edit
            and edit.verb is None
            and edit.target.count
            and asked
            and not {m.sku for m in said.mentions} & {m.sku for m in asked}
        ):
            # "how much is a medium americano?" ... "ok, I'll take two of those": the item
            # asked about, with an option said beside it ("one of those with oat milk"),
            # and before any other item named with it ("one of those and a youtiao").
            those = [
                replace(m, quantity=edit.target.count, options={**m.options, **said.loose.options})
                for m in asked
            ]
            said = replace(said, mentions=[*those, *said.mentions], loose=Mention())
            intent = "order_item"
        elif (
            edits.points_at_lines(edit)
            and edit
            and (
                edit.verb
                or not said.mentions
                or edits.names_combo_drink(state.cart, edit, said.mentions, menu)
            )
        ):  # "remove the last one", "the drink should be a soy milk"
            return await self._edit(dispatcher, tracker, edit, said, menu, entities, ordered)
        # An unsure item is asked about before it is added; one named to be removed is
        # removed only if it is in the cart, so no question is needed.
        unsure = [
            m
            for m in said.mentions
            if m.check and not m.strong and menu.find(m.sku or "") and intent != "remove_item"
        ]
        # "a large lad": a strong guess is added, and named so it can be taken off.
        guessed = [m for m in said.mentions if m.check and m.strong and intent == "order_item"]
        mentions = [m for m in said.mentions if m not in unsure]
        before = state.cart
        touched: list[carts.Line] = []
        if (
            intent == "order_item"
            and edit is not None
            and edit.verb == CHANGE
            and (edit.target.pointer or not corrections.orders_made(text))
            and mentions
            and carts.all_in_cart(before, mentions, menu)
        ):
            # "no wait, make that two lattes", "change the lattes to three" with lattes in
            # the cart: DIET may hear an order, but an edit verb over lines the cart holds
            # never adds ("make me two more lattes" does).
            intent = "change_item"
        if (
            intent == "order_item"
            and edit is not None
            and edit.target.definite
            and any(m.options or m.unavailable for m in mentions)
            and not any(m.quantity for m in mentions)
            and not corrections.adds_items(text)
            and carts.all_in_cart(before, mentions, menu)
        ):
            # "and the cappuccino with non-fat milk" with a cappuccino in the cart: "the"
            # names that line, with what changes on it (or what it cannot have, said
            # back); DIET hears an order.
            intent = "change_item"
        if (
            intent == "order_item"
            and mentions
            and corrections.corrects(text)
            and not corrections.adds_items(text)
            and carts.all_in_cart(before, mentions, menu)
        ):
            # "oh wait, big fries" right after fries, "too many youtiao, just three": a
            # correction of that line.
            intent = "change_item"
        if (
            intent == "change_item"
            and mentions
            and carts.none_in_cart(before, mentions, menu)
            and (
                restarted
                or carts.repeats_an_item(mentions)
                or not before
                or corrections.adds_items(text)
            )
        ):
            # "a latte, actually an americano", "two lattes, one of them large", "no
            # wait, add a hash brown", or any change with nothing in the cart: DIET hears
            # a change, the customer orders.
            intent = "order_item"
        discussed = Mention(sku=state.last_sku) if state.last_sku else None
        if mentions and intent != "remove_item" and _restated_after_complaint(tracker, text):
            # "a chicken burger and fries" ... "that's not what I said" ... "I said a chicken
            # burger and a cola": the restatement replaces what was heard in the message
            # complained about (the fries go, the burger is not doubled); lines from before
            # it stay, but none of the items now named twice.
            touched = [line for m in mentions if (line := carts.resolve(m, menu))]
            restated = {line.sku for line in touched}
            heard_over = _cart_before_complained_message(tracker)
            base = before if heard_over is None else heard_over
            kept = [line for line in base if line.sku not in restated]
            after, lead = carts.add(kept, touched, menu), "Changed."
        elif intent == "remove_item":
            if not mentions and discussed and corrections.refers_back(text):
                mentions = [discussed]  # "remove that"
            unclear = edits.unclear_removal(before, mentions, menu)
            clear = [m for m in mentions if m is not unclear]
            after, lead = carts.remove(before, clear, menu), "Removed."
            if unclear and len(edits.lines_of(after, unclear, menu)) > 1:
                # "remove a mocha" over an almond and a decaf one: ask, remove none of them
                outcome, removal = edits.which_removal(after, unclear, menu)
                lead = lead if after != before else ""
                return await self._ask_which(
                    dispatcher, tracker, state, after, outcome, removal, [], menu, lead
                )
            after = carts.remove(after, [unclear] if unclear else [], menu)
        elif intent == "change_item" or (
            not said.mentions and (said.loose.quantity or said.loose.options)
        ):
            after = carts.change(
                before,
                mentions,
                said.loose,
                menu,
                state.last_sku,
                refers_back=corrections.refers_back(text),
                adds=corrections.adds_to_line(text),
                # "can one of the lattes be a large": that one is split off the line
                part=edit.target.count if edit and edit.verb != REMOVE else None,
            )
            lead = "Changed."
            touched = [line for line in after if line not in before]
        else:
            touched = [line for m in mentions if (line := carts.resolve(m, menu))]
            after = carts.add(before, touched, menu)
            lead = _added(touched, mentions, menu, hint=not _cannot(mentions, menu))
            if guessed and (lines := [ln for m in guessed if (ln := carts.resolve(m, menu))]):
                names = join_words([describe_line(line.request(), menu) for line in lines])
                the = join_words([f"the {item_name(line.sku, menu)}" for line in lines])
                lead += f" I took that to be {names}; say 'remove {the}' if not."
        if ordered and (added := [ln for m in ordered if (ln := carts.resolve(m, menu))]):
            after, touched = carts.add(after, added, menu), [*touched, *added]
            lead = lead if lead.startswith("Added") else "Changed."
        cannot = _cannot(mentions, menu, on_it=len(touched) == 1)
        if cannot and after != before and intent != "remove_item":
            lead = f"{lead[:-1]}; {cannot}."  # "Added a Latte; we don't have ... here."
        missed = not_caught(said.unplaced)
        if after == before and not unsure and not said.mentions and _names_pickup(tracker):
            # "actually make it people's square instead": a change of where, not of what
            return await ActionSetPickup(self.backend, self.settings).act(dispatcher, tracker)
        if (
            after == before
            and not unsure
            and not said.mentions
            and not said.unplaced
            and corrections.closes_order(text)
        ):  # "my mistake, the order is right. That's all", heard as a change: read it back
            return await Checkout(self.backend, self.settings).readback(dispatcher, tracker)
        if after == before and not unsure:
            pending = open_question(tracker)
            if not entities and pending is not None and pending.kind == QuestionKind.PAY:
                # Words that name nothing at "Shall I pay ...?" ("blorf wibble", which DIET
                # may hear as an order): the payment question is asked again, as for any
                # unclear answer, rather than dropped for "anything else?".
                return await Checkout(self.backend, self.settings).reask(
                    dispatcher, tracker, UNCLEAR
                )
            return self._nothing_changed(dispatcher, tracker, said, state, menu, intent)
        if after == before:
            lead = f"I didn't catch {missed}." if missed else ""
        elif missed:  # "I added 2 Egg & Sausage Muffins; I didn't catch 'a large lad'."
            done = f"I {lead[0].lower()}{lead[1:-1]}" if lead.startswith("Added") else lead[:-1]
            lead = f"{done}; I didn't catch {missed}."
        new_state = state.with_cart(after, touched).with_pickup(
            latest_entity(tracker, "store"), latest_entity(tracker, "pickup_time")
        )
        events = new_state.events()
        if after != before and awaiting_order(tracker):
            events += await Checkout(self.backend, self.settings).abandon(dispatcher, tracker)
        if not unsure and corrections.closes_order(text):  # "..., that's all"
            checkout = Checkout(self.backend, self.settings)
            return events + await checkout.readback(dispatcher, tracker, lead, new_state)
        # "Did you mean a Youtiao?" passed over with another order: still asked, never
        # dropped in silence.
        carried = open_guesses(tracker)
        if unsure or carried:
            lines = [line for m in unsure if (line := carts.resolve(m, menu))]
            described = join_words([describe_line(line.request(), menu) for line in lines])
            also = join_words([describe_line(line.request(), menu) for line in carried])
            question = " ".join(
                [f"Did you mean {described}?"] * bool(lines)
                + [f"I also wasn't sure about {also}: add {'that too' if lines else 'it'}?"]
                * bool(carried)
            )
            return events + await self.say_cart(
                dispatcher,
                tracker,
                new_state,
                menu,
                lead,
                question=question,
                kind=QuestionKind.CHECK_ITEM,
                subject={"lines": carts.lines_to_slot([*lines, *carried])},
            )
        return events + await self.say_cart(dispatcher, tracker, new_state, menu, lead)

    async def _edit(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        edit: CartEdit,
        said: carts.Utterance,
        menu: Menu,
        entities: list[Any],
        ordered: list[carts.Mention],
    ) -> list[EventType]:
        """An edit that names its lines by position, quantifier, pointer or part (and the
        items ordered beside it: "make the last one large and add a cola")."""
        state = OrderState.from_tracker(tracker)
        if said.unplaced:
            # "make one of them decaf" where nothing is decaf: what it cannot do is said
            # back and nothing changes ("one of them" alone would read as a new count).
            return self._nothing_changed(dispatcher, tracker, said, state, menu, "change_item")
        parts = [(e, carts.read_entities(inside)) for e, inside in edits.edits_by_part(entities)]
        if parts:  # "make the first one iced and the second one decaf"
            outcome = edits.apply_all(state.cart, parts, menu, state.last_sku)
        else:
            outcome = edits.apply(state.cart, edit, said, menu, state.last_sku)
        if outcome is None:
            return self._nothing_changed(dispatcher, tracker, said, state, menu, "change_item")
        if outcome.question:  # "Which one do you mean: ...?": the answer comes back here
            return await self._ask_which(
                dispatcher, tracker, state, state.cart, outcome, edit, entities, menu
            )
        if added := [line for m in ordered if (line := carts.resolve(m, menu))]:
            cart = carts.add(outcome.cart, added, menu)
            outcome = replace(outcome, cart=cart, touched=[*outcome.touched, *added])
        return await self._edited(dispatcher, tracker, state, edit, outcome, said, menu)

    async def _ask_which(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        state: OrderState,
        cart: list[carts.Line],
        outcome: edits.Outcome,
        edit: CartEdit,
        entities: list[Any],
        menu: Menu,
        lead: str = "",
    ) -> list[EventType]:
        """Ask which line an edit means (the one pending question: the answer comes back
        to `answer_which`), with the cart as it is now (`cart`: after what was clear)."""
        subject = {
            "candidates": carts.lines_to_slot(outcome.candidates),
            "edit": edit.json(exclude_defaults=True),
            "entities": [dict(e) for e in entities if e.get("entity") != edits.EDIT_ENTITY],
        }
        events: list[EventType] = []
        if cart != state.cart:
            state = state.with_cart(cart, [])
            events = state.events()
            if awaiting_order(tracker):
                events += await Checkout(self.backend, self.settings).abandon(dispatcher, tracker)
        return events + await self.say_cart(
            dispatcher,
            tracker,
            state,
            menu,
            lead,
            question=outcome.question,
            kind=QuestionKind.WHICH_LINE,
            subject=subject,
        )

    async def answer_which(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType] | None:
        """The answer to "Which one do you mean: ...?" ("the large one", "the second",
        "the latte") applies the edit asked about to that line; None when the message
        is no such answer (it is then read as anything else would be)."""
        question = open_question(tracker)
        if question is None or question.kind != QuestionKind.WHICH_LINE:
            return None
        edit = edits.read_edit(
            [{"entity": edits.EDIT_ENTITY, "value": question.subject.get("edit")}]
        )
        if edit is None:
            return None
        menu = await self.menu(tracker)
        state = OrderState.from_tracker(tracker)
        answer = latest_entities(tracker)
        candidates = carts.lines_from_slot(question.subject.get("candidates"))
        said_now = carts.read_entities(answer)
        index = edits.chosen_candidate(
            state.cart, candidates, said_now, edits.read_edit(answer), menu
        )
        if (
            index is None
            and said_now.mentions
            and all(
                m.sku in {c.sku for c in candidates} and m.quantity is None
                for m in said_now.mentions
            )
        ):  # "the latte", when both are Lattes: still which one, not one more
            names = [describe_line(line.request(), menu) for line in candidates]
            ask_again = f"Sorry, which one: {join_words(names).replace(' and ', ' or ')}?"
            return await self.say_cart(
                dispatcher,
                tracker,
                state,
                menu,
                "",
                ask_again,
                QuestionKind.WHICH_LINE,
                question.subject,
            )
        if index is None:
            return None
        said = carts.read_entities(question.subject.get("entities") or [])
        outcome = edits.change_lines(state.cart, [index], edit, said, menu)
        return await self._edited(dispatcher, tracker, state, edit, outcome, said, menu)

    async def _edited(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        state: OrderState,
        edit: CartEdit,
        outcome: edits.Outcome,
        said: carts.Utterance,
        menu: Menu,
    ) -> list[EventType]:
        """Say the cart an edit left."""
        if outcome.cart == state.cart:
            return self._nothing_changed(dispatcher, tracker, said, state, menu, "change_item")
        new_state = state.with_cart(outcome.cart, outcome.touched)
        events = new_state.events()
        if awaiting_order(tracker):
            events += await Checkout(self.backend, self.settings).abandon(dispatcher, tracker)
        lead = "Removed." if edit.verb == REMOVE else "Changed."
        if outcome.refused:  # "Changed all but the Youtiao, which doesn't come that way."
            names = join_words([f"the {item_name(line.sku, menu)}" for line in outcome.refused])
            lead = f"Changed all but {names}, which {_does(outcome.refused)}n't come that way."
        return events + await self.say_cart(dispatcher, tracker, new_state, menu, lead)

    def _nothing_changed(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        said: carts.Utterance,
        state: OrderState,
        menu: Menu,
        intent: str,
    ) -> list[EventType]:
        """Say what could not be done; the cart question stays open."""
        options = {
            **said.loose.options,
            **{k: v for m in said.mentions for k, v in m.options.items()},
        }
        item = menu.find(state.last_sku or "") if state.cart else None
        known = [m for m in said.mentions if menu.find(m.sku or "")]
        absent = [m for m in known if carts.find(state.cart, m, menu, strict=False) is None]
        cannot = _cannot(
            [*said.mentions, replace(said.loose, sku=state.last_sku if item else None)], menu
        )
        if said.unplaced:
            text = f"Sorry, I didn't catch {not_caught(said.unplaced)}."
        elif cannot and intent != "remove_item":
            text = f"Sorry, {cannot}."
        elif absent and intent in ("remove_item", "change_item"):
            # Removing or changing what the cart does not hold: say so rather than add it.
            said_names = dict.fromkeys(item_name(m.sku, menu) for m in absent)  # each once
            names = join_words(list(said_names)).replace(" and ", " or ")
            text = f"There's no {names} in your cart."
        elif options and item is not None and not said.mentions:
            text = f"Sorry, the {item.name} doesn't come that way."
        else:
            text = NOT_CAUGHT
        if not state.cart:
            dispatcher.utter_message(text=text)
            return [answered()]
        dispatcher.utter_message(
            text=f"{text} {ANYTHING_ELSE}", json_message=expect(QuestionKind.MORE_OR_DONE)
        )
        return [ask(tracker, QuestionKind.MORE_OR_DONE)]

    async def add_checked(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        subject: dict[str, Any],
        missed: list[str] | None = None,
    ) -> list[EventType]:
        """Yes to "Did you mean ...?": add what was asked about (and say back the words
        said with the yes that named nothing, `missed`)."""
        menu = await self.menu(tracker)
        state = OrderState.from_tracker(tracker)
        lines = carts.lines_from_slot(subject.get("lines"))
        new_state = state.with_cart(carts.add(state.cart, lines, menu), lines)
        events = new_state.events()
        if awaiting_order(tracker):
            events += await Checkout(self.backend, self.settings).abandon(dispatcher, tracker)
        lead = _added(lines, [line.to_mention() for line in lines], menu)
        if missed:
            lead = f"{lead[:-1]}; I didn't catch {not_caught(missed)}."
        if subject.get("then") == THEN_READBACK and not missed:
            checkout = Checkout(self.backend, self.settings)
            return events + await checkout.readback(
                dispatcher, tracker, lead, new_state, ask_guesses=False
            )
        return events + await self.say_cart(dispatcher, tracker, new_state, menu, lead)

    async def drop_checked(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, subject: dict[str, Any]
    ) -> list[EventType]:
        """No to "Did you mean ...?": leave it out, and say so."""
        menu = await self.menu(tracker)
        lines = carts.lines_from_slot(subject.get("lines"))
        names = join_words([describe_line(line.request(), menu) for line in lines]) or "that"
        lead = f"OK, I've left out {names}."
        state = OrderState.from_tracker(tracker)
        if subject.get("then") == THEN_READBACK:
            checkout = Checkout(self.backend, self.settings)
            return await checkout.readback(dispatcher, tracker, lead, state, ask_guesses=False)
        return await self.say_cart(dispatcher, tracker, state, menu, lead)


def _previous_message(tracker: Tracker) -> dict[str, Any]:
    """What the NLU read in the customer's message before this one (empty if none)."""
    users = customer_messages(tracker)
    return dict(users[-2].get("parse_data") or {}) if len(users) > 1 else {}


def _restated_after_complaint(tracker: Tracker, text: str) -> bool:
    """ "I said ...", or the order said plainly in answer to "What should I change?", just
    after "that's not what I said"; not words that add to it ("and a cola", "also a latte")."""
    adds = corrections.adds_items(text) or text.lstrip().lower().startswith("and ")
    if not corrections.restates(text) and adds:
        return False
    complaint = edits.read_edit(_previous_message(tracker).get("entities") or [])
    return complaint is not None and complaint.verb == COMPLAIN


def _cart_before_complained_message(tracker: Tracker) -> list[carts.Line] | None:
    """The cart as it was before the message that "that's not what I said" was about (the
    one before the complaint); None when there was no such message."""
    cart: Any = None
    at_each_message: list[Any] = []  # the cart slot when each customer message came in
    for event in tracker.events:
        if said_by_customer(event):
            at_each_message.append(cart)
        elif event.get("event") == "slot" and event.get("name") == "cart":
            cart = event.get("value")
    # [-1]: before this restatement, [-2]: before the complaint, [-3]: before what it was about
    if len(at_each_message) < 3:
        return None
    return carts.lines_from_slot(at_each_message[-3])


def _asked_about(tracker: Tracker) -> list[carts.Mention]:
    """The items the customer's previous message asked about ("how much is a latte?")."""
    previous = _previous_message(tracker)
    intent = str((previous.get("intent") or {}).get("name") or "")
    if not intent.startswith("ask_"):
        return []
    return carts.read_entities(previous.get("entities") or []).mentions


def _does(lines: list[carts.Line]) -> str:
    return "do" if len(lines) > 1 else "does"


def _names_pickup(tracker: Tracker) -> bool:
    return bool(latest_entity(tracker, "store") or latest_entity(tracker, "pickup_time"))


def _added(
    lines: list[carts.Line], mentions: list[carts.Mention], menu: Menu, hint: bool = True
) -> str:
    """'Added a medium Latte; say 'large' to change the size.' (the hint if `hint`)"""
    if not lines:
        return ""
    # "one decaf latte and one regular" where nothing tells them apart is "2 Lattes".
    names = join_words([describe_line(line.request(), menu) for line in carts.add([], lines, menu)])
    size_hint = ""
    if hint and len(lines) == 1 and not any(carts.SIZE_GROUP in m.options for m in mentions):
        item = menu.find(lines[0].sku)
        size = item.group(carts.SIZE_GROUP) if item else None
        other = _next_size(size) if size else None
        if other is not None:
            size_hint = f"; say '{other.name.lower()}' to change the size"
    return f"Added {names}{size_hint}."


def _cannot(mentions: list[carts.Mention], menu: Menu, on_it: bool = False) -> str:
    """What was asked for that the items cannot have, in the customer's words: "we don't
    have decaf for the Latte or large for the Cola here" ("for it" when `on_it`: the
    reply names just one item)."""
    said: dict[str, list[str]] = {}
    for mention in mentions:
        if mention.sku and menu.find(mention.sku) and not mention.check:
            words = said.setdefault(mention.sku, [])
            words += [w.lower() for w in mention.unavailable if w.lower() not in words]
    one = on_it and len(said) == 1
    parts = [
        f"{_join_or(words)} for {'it' if one else 'the ' + item_name(sku, menu)}"
        for sku, words in said.items()
        if words
    ]
    return f"we don't have {_join_or(parts)} here" if parts else ""


def _join_or(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def _next_size(group: OptionGroup) -> OptionChoice | None:
    """The size after the default (the one people upsize to), else the one before it."""
    ids = [c.id for c in group.choices]
    if group.default not in ids or len(ids) < 2:
        return None
    at = ids.index(group.default)
    return group.choices[at + 1] if at + 1 < len(ids) else group.choices[at - 1]
