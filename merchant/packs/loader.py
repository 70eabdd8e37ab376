"""Reads and checks packs: `load_pack(folder)` for one, `load_packs(packs_dir)` for all.

Errors are collected, not raised one at a time: `PackError.problems` lists every problem
found, each naming the file, the line and the field (`catalogue.yml:42: items[3].price:
...`). YAML line numbers come from the composed node tree, CSV lines from the row number.
"""

from __future__ import annotations

import csv
import functools
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, SequenceNode

from merchant.packs.network import generate_network
from merchant.packs.schema import (
    BOOKING,
    Catalogue,
    Manifest,
    MerchantPack,
    Phrases,
    RoomType,
    RoomTypes,
    StoreRow,
    catalogue_problems,
)

MANIFEST = "pack.yml"
# Folders whose name starts with this are not merchants (packs/_template/).
SKIPPED_PREFIX = "_"
DEFAULT_PACKS_DIR = Path(__file__).resolve().parents[2] / "packs"
# What generated stores depend on besides the pack, and how stores become rows.
HERE = Path(__file__).resolve().parent
GENERATOR_FILES = tuple(
    HERE / name for name in ("network.py", "cities.csv", "districts.csv", "schema.py")
)

# libyaml's loader where PyYAML was built with it: the same YAML, parsed ten times faster
# (1,100 packs load in seconds, not minutes). Lines for errors still come from `compose`.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Model = TypeVar("Model", bound=BaseModel)
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    file: Path
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else str(self.file)
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class PackError(ValueError):
    """A pack that does not pass its schema; `problems` says where and why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def load_packs(packs_dir: Path | None = None) -> list[MerchantPack]:
    """Every pack under `packs_dir` (default: `packs/` beside `merchant/`), by folder name.

    Cached on the files' modification times: a test platform started a hundred times
    reads and generates the 5,000 stores once, and an edited pack is read again."""
    folder = (packs_dir or DEFAULT_PACKS_DIR).resolve()
    return list(_load_packs_cached(folder, _fingerprint(folder)))


def pack_folders(packs_dir: Path) -> list[Path]:
    return sorted(
        path
        for path in packs_dir.iterdir()
        if path.is_dir() and not path.name.startswith((SKIPPED_PREFIX, "."))
    )


@functools.lru_cache(maxsize=8)
def _load_packs_cached(folder: Path, fingerprint: tuple[Any, ...]) -> tuple[MerchantPack, ...]:
    if not folder.is_dir():
        raise PackError([Problem(folder, None, "", "no packs folder here")])
    packs = tuple(load_pack(path) for path in pack_folders(folder))
    ids = [pack.id for pack in packs]
    stores: dict[str, str] = {}
    problems = []
    for pack in packs:
        for store in pack.stores:
            other = stores.setdefault(store.id, pack.id)
            if other != pack.id:
                where = folder / pack.id / "stores.csv"
                problems.append(Problem(where, None, "id", f"store {store.id} is also {other}'s"))
    if len(set(ids)) != len(ids) or problems:
        raise PackError(problems or [Problem(folder, None, "id", "two packs share an id")])
    return packs


def _fingerprint(folder: Path) -> tuple[Any, ...]:
    if not folder.is_dir():
        return ()
    return tuple(
        (str(path), path.stat().st_mtime_ns, path.stat().st_size)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    )


def load_pack(folder: Path) -> MerchantPack:
    """Read and check one pack folder; raises `PackError` listing every problem."""
    manifest_file = folder / MANIFEST
    manifest = _parse_yaml(manifest_file, Manifest)
    # A folder the platform skips (packs/_template/) may keep a placeholder id to copy.
    if manifest.id != folder.name and not folder.name.startswith(SKIPPED_PREFIX):
        node = _yaml_nodes(manifest_file)
        line = _line(node, ("id",))
        raise PackError(
            [Problem(manifest_file, line, "id", f"{manifest.id} must equal the folder name")]
        )
    if manifest.phrases is not None:
        _parse_yaml(folder / manifest.phrases, Phrases)
    catalogue_file = folder / manifest.catalogue
    room_types: tuple[RoomType, ...] = ()
    if manifest.kind == BOOKING:
        # A booking pack's catalogue is its room types, served as items of their own.
        room_types = _parse_yaml(catalogue_file, RoomTypes).room_types
        catalogue = Catalogue(items=tuple(room.as_item() for room in room_types))
    else:
        catalogue = _parse_yaml(catalogue_file, Catalogue)
    crossed = catalogue_problems(catalogue.items, manifest.breakfast)
    if crossed:
        node = _yaml_nodes(catalogue_file)
        raise PackError(
            [Problem(catalogue_file, _line(node, loc), _field(loc), msg) for loc, msg in crossed]
        )
    feed = read_stores(folder / manifest.stores, manifest.pickup.slot_capacity)
    try:
        network = (
            generate_network(manifest.network, feed, manifest.pickup.slot_capacity)
            if manifest.network
            else []
        )
    except ValueError as error:
        line = _line(_yaml_nodes(manifest_file), ("network", "cities"))
        raise PackError([Problem(manifest_file, line, "network.cities", str(error))]) from error
    try:
        return MerchantPack(
            id=manifest.id,
            name=manifest.names[0],
            names=manifest.names,
            kind=manifest.kind,
            currency=manifest.currency,
            timezone=manifest.timezone,
            breakfast=manifest.breakfast,
            pickup=manifest.pickup,
            cancel=manifest.cancel,
            stores=(*feed, *network),
            items=catalogue.items,
            room_types=room_types,
            stay_times=manifest.stay_times,
            listed_stores=len(feed),
            stores_digest=_digest(manifest_file, folder / manifest.stores, *GENERATOR_FILES),
        )
    except ValidationError as error:
        # Only the rules across files are left (the files passed one by one): a store id
        # the feed and the network share.
        raise PackError([Problem(folder, None, "", str(error))]) from error


def _digest(*files: Path) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_stores(path: Path, slot_capacity: int) -> list[StoreRow]:
    """The stores feed: a CSV with a header line; problems name the line and the column."""
    if not path.is_file():
        raise PackError([Problem(path, None, "", "the stores feed is missing")])
    problems: list[Problem] = []
    rows: list[StoreRow] = []
    seen: dict[str, int] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            line = reader.line_num
            fields = {key: value for key, value in row.items() if key is not None}
            if None in row:
                problems.append(Problem(path, line, "", "more values than columns"))
                continue
            try:
                store = StoreRow.parse_obj(fields)
            except ValidationError as error:
                problems.extend(
                    Problem(path, line, _field(err["loc"]), err["msg"]) for err in error.errors()
                )
                continue
            if store.id in seen:
                problems.append(
                    Problem(path, line, "id", f"{store.id} is already on line {seen[store.id]}")
                )
                continue
            seen[store.id] = line
            if store.slot_capacity is None:
                store = store.copy(update={"slot_capacity": slot_capacity})
            rows.append(store)
    if problems:
        raise PackError(problems)
    return rows


def _parse_yaml(path: Path, model: type[Model]) -> Model:
    if not path.is_file():
        raise PackError([Problem(path, None, "", "file not found")])
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.load(text, Loader=_FAST_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise PackError([Problem(path, line, "", f"not valid YAML: {error}")]) from error
    try:
        return model.parse_obj(data)
    except ValidationError as error:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        raise PackError(
            [
                Problem(path, _line(node, err["loc"]), _field(err["loc"]), err["msg"])
                for err in error.errors()
            ]
        ) from error


def _yaml_nodes(path: Path) -> Node | None:
    return yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)


def _line(node: Node | None, loc: Iterable[str | int]) -> int | None:
    """The line (1-based) of the deepest node `loc` reaches: the field itself when it is
    there, else the mapping that lacks it."""
    if node is None:
        return None
    for key in loc:
        if key == "__root__":
            continue  # a whole-file list, or a rule over the node reached so far
        if isinstance(node, MappingNode):
            found = next((value for name, value in node.value if name.value == str(key)), None)
            if found is None:
                break
            node = found
        elif isinstance(node, SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
    return int(node.start_mark.line) + 1


def _field(loc: Iterable[str | int]) -> str:
    """`('items', 3, 'price')` as `items[3].price`."""
    text = ""
    for key in loc:
        if key == "__root__":
            continue
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text
