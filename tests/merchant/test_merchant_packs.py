"""Merchant packs: a merchant is data (issue 17 §1). A new pack copied from the template is
served after a restart with no code change, and `check-pack` names the file, line and field
of what is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from merchant_harness import new_secret

from merchant.__main__ import main
from merchant.app import create_app
from merchant.packs import DEFAULT_PACKS_DIR, PackError, load_pack, load_packs
from merchant.settings import Settings

TEMPLATE = DEFAULT_PACKS_DIR / "_template"


def tea_shop(packs_dir: Path) -> Path:
    """A fourth merchant, made as a person would: copy the template, edit its files."""
    folder = packs_dir / "jade-leaf"
    shutil.copytree(TEMPLATE, folder)
    manifest = (folder / "pack.yml").read_text(encoding="utf-8")
    manifest = manifest.replace("id: my-shop ", "id: jade-leaf ").replace(
        "names: [My Shop, the shop]", "names: [Jade Leaf Tea House, Jade Leaf, the tea shop]"
    )
    (folder / "pack.yml").write_text(manifest, encoding="utf-8")
    (folder / "catalogue.yml").write_text(
        """\
items:
  - sku: oolong
    name: Tieguanyin Oolong
    category: tea
    daypart: all_day
    price: 2800
    options:
      - id: size
        name: Size
        default: pot
        choices:
          - {id: pot, name: Pot, price: 0, aliases: [teapot, a pot]}
          - {id: cup, name: Cup, price: -1000, aliases: [a cup, one cup]}
    aliases: [tieguanyin, iron goddess, oolong tea]
  - sku: mooncake
    name: Lotus Mooncake
    category: snack
    daypart: all_day
    price: 1500
    aliases: [mooncake, moon cake]
""",
        encoding="utf-8",
    )
    (folder / "stores.csv").write_text(
        "id,name,address,city,district,lat,lon,opens,closes,services,landmarks,aliases\n"
        'jl-west-lake,West Lake,"2 Beishan Street, Xihu District, Hangzhou",Hangzhou,Xihu,'
        "30.2590,120.1480,09:00,21:00,pickup,West Lake|Broken Bridge,west lake|xihu\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def packs_dir(tmp_path: Path) -> Path:
    """A copy of the repository's packs, so a test may add one."""
    folder = tmp_path / "packs"
    shutil.copytree(DEFAULT_PACKS_DIR, folder)
    return folder


def test_a_pack_copied_from_the_template_is_served_after_a_restart(
    packs_dir: Path, tmp_path: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        packs_dir=packs_dir,
        jwt_secret=new_secret(),
        service_token=new_secret(),
        fixed_now="2026-11-24T10:00:00+08:00",
    )
    with TestClient(create_app(settings)) as client:
        ids = [merchant["id"] for merchant in client.get("/merchants").json()["merchants"]]
        assert ids == ["copper-kettle", "golden-crumb", "harbour-inn"]

    tea_shop(packs_dir)  # the platform is stopped; the same database is kept

    with TestClient(create_app(settings)) as client:
        merchants = {m["id"]: m for m in client.get("/merchants").json()["merchants"]}
        assert set(merchants) == {"copper-kettle", "golden-crumb", "harbour-inn", "jade-leaf"}
        assert merchants["jade-leaf"]["name"] == "Jade Leaf Tea House"
        menu = client.get("/merchants/jade-leaf/menu").json()["items"]
        assert [(item["sku"], item["price"]) for item in menu] == [
            ("oolong", 2800),
            ("mooncake", 1500),
        ]
        stores = client.get("/merchants/jade-leaf/stores").json()["stores"]
        assert [store["name"] for store in stores] == ["West Lake"]
        quote = client.post(
            "/merchants/jade-leaf/quotes",
            json={"items": [{"sku": "oolong", "quantity": 2, "options": {"size": "cup"}}]},
        )
        assert quote.json()["total"] == 2 * 1800
        lexicon_words = client.get("/merchants/jade-leaf/menu").json()["items"][0]["aliases"]
        assert "iron goddess" in lexicon_words


def test_the_template_itself_is_not_a_merchant(packs_dir: Path) -> None:
    assert "my-shop" not in {pack.id for pack in load_packs(packs_dir)}
    assert load_pack(TEMPLATE).id == "my-shop"  # yet it is a valid pack to copy


def broken(packs_dir: Path, file: str, old: str, new: str) -> Path:
    folder = tea_shop(packs_dir)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("file", "old", "new", "line", "field", "words"),
    [
        # A price that is not a number, on line 6 of the catalogue.
        ("catalogue.yml", "price: 2800", "price: lots", 6, "items[0].price", "integer"),
        # A choice default that is not one of the choices: the option group's line (8).
        ("catalogue.yml", "default: pot", "default: jug", 8, "items[0].options[0]", "default"),
        # A breakfast item in a pack without breakfast hours.
        (
            "catalogue.yml",
            "daypart: all_day\n    price: 1500",
            "daypart: breakfast\n    price: 1500",
            18,
            "items[1].daypart",
            "no breakfast hours",
        ),
        # A kind the platform does not know.
        ("pack.yml", "kind: menu ", "kind: shop ", 12, "kind", "permitted"),
        # An example phrase that is a list, not a sentence.
        ("phrases.yml", "- two cookies please", "- [two, cookies]", 4, "[1]", "str type"),
        # A store whose latitude is off the globe, on line 2 of the feed.
        ("stores.csv", "30.2590", "130.2590", 2, "lat", "less than or equal to 90"),
    ],
)
def test_check_pack_names_the_file_line_and_field(
    packs_dir: Path,
    capsys: pytest.CaptureFixture[str],
    file: str,
    old: str,
    new: str,
    line: int,
    field: str,
    words: str,
) -> None:
    folder = broken(packs_dir, file, old, new)
    assert main(["check-pack", str(folder)]) == 1
    printed = capsys.readouterr().err
    assert f"{folder / file}:{line}: {field}: " in printed, printed
    assert words in printed
    with pytest.raises(PackError):
        load_packs(packs_dir)  # the platform refuses to start on it, for the same reason


def test_check_pack_accepts_the_shipped_packs(capsys: pytest.CaptureFixture[str]) -> None:
    for pack in ("golden-crumb", "copper-kettle", "harbour-inn"):
        assert main(["check-pack", str(DEFAULT_PACKS_DIR / pack)]) == 0
    printed = capsys.readouterr().out
    assert "ok: Golden Crumb" in printed
    assert "ok: Harbour Inn (booking, 3 items, 40 stores" in printed


@pytest.mark.parametrize(
    ("file", "old", "new", "line", "field", "words"),
    [
        # A booking pack's hours are its check-in and check-out times.
        ("pack.yml", 'check_out: "12:00"', 'breakfast: "06:00-10:00"', 12, "hours", "check_in"),
        ("pack.yml", 'check_in: "14:00"', 'check_in: "2pm"', 12, "hours", "HH:MM"),
        # Without a free-cancellation window the platform could not answer a cancel.
        ("pack.yml", "cancel: {free_until_minutes_before: 1440}", "", 5, "cancel", "free"),
        # A room count that is not a number, on the Standard Double (line 10).
        ("catalogue.yml", "rooms: 8", "rooms: many", 10, "room_types[0].rooms", "integer"),
        # A room that sleeps nobody.
        (
            "catalogue.yml",
            "guests: 2\n    rooms: 6",
            "guests: 0\n    rooms: 6",
            17,
            "room_types[1].guests",
            "greater than or equal to 1",
        ),
    ],
)
def test_check_pack_refuses_a_broken_booking_pack(
    packs_dir: Path,
    capsys: pytest.CaptureFixture[str],
    file: str,
    old: str,
    new: str,
    line: int,
    field: str,
    words: str,
) -> None:
    path = packs_dir / "harbour-inn" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    assert main(["check-pack", str(path.parent)]) == 1
    printed = capsys.readouterr().err
    assert f"{path}:{line}: {field}: " in printed, printed
    assert words in printed
    with pytest.raises(PackError):
        load_packs(packs_dir)


def test_an_edited_store_reaches_the_database_on_the_next_start(
    packs_dir: Path, tmp_path: Path
) -> None:
    """Starts skip rewriting stores whose pack is unchanged; an edit must still land, for
    a hand-named store and for the generated network alike."""
    settings = Settings(
        data_dir=tmp_path / "data",
        packs_dir=packs_dir,
        jwt_secret=new_secret(),
        service_token=new_secret(),
    )
    create_app(settings).state.runtime.database.dispose()
    feed = packs_dir / "copper-kettle" / "stores.csv"
    text = feed.read_text(encoding="utf-8")
    assert text.count(",08:00,21:00,") == 1  # Wukang Road's hours
    feed.write_text(text.replace(",08:00,21:00,", ",09:00,20:00,"), encoding="utf-8")
    manifest = packs_dir / "copper-kettle" / "pack.yml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("stores: 300", "stores: 320"),
        encoding="utf-8",
    )
    with TestClient(create_app(settings)) as client:
        listed = client.get("/merchants/copper-kettle/stores").json()["stores"]
        wukang = next(store for store in listed if store["id"] == "ck-wukang-road")
        assert (wukang["opens"], wukang["closes"]) == ("09:00", "20:00")
        assert client.get("/merchants/copper-kettle").json()["store_count"] == 320
        assert client.get("/merchants/golden-crumb").json()["store_count"] == 5000


def test_an_edited_item_reaches_the_database_on_the_next_start(
    packs_dir: Path, tmp_path: Path
) -> None:
    """Items are written in bulk (1,100 packs hold 44,000 items): a changed price or a
    new item still lands on the next start, and the unchanged ones stay."""
    settings = Settings(
        data_dir=tmp_path / "data",
        packs_dir=packs_dir,
        jwt_secret=new_secret(),
        service_token=new_secret(),
    )
    create_app(settings).state.runtime.database.dispose()
    catalogue = packs_dir / "copper-kettle" / "catalogue.yml"
    text = catalogue.read_text(encoding="utf-8")
    assert text.count("    price: 3500\n") == 1  # the Mocha's
    text = text.replace("    price: 3500\n", "    price: 3600\n")
    text += (
        "  - sku: affogato\n    name: Affogato\n    category: drink\n    daypart: all_day\n"
        "    price: 3800\n"
    )
    catalogue.write_text(text, encoding="utf-8")
    with TestClient(create_app(settings)) as client:
        menu = client.get("/merchants/copper-kettle/menu", params={"all": "true"}).json()
        prices = {item["sku"]: item["price"] for item in menu["items"]}
        assert (prices["mocha"], prices["affogato"], prices["latte"]) == (3600, 3800, 3200)
        assert [item["sku"] for item in menu["items"]][-1] == "affogato"
