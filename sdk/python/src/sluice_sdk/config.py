"""Typed connector configuration, as Kafka's ConfigDef (and the C++ SDK's config_def.h).

Each key has a type, an optional default (no default = required), a validator and
documentation. The worker shows the definitions through GET /connector-plugins/{p}/config and
uses them in validate; error messages are Kafka's.

    config_def = (ConfigDef()
        .define("topic", ConfigType.STRING, importance=Importance.HIGH,
                validator=validators.non_empty_string(),
                documentation="The topic to publish data to"))
    parsed = config_def.parse(props)      # raises ConfigException listing every error
    topic = parsed["topic"]

A ConfigDef is not meant to change after its definitions; reading it from several threads is
safe then.
"""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Union

ConfigValue = Union[None, bool, int, float, str, List[str]]


class ConfigException(ValueError):
    """A configuration error; its message is shown to the user as is."""


class ConfigType(enum.Enum):
    BOOLEAN = "BOOLEAN"
    STRING = "STRING"
    INT = "INT"
    SHORT = "SHORT"
    LONG = "LONG"
    DOUBLE = "DOUBLE"
    LIST = "LIST"
    CLASS = "CLASS"
    PASSWORD = "PASSWORD"


class Importance(enum.Enum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


class Width(enum.Enum):
    NONE = "NONE"
    SHORT = "SHORT"
    MEDIUM = "MEDIUM"
    LONG = "LONG"


class Validator:
    """Checks one parsed value; raises ConfigException with the user's message. `doc` describes
    the rule for the documentation ("[1,...]")."""

    def __init__(self, check: Callable[[str, ConfigValue], None], doc: str = "") -> None:
        self._check = check
        self.doc = doc

    def __call__(self, name: str, value: ConfigValue) -> None:
        self._check(name, value)

    def __str__(self) -> str:
        return self.doc


@dataclass
class ConfigKey:
    name: str
    type: ConfigType = ConfigType.STRING
    # None: no default, the key is required (unless null_default).
    default_value: Optional[str] = None
    null_default: bool = False
    validator: Optional[Validator] = None
    importance: Importance = Importance.MEDIUM
    documentation: str = ""
    group: Optional[str] = None
    order_in_group: int = -1
    width: Width = Width.NONE
    display_name: str = ""
    dependents: List[str] = field(default_factory=list)
    recommended_values: List[str] = field(default_factory=list)

    @property
    def required(self) -> bool:
        return self.default_value is None and not self.null_default


@dataclass
class ConfigValueResult:
    """The result of validating one key, as Kafka's ConfigValue."""

    name: str
    value: Optional[str] = None
    recommended_values: List[str] = field(default_factory=list)
    errors: List[str] = field(default_factory=list)
    visible: bool = True


def java_trim(s: str) -> str:
    """Java's String.trim(): strips every character <= U+0020 from both ends."""
    b, e = 0, len(s)
    while b < e and s[b] <= " ":
        b += 1
    while e > b and s[e - 1] <= " ":
        e -= 1
    return s[b:e]


def _java_double_to_string(d: float) -> str:
    if math.isnan(d):
        return "NaN"
    if math.isinf(d):
        return "Infinity" if d > 0 else "-Infinity"
    if d == 0:
        return "-0.0" if math.copysign(1.0, d) < 0 else "0.0"
    a = abs(d)
    if 1e-3 <= a < 1e7:
        r = repr(d)
        return r if "." in r or "e" in r else r + ".0"
    # Java's scientific form: 1.0E7, 1.234E-5 (shortest digits, as repr gives them).
    digits = repr(d)
    if "e" in digits:
        mantissa, exponent = digits.split("e")
    else:
        # repr chose positional notation (e.g. 12345678.0): rebuild d.ddd from its digits.
        sign = "-" if d < 0 else ""
        whole, _, frac = digits.lstrip("-").partition(".")
        all_digits = (whole + frac).lstrip("0")
        exponent = str(len(whole) - 1)
        all_digits = all_digits.rstrip("0") or "0"
        mantissa = sign + all_digits[0] + "." + (all_digits[1:] or "0")
    if "." not in mantissa:
        mantissa += ".0"
    return f"{mantissa}E{int(exponent)}"


def java_to_string(value: ConfigValue) -> str:
    """How Java's toString shows a parsed value inside "Invalid value <v> ..." messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _java_double_to_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    return str(value)


def config_value_to_string(value: ConfigValue, type_: ConfigType) -> Optional[str]:
    """Kafka's ConfigDef.convertToString: as validate shows a value ("[hidden]" for a password,
    a list joined with ","); None for null."""
    if value is None:
        return None
    if type_ is ConfigType.PASSWORD:
        return "[hidden]"
    if isinstance(value, list):
        return ",".join(value)
    return java_to_string(value)


def _invalid(name: str, value: str, why: str) -> ConfigException:
    return ConfigException(f"Invalid value {value} for configuration {name}: {why}")


_INT_RE = re.compile(r"[+-]?[0-9]+\Z")
_DOUBLE_RE = re.compile(r"[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?)\Z")
_BOUNDS = {ConfigType.INT: 32, ConfigType.SHORT: 16, ConfigType.LONG: 64}


def parse_value(key: ConfigKey, text: str) -> ConfigValue:
    """Parses one value as the key's type (Kafka's ConfigDef.parseType rules: trimmed; booleans
    case-insensitive; lists split on ',' with items trimmed, "" = the empty list)."""
    trimmed = java_trim(text)
    t = key.type
    if t is ConfigType.BOOLEAN:
        if trimmed.lower() == "true":
            return True
        if trimmed.lower() == "false":
            return False
        raise _invalid(key.name, text, "Expected value to be either true or false")
    if t in (ConfigType.STRING, ConfigType.CLASS, ConfigType.PASSWORD):
        return trimmed
    if t in _BOUNDS:
        bits = _BOUNDS[t]
        if _INT_RE.match(trimmed):
            v = int(trimmed)
            if -(1 << (bits - 1)) <= v < (1 << (bits - 1)):
                return v
        raise _invalid(key.name, text, f"Not a number of type {t.value}")
    if t is ConfigType.DOUBLE:
        if _DOUBLE_RE.match(trimmed):
            body = trimmed.rstrip("fFdD") if not trimmed.endswith("Infinity") else trimmed
            return float(body.replace("Infinity", "inf"))
        raise _invalid(key.name, text, f"Not a number of type {t.value}")
    if t is ConfigType.LIST:
        if trimmed == "":
            return []
        return [item.strip() for item in trimmed.split(",")]
    raise ConfigException(f"unknown config type {t}")


class ParsedConfig(Mapping[str, ConfigValue]):
    """Parsed values by key name (read-only mapping)."""

    def __init__(self, values: Dict[str, ConfigValue]) -> None:
        self._values = dict(values)

    def __getitem__(self, name: str) -> ConfigValue:
        return self._values[name]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def get_string(self, name: str) -> str:
        v = self._values[name]
        return "" if v is None else str(v)

    def get_int(self, name: str) -> int:
        v = self._values[name]
        return 0 if v is None else int(v)  # type: ignore[arg-type]

    def get_bool(self, name: str) -> bool:
        return bool(self._values[name])

    def get_double(self, name: str) -> float:
        v = self._values[name]
        return 0.0 if v is None else float(v)  # type: ignore[arg-type]

    def get_list(self, name: str) -> List[str]:
        v = self._values[name]
        return [] if v is None else list(v)  # type: ignore[arg-type]


class ConfigDef:
    def __init__(self) -> None:
        self._keys: List[ConfigKey] = []
        self._by_name: Dict[str, ConfigKey] = {}

    def define(self, name: str, type: ConfigType = ConfigType.STRING, *,
               default: Union[str, int, float, bool, Sequence[str], None] = None,
               null_default: bool = False, validator: Optional[Validator] = None,
               importance: Importance = Importance.MEDIUM, documentation: str = "",
               group: Optional[str] = None, order_in_group: int = -1,
               width: Width = Width.NONE, display_name: str = "",
               dependents: Iterable[str] = (),
               recommended_values: Iterable[str] = ()) -> "ConfigDef":
        """Adds a key. A default is given as its string form or as a Python value of the type
        (True, 5, 1.5, ["a", "b"]); no default and no null_default = required. Defining the
        same name twice raises ValueError."""
        return self.define_key(ConfigKey(
            name=name, type=type, default_value=_default_text(default), null_default=null_default,
            validator=validator, importance=importance, documentation=documentation, group=group,
            order_in_group=order_in_group, width=width, display_name=display_name,
            dependents=list(dependents), recommended_values=list(recommended_values)))

    def define_key(self, key: ConfigKey) -> "ConfigDef":
        if key.name in self._by_name:
            raise ValueError(f"Configuration {key.name} is defined twice.")
        self._keys.append(key)
        self._by_name[key.name] = key
        return self

    def merge(self, other: "ConfigDef") -> "ConfigDef":
        for key in other.keys:
            if key.name not in self._by_name:
                self.define_key(key)
        return self

    @property
    def keys(self) -> List[ConfigKey]:
        return list(self._keys)

    def find(self, name: str) -> Optional[ConfigKey]:
        return self._by_name.get(name)

    def _resolve(self, key: ConfigKey, props: Mapping[str, str], errors: List[str]) -> ConfigValue:
        if key.name in props:
            try:
                return parse_value(key, props[key.name])
            except ConfigException as e:
                errors.append(str(e))
                return None
        if key.default_value is not None:
            try:
                return parse_value(key, key.default_value)
            except ConfigException as e:
                errors.append(f"Invalid default value for configuration {key.name}: {e}")
                return None
        if not key.null_default:
            errors.append(f'Missing required configuration "{key.name}" which has no default value.')
        return None

    def parse(self, props: Mapping[str, str]) -> ParsedConfig:
        """Parses every defined key (string -> typed), with defaults and validators. Raises
        ConfigException whose message lists every error, one per line."""
        values: Dict[str, ConfigValue] = {}
        errors: List[str] = []
        for key in self._keys:
            before = len(errors)
            value = self._resolve(key, props, errors)
            if len(errors) != before:
                continue
            if key.validator is not None:
                try:
                    key.validator(key.name, value)
                except ConfigException as e:
                    errors.append(str(e))
                    continue
            values[key.name] = value
        if errors:
            raise ConfigException("\n".join(errors))
        return ParsedConfig(values)

    def validate(self, props: Mapping[str, str],
                 null_keys: Set[str] = frozenset()) -> List[ConfigValueResult]:  # type: ignore[assignment]
        """One result per defined key, in definition order, with its errors. `null_keys` were
        given as a JSON null: present but null (validators see None)."""
        results = []
        for key in self._keys:
            result = ConfigValueResult(name=key.name, recommended_values=list(key.recommended_values))
            value = None if key.name in null_keys else self._resolve(key, props, result.errors)
            # As Kafka does, the validator also sees the null left by a value that did not parse.
            if key.validator is not None:
                try:
                    key.validator(key.name, value)
                except ConfigException as e:
                    result.errors.append(str(e))
            result.value = config_value_to_string(value, key.type)
            results.append(result)
        return results


def _default_text(default: Union[str, int, float, bool, Sequence[str], None]) -> Optional[str]:
    if default is None or isinstance(default, str):
        return default
    if isinstance(default, bool):
        return "true" if default else "false"
    if isinstance(default, (int, float)):
        return java_to_string(default)
    return ",".join(default)


def _number_to_string(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 2**63 else _java_double_to_string(x)


class validators:  # noqa: N801  (a namespace, as the C++ SDK's sluice::validators)
    @staticmethod
    def non_empty_string() -> Validator:
        def check(name: str, value: ConfigValue) -> None:
            if isinstance(value, str) and value == "":
                raise _invalid(name, "", "String must be non-empty")
        return Validator(check, "non-empty string")

    @staticmethod
    def non_null() -> Validator:
        def check(name: str, value: ConfigValue) -> None:
            if value is None:
                raise _invalid(name, "null", "entry must be non null")
        return Validator(check, "non-null string")

    @staticmethod
    def range(min: Optional[float] = None, max: Optional[float] = None) -> Validator:  # noqa: A002
        def check(name: str, value: ConfigValue) -> None:
            if value is None:
                raise _invalid(name, "null", "Value must be non-null")
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise _invalid(name, java_to_string(value), "Value must be a number")
            if min is not None and value < min:
                raise _invalid(name, java_to_string(value),
                               f"Value must be at least {_number_to_string(min)}")
            if max is not None and value > max:
                raise _invalid(name, java_to_string(value),
                               f"Value must be no more than {_number_to_string(max)}")
        lo = "..." if min is None else _number_to_string(min)
        hi = "..." if max is None else _number_to_string(max)
        return Validator(check, f"[{lo},...,{hi}]" if min is not None and max is not None
                         else f"[{lo},...]" if max is None else f"[...,{hi}]")

    @staticmethod
    def at_least(min: float) -> Validator:  # noqa: A002
        return validators.range(min, None)

    @staticmethod
    def one_of(allowed: Sequence[str], ignore_case: bool = False) -> Validator:
        allowed = list(allowed)

        def check(name: str, value: ConfigValue) -> None:
            s = value if isinstance(value, str) else None
            ok = s is not None and (s.lower() in (a.lower() for a in allowed) if ignore_case
                                    else s in allowed)
            if not ok:
                prefix = ("String must be one of (case insensitive): " if ignore_case
                          else "String must be one of: ")
                raise _invalid(name, s if s is not None else "null", prefix + ", ".join(allowed))
        return Validator(check, "[" + ", ".join(allowed) + "]")
