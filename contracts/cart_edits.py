"""What an utterance does to lines already in the cart (contract C2, `edit` entity).

The NLU (bot/nlu/edit_targets.py) reads the verb and the words that point at cart lines;
the actions (actions/edits.py) resolve that target against the cart. The new values
(counts, options, another item) travel as the usual C2 entities beside it. Both sides use
these models: the entity's value is ``CartEdit.json()`` and is read with
``CartEdit.parse_raw``.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, Extra, Field

EDIT_ENTITY: Final = "edit"

Verb = Literal["remove", "change", "complain"]
REMOVE: Final = "remove"
CHANGE: Final = "change"
COMPLAIN: Final = "complain"


class Target(BaseModel):
    """The cart lines (or the part inside them) an edit is about, as the customer said it.

    Empty means the line under discussion ("make that three", "no wait, a small one").
    """

    # "the second thing" is 2, "the last one" is -1.
    position: int | None = None
    # "that", "it", "them", "those": the line under discussion.
    pointer: bool = False
    # "one of them", "two of those": that many of the line (a split when fewer).
    count: int | None = Field(default=None, ge=1, le=99)
    # "both", "all of them", "all the lattes": every line of the item, whole.
    every: bool = False
    # A part inside the line: "the drink" (in my combo) is the combo's `drink` group.
    part: str | None = None
    # A kind of item, a menu category: "change THE TEA to a wild strawberry" is the line
    # whose item is a tea.
    kind: str | None = None
    # How many lines from the position, or of the kind or item, are meant: "the last TWO",
    # "the first two", "the TWO teas" (never a count of items).
    lines: int | None = Field(default=None, ge=2, le=99)
    # Every item named is said with "the" and no count ("and THE cappuccino with non-fat
    # milk"): the lines of it the cart holds, not more of it.
    definite: bool = False
    # "the other one", "the other latte": of the two lines of the item under discussion,
    # the one the previous message did not single out (the one without its options).
    other: bool = False
    # An option said with "the" and no item, as "group:choice": "switch THE CARAMEL to
    # hazelnut", "get rid of THE ALMOND ONE" are the lines that have it.
    option: str | None = None

    class Config:
        extra = Extra.forbid
        frozen = True


class CartEdit(BaseModel):
    """One utterance's verb and target.

    `verb`: remove ("delete", "drop", "scrap"), change ("make", "switch", "change") or
    complain ("that's not what I said": nothing changes, the assistant asks). None when
    only the target was heard ("two of those"), or an order verb (then `orders`).
    """

    verb: Verb | None = None
    target: Target = Field(default_factory=Target)
    # Said with an order verb and no other ("I'll take two of those", "give me three of
    # them", "another one of those"): the customer wants what is pointed at, so whatever
    # the intent, nothing is removed.
    orders: bool = False
    # Parts of the message that order beside a removal, as (start, end) offsets in its
    # text: "take off the hash brown AND ADD A YOUTIAO", "ADD A CORTADO and remove the
    # latte", "drop the mocha, A COLD BREW INSTEAD". What is named there is added.
    ordered: tuple[tuple[int, int], ...] = ()
    # Parts of a removal's message that name what stays, as offsets: "drop the soy milk,
    # I ONLY WANT THE COMBO", "THE COMBO ALREADY HAS A DRINK, so remove the soy milk".
    # Nothing named there is removed or ordered.
    kept: tuple[tuple[int, int], ...] = ()

    class Config:
        extra = Extra.forbid
        frozen = True
