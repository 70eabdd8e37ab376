"""Synthetic menu packs for the catalogue-scale benchmark (issue 17 §5): real packs, the
same every time, with items many brands sell."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from merchant.__main__ import main
from merchant.packs import load_packs
from merchant.packs.synthetic import MAX_ITEMS, MIN_ITEMS, brands, generate_packs

COUNT = 24


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    generate_packs(folder, COUNT)
    return folder


def test_every_generated_pack_passes_check_pack(
    generated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for folder in sorted(generated.iterdir()):
        assert main(["check-pack", str(folder)]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out.count(": ok: ") == COUNT


def test_generated_packs_load_with_the_platforms_loader(generated: Path) -> None:
    packs = load_packs(generated)
    assert len(packs) == COUNT
    assert all(MIN_ITEMS <= len(pack.items) <= MAX_ITEMS for pack in packs)
    assert all(2 <= len(pack.stores) <= 5 for pack in packs)  # the catalogue, not stores
    sellers = Counter(item.sku for pack in packs for item in pack.items)
    assert max(sellers.values()) >= COUNT // 4, "common items are sold by many brands"
    own = [sku for sku, count in sellers.items() if count == 1]
    assert len(own) > COUNT, "and each brand has signature items of its own"
    names = Counter(item.name for pack in packs for item in pack.items)
    assert all(names[item.name] == 1 for pack in packs for item in pack.items if item.sku in own)


def test_generation_is_deterministic(generated: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    main(["generate-packs", "--count", str(COUNT), "--out", str(again)])
    files = sorted(path.relative_to(generated) for path in generated.rglob("*") if path.is_file())
    assert files == sorted(path.relative_to(again) for path in again.rglob("*") if path.is_file())
    assert all((generated / f).read_bytes() == (again / f).read_bytes() for f in files)
    other = tmp_path / "other"
    generate_packs(other, COUNT, seed=18)
    assert sorted(p.name for p in other.iterdir()) != sorted(p.name for p in generated.iterdir())


def test_1100_brands_have_1100_different_names() -> None:
    made = brands(1100)
    assert len({brand.id for brand in made}) == 1100
    assert len({brand.short_name.lower() for brand in made}) == 1100
    assert not {brand.id for brand in made} & {"copper-kettle", "golden-crumb", "harbour-inn"}
