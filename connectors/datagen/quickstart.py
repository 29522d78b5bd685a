"""The quickstart schemas of Confluent's kafka-connect-datagen that this connector generates:
users, orders and pageviews, with the fields, Connect types and value ranges of Confluent's Avro
files (ksql.users, ksql.orders, ksql.pageviews), and their default key fields.

A record is a function of (seed, index) only: `Quickstart.value(seed, index)` draws every random
field from a generator seeded with both, and the "iteration" fields (orders' orderid, pageviews'
viewtime) count with the index. So the same seed gives the same records whatever the timing, the
batching or the restarts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Tuple

import sluice_sdk as sdk

Generator = Callable[[random.Random, int], Any]

# Confluent's ranges for the time fields (ms since the epoch, early 2017 to early 2018).
TIME_MIN, TIME_MAX = 1487715775521, 1519273364600


def _digits(rng: random.Random, rest: int) -> str:
    """[1-9][0-9]{0,rest}: each length equally likely."""
    return rng.choice("123456789") + "".join(rng.choice("0123456789")
                                             for _ in range(rng.randint(0, rest)))


def _optional_digits(rng: random.Random, up_to: int) -> str:
    """[1-9]{0,up_to}: each length equally likely."""
    return "".join(rng.choice("123456789") for _ in range(rng.randint(0, up_to)))


@dataclass(frozen=True)
class Quickstart:
    name: str
    key_field: str
    schema: sdk.Schema
    fields: Tuple[Tuple[str, Any], ...]  # (field name, Generator or nested Quickstart fields)

    def value(self, seed: int, index: int) -> sdk.Struct:
        rng = random.Random(f"{seed}:{index}")
        return _build(self.schema, self.fields, rng, index)


def _build(schema: sdk.Schema, fields: Tuple[Tuple[str, Any], ...], rng: random.Random,
           index: int) -> sdk.Struct:
    s = sdk.Struct(schema)
    for name, gen in fields:
        if isinstance(gen, tuple):  # a nested record: (schema, fields)
            s.put(name, _build(gen[0], gen[1], rng, index))
        else:
            s.put(name, gen(rng, index))
    return s


def _struct(name: str, fields: List[Tuple[str, sdk.Schema]]) -> sdk.Schema:
    b = sdk.SchemaBuilder.struct().name(name)
    for field_name, schema in fields:
        b.field(field_name, schema)
    return b.build()


_USERS = _struct("ksql.users", [("registertime", sdk.INT64_SCHEMA), ("userid", sdk.STRING_SCHEMA),
                               ("regionid", sdk.STRING_SCHEMA), ("gender", sdk.STRING_SCHEMA)])
_ADDRESS = _struct("ksql.address", [("city", sdk.STRING_SCHEMA), ("state", sdk.STRING_SCHEMA),
                                   ("zipcode", sdk.INT64_SCHEMA)])
_ORDERS = _struct("ksql.orders", [("ordertime", sdk.INT64_SCHEMA), ("orderid", sdk.INT32_SCHEMA),
                                 ("itemid", sdk.STRING_SCHEMA), ("orderunits", sdk.FLOAT64_SCHEMA),
                                 ("address", _ADDRESS)])
_PAGEVIEWS = _struct("ksql.pageviews", [("viewtime", sdk.INT64_SCHEMA),
                                       ("userid", sdk.STRING_SCHEMA), ("pageid", sdk.STRING_SCHEMA)])

QUICKSTARTS: Dict[str, Quickstart] = {
    "users": Quickstart("users", "userid", _USERS, (
        ("registertime", lambda rng, i: rng.randint(TIME_MIN, TIME_MAX - 1)),
        ("userid", lambda rng, i: "User_" + _optional_digits(rng, 1)),          # User_[1-9]{0,1}
        ("regionid", lambda rng, i: "Region_" + _optional_digits(rng, 1)),      # Region_[1-9]?
        ("gender", lambda rng, i: rng.choice(("MALE", "FEMALE", "OTHER"))),
    )),
    "orders": Quickstart("orders", "orderid", _ORDERS, (
        ("ordertime", lambda rng, i: rng.randint(TIME_MIN, TIME_MAX - 1)),
        ("orderid", lambda rng, i: i % (1 << 31)),                              # iteration from 0
        ("itemid", lambda rng, i: "Item_" + _digits(rng, 2)),              # Item_[1-9][0-9]{0,2}
        ("orderunits", lambda rng, i: rng.uniform(0.1, 10.0)),
        ("address", (_ADDRESS, (
            ("city", lambda rng, i: "City_" + _optional_digits(rng, 2)),        # City_[1-9]{0,2}
            ("state", lambda rng, i: "State_" + _optional_digits(rng, 2)),      # State_[1-9]{0,2}
            ("zipcode", lambda rng, i: rng.randint(10000, 99999)),
        ))),
    )),
    "pageviews": Quickstart("pageviews", "viewtime", _PAGEVIEWS, (
        ("viewtime", lambda rng, i: 1 + 10 * i),                                # iteration 1, step 10
        ("userid", lambda rng, i: "User_" + rng.choice("123456789")),           # User_[1-9]
        ("pageid", lambda rng, i: "Page_" + _digits(rng, 1)),              # Page_[1-9][0-9]?
    )),
}
