"""Synthetic menu packs: many made-up brands, for the catalogue-scale benchmark (issue 17 §5).

`generate_packs(out, count, seed)` writes `count` pack folders under `out` (the folder
the caller names: a temp dir in benchmarks and tests; never committed), each a real pack
that `python -m merchant check-pack` and `merchant.packs.loader` accept:

- a made-up brand ("Amberfield Coffee", called "Amberfield") of one kind (coffee, tea,
  bakery, burgers, noodles), each prefix+suffix pair used by one brand only;
- 20 to 60 items: common items of its kind's categories that many brands sell under the
  same sku, as real chains do (hundreds sell a "Latte"), and signature items whose names
  (adjective + flavour + base: "Smoky Lychee Latte") no other brand uses;
- option groups drawn from a small vocabulary (size, milk, shots, sweetness, ice...),
  each brand offering the default and some of the other choices, at its own prices;
- a small generated store network (a few stores), so the benchmark measures the
  catalogue, not millions of stores.

Everything comes from `random.Random(seed)` and `synthetic_words.yml`: the same seed
makes the same packs, byte for byte, on any machine; nothing is downloaded.
"""

from __future__ import annotations

import functools
import itertools
import random
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

WORDS_FILE = "synthetic_words.yml"
DEFAULT_SEED = 17
MIN_ITEMS, MAX_ITEMS = 20, 60
# The share of a brand's items that are its own signature items (the rest are common).
SIGNATURE_SHARE = (0.3, 0.6)
STORES_PER_BRAND = (2, 5)
STORES_HEADER = "id,name,address,city,district,lat,lon,opens,closes,services,landmarks,aliases\n"
HOURS = ("07:00-22:00", "08:00-21:00", "10:00-22:00")


@dataclass(frozen=True)
class Brand:
    """One synthetic brand: its pack id, display name, short name and kind."""

    id: str
    name: str
    short_name: str
    kind: str


@functools.cache
def words() -> dict[str, Any]:
    text = resources.files("merchant.packs").joinpath(WORDS_FILE).read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def brands(count: int, seed: int = DEFAULT_SEED) -> list[Brand]:
    """`count` brands, each with a prefix+suffix pair no other brand has."""
    vocabulary = words()
    pairs = list(itertools.product(vocabulary["brand_prefixes"], vocabulary["brand_suffixes"]))
    if count > len(pairs):
        raise ValueError(f"at most {len(pairs)} synthetic brands (asked for {count})")
    rng = random.Random(seed)
    rng.shuffle(pairs)
    kinds = sorted(vocabulary["kinds"])
    found = []
    for prefix, suffix in pairs[:count]:
        kind = rng.choice(kinds)
        short = f"{prefix}{suffix}"
        name = f"{short} {vocabulary['kinds'][kind]['word']}"
        found.append(Brand(id=slug(name), name=name, short_name=short, kind=kind))
    return found


def generate_packs(out: Path, count: int, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write `count` synthetic packs under `out` (created if missing); their folders."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    signatures = _signature_names(rng)
    folders = []
    for number, brand in enumerate(brands(count, seed)):
        folder = out / brand.id
        folder.mkdir(exist_ok=True)
        catalogue = _catalogue(brand, rng, signatures)
        (folder / "pack.yml").write_text(_manifest(brand, number, rng), encoding="utf-8")
        (folder / "catalogue.yml").write_text(catalogue, encoding="utf-8")
        (folder / "stores.csv").write_text(STORES_HEADER, encoding="utf-8")
        folders.append(folder)
    return folders


def _signature_names(rng: random.Random) -> dict[str, list[str]]:
    """Per base ("Latte"), every adjective + flavour name, shuffled: popped one at a time,
    so no two brands share a signature item's name."""
    vocabulary = words()
    bases = sorted(b for kind in vocabulary["kinds"].values() for b in kind["bases"])
    names = {}
    for base in bases:
        pool = [
            f"{adjective} {flavour} {base}"
            for adjective in vocabulary["adjectives"]
            for flavour in vocabulary["flavours"]
        ]
        rng.shuffle(pool)
        names[base] = pool
    return names


def _manifest(brand: Brand, number: int, rng: random.Random) -> str:
    manifest = {
        "id": brand.id,
        "names": [brand.name, brand.short_name],
        "kind": "menu",
        "currency": "CNY",
        "timezone": "Asia/Shanghai",
        "hours": {},
        "pickup": {
            "slot_minutes": 10,
            "slot_capacity": rng.randint(3, 8),
            "prep_minutes": rng.randint(3, 12),
            "uncollected_after_minutes": 30,
        },
        "catalogue": "catalogue.yml",
        "stores": "stores.csv",
        "network": {
            "stores": rng.randint(*STORES_PER_BRAND),
            "seed": number + 1,
            "id_prefix": f"syn{number + 1:04d}",
            "hours": [rng.choice(HOURS)],
            "services": ["pickup"],
        },
    }
    header = f"# {brand.name}: a synthetic brand (merchant/packs/synthetic.py), not a real one.\n"
    return header + _dump(manifest)


def _catalogue(brand: Brand, rng: random.Random, signatures: dict[str, list[str]]) -> str:
    vocabulary = words()
    kind = vocabulary["kinds"][brand.kind]
    groups = {group_id: _group(group_id, rng) for group_id in sorted(vocabulary["groups"])}
    common = [row for category in kind["categories"] for row in vocabulary["common"][category]]
    total = rng.randint(MIN_ITEMS, MAX_ITEMS)
    own = min(round(total * rng.uniform(*SIGNATURE_SHARE)), total)
    chosen = rng.sample(common, min(len(common), total - own))
    own = total - len(chosen)
    items = [_common_item(row, groups, rng) for row in chosen]
    bases = sorted(kind["bases"])
    for _ in range(own):
        # the first base with names left (a pool runs dry only past ~1,000 per base)
        start = rng.randrange(len(bases))
        base = next(b for b in bases[start:] + bases[:start] if signatures[b])
        name = signatures[base].pop()
        items.append(
            {
                "sku": f"{brand.id}-{slug(name)}",
                "name": name,
                "category": "signature",
                "daypart": "all_day",
                "price": rng.randrange(1800, 4800, 100),
                "options": [groups[g] for g in kind["bases"][base]],
            }
        )
    used = {g["id"] for item in items for g in item["options"]}
    catalogue = {
        "option_groups": {gid: group for gid, group in groups.items() if gid in used},
        "items": items,
    }
    header = f"# {brand.name}'s catalogue (synthetic). Prices are integer fen.\n"
    return header + _dump(catalogue)


def _dump(data: dict[str, Any]) -> str:
    """YAML through libyaml when it is there (ten times faster for 1,100 packs)."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return str(yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True))


def _group(group_id: str, rng: random.Random) -> dict[str, Any]:
    """A brand's version of one option group: the default (priced 0) and at least one
    other choice, each other choice at a price of this brand's."""
    name, default, choices = words()["groups"][group_id]
    others = [choice for choice in choices if choice[0] != default]
    kept = set(map(tuple, rng.sample([c[:2] for c in others], rng.randint(1, len(others)))))
    return {
        "id": group_id,
        "name": name,
        "default": default,
        "choices": [
            {
                "id": choice_id,
                "name": choice_name,
                "price": 0 if choice_id == default else rng.randrange(0, 600, 100),
                "aliases": list(aliases),
            }
            for choice_id, choice_name, aliases in choices
            if choice_id == default or (choice_id, choice_name) in kept
        ],
    }


def _common_item(
    row: list[Any], groups: dict[str, dict[str, Any]], rng: random.Random
) -> dict[str, Any]:
    sku, name, aliases, group_ids = row
    return {
        "sku": sku,
        "name": name,
        "category": _category_of(sku),
        "daypart": "all_day",
        "price": rng.randrange(1200, 4200, 100),
        "aliases": list(aliases),
        "options": [groups[g] for g in group_ids],
    }


@functools.cache
def _categories() -> dict[str, str]:
    return {row[0]: category for category, rows in words()["common"].items() for row in rows}


def _category_of(sku: str) -> str:
    return {"coffee": "drink", "cold": "drink", "tea": "tea", "mains": "main"}.get(
        _categories()[sku], _categories()[sku]
    )
