"""Which customer each Home Assistant device orders for, linked once by its owner.

``python -m launch link-device DEVICE_ID --customer CUSTOMER_ID`` checks the customer's
password at the merchant platform's sign-in and then records the link here: one JSON file
(``$ORDERLY_DATA_DIR/wyoming-devices.json``, owner-only), written whole and atomically,
read by the Wyoming channel again whenever it changes. A device is named by Home
Assistant's ``device_id`` or ``satellite_id`` (the ``context`` of each transcript).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from channels.identity import CUSTOMER_ID

DEVICE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")


class LinkError(ValueError):
    """A link that cannot be made; the message says why."""


def check_ids(device_id: str, customer_id: str) -> None:
    """:class:`LinkError` unless both ids can be linked."""
    if not DEVICE_ID.match(device_id):
        raise LinkError(
            f"{device_id!r} is not a device id (1 to 128 of A-Z a-z 0-9 _ . : -): use "
            "Home Assistant's device id or the satellite's entity id."
        )
    if not CUSTOMER_ID.match(customer_id):
        raise LinkError(f"{customer_id!r} is not a customer id.")


class DeviceLinks:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[int, int] | None = None
        self._customers: dict[str, str] = {}

    def customer_of(self, *device_ids: str | None) -> str | None:
        """The customer the first linked of ``device_ids`` orders for, or None."""
        customers = self._current()
        for device_id in device_ids:
            if device_id and device_id in customers:
                return customers[device_id]
        return None

    def link(self, device_id: str, customer_id: str) -> None:
        check_ids(device_id, customer_id)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # two owners linking at once both keep theirs
            devices = self._read()
            devices[device_id] = {
                "customer_id": customer_id,
                "linked_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            }
            draft = self.path.with_suffix(f".{os.getpid()}.tmp")
            descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w") as file:
                json.dump({"devices": devices}, file, indent=2, sort_keys=True)
            os.replace(draft, self.path)

    def _current(self) -> dict[str, str]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._seen, self._customers = None, {}
            return self._customers
        if self._seen != (stat.st_mtime_ns, stat.st_size):
            self._customers = {
                device: str(entry["customer_id"])
                for device, entry in self._read().items()
                if isinstance(entry, dict) and CUSTOMER_ID.match(str(entry.get("customer_id")))
            }
            self._seen = (stat.st_mtime_ns, stat.st_size)
        return self._customers

    def _read(self) -> dict[str, Any]:
        try:
            stored = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        except ValueError as error:
            raise LinkError(f"{self.path} is not valid JSON ({error}); fix or remove it.") from None
        devices = stored.get("devices") if isinstance(stored, dict) else None
        return dict(devices) if isinstance(devices, dict) else {}
