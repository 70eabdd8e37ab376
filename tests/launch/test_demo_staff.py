"""`make run` / `make serve` give every demo store a staff account that can sign in."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from launch.demo_staff import create_demo_staff
from merchant.app import create_app
from merchant.packs import load_packs
from merchant.settings import Settings

SECRET = "k" * 40


def sign_in(client: TestClient, staff_id: str, password: str) -> int:
    body = {"staff_id": staff_id, "password": password}
    return client.post("/identity/staff/sign-in", json=body).status_code


def test_each_demo_store_gets_a_staff_account_with_the_printed_password(tmp_path: Path) -> None:
    environment = {"ORDERLY_DATA_DIR": str(tmp_path), "ORDERLY_JWT_SECRET": SECRET}
    staff = create_demo_staff(environment, None)
    assert {"gc-peoples-square", "ck-xintiandi"} <= set(staff.store_ids)
    # Only the stores the packs name (Harbour Inn's 40 hotels among them), not the
    # thousands of the generated network.
    named = [store.id for pack in load_packs() for store in pack.listed]
    assert sorted(staff.store_ids) == sorted(named) and len(named) < 100
    assert len(staff.password) >= 12
    assert f"/staff and sign in as {staff.store_ids[0]}" in staff.instructions("http://m")
    assert staff.password in staff.instructions("http://m")
    # A second start makes a new password; the first one stops working.
    again = create_demo_staff(environment, "chosen-by-operator")
    client = TestClient(create_app(Settings(data_dir=tmp_path, jwt_secret=SECRET)))
    assert sign_in(client, "ck-xintiandi", "chosen-by-operator") == 200
    assert sign_in(client, "ck-xintiandi", staff.password) == 401
    me = client.get(
        "/staff/me",
        headers={
            "Authorization": "Bearer "
            + client.post(
                "/identity/staff/sign-in",
                json={"staff_id": again.store_ids[0], "password": "chosen-by-operator"},
            ).json()["token"]
        },
    ).json()
    assert [store["id"] for store in me["stores"]] == [again.store_ids[0]]
