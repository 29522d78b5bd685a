"""ConfigDef: parsing, defaults, validators and validate results, with the messages the C++ SDK's
ConfigDef gives (Kafka's ConfigDef wording)."""

import pytest

from sluice_sdk import ConfigDef, ConfigException, ConfigType, Importance, validators
from sluice_sdk.config import java_to_string, parse_value, ConfigKey


def make_def():
    return (ConfigDef()
            .define("topic", ConfigType.STRING, importance=Importance.HIGH,
                    validator=validators.non_empty_string(), documentation="The topic")
            .define("batch.size", ConfigType.INT, default=2000, validator=validators.at_least(1))
            .define("enabled", ConfigType.BOOLEAN, default=True)
            .define("ratio", ConfigType.DOUBLE, default=0.5, validator=validators.range(0, 1))
            .define("names", ConfigType.LIST, default=""))


def test_parse_applies_types_and_defaults():
    parsed = make_def().parse({"topic": " t ", "names": "a, b ,c", "enabled": "FALSE"})
    assert parsed["topic"] == "t"
    assert parsed["batch.size"] == 2000
    assert parsed["enabled"] is False
    assert parsed["ratio"] == 0.5
    assert parsed["names"] == ["a", "b", "c"]


def test_parse_lists_every_error_one_per_line():
    with pytest.raises(ConfigException) as e:
        make_def().parse({"batch.size": "0", "ratio": "2", "enabled": "yes"})
    assert str(e.value).split("\n") == [
        'Missing required configuration "topic" which has no default value.',
        "Invalid value 0 for configuration batch.size: Value must be at least 1",
        "Invalid value yes for configuration enabled: Expected value to be either true or false",
        "Invalid value 2.0 for configuration ratio: Value must be no more than 1",
    ]


def test_integers_outside_their_type_are_not_numbers():
    key = ConfigKey("s", ConfigType.SHORT)
    assert parse_value(key, "32767") == 32767
    with pytest.raises(ConfigException, match="Invalid value 32768 for configuration s: "
                                              "Not a number of type SHORT"):
        parse_value(key, "32768")
    with pytest.raises(ConfigException, match="Not a number of type LONG"):
        parse_value(ConfigKey("l", ConfigType.LONG), "9223372036854775808")


def test_validate_gives_one_result_per_key_with_password_hidden():
    d = make_def().define("secret", ConfigType.PASSWORD, null_default=True)
    results = d.validate({"topic": "", "batch.size": "x", "secret": "s3cr3t"})
    by_name = {r.name: r for r in results}
    assert [r.name for r in results] == ["topic", "batch.size", "enabled", "ratio", "names", "secret"]
    assert by_name["topic"].errors == ["Invalid value  for configuration topic: String must be non-empty"]
    # As Kafka does, the validator also sees the null left by a value that did not parse.
    assert by_name["batch.size"].errors == [
        "Invalid value x for configuration batch.size: Not a number of type INT",
        "Invalid value null for configuration batch.size: Value must be non-null"]
    assert by_name["batch.size"].value is None
    assert by_name["enabled"].value == "true"
    assert by_name["secret"].value == "[hidden]"
    assert by_name["names"].value == ""


def test_null_keys_are_present_but_null():
    d = ConfigDef().define("x", ConfigType.STRING, validator=validators.non_null())
    (result,) = d.validate({}, null_keys={"x"})
    assert result.errors == ["Invalid value null for configuration x: entry must be non null"]


def test_one_of_names_the_allowed_values():
    d = ConfigDef().define("mode", default="a", validator=validators.one_of(["a", "b"]))
    with pytest.raises(ConfigException, match="Invalid value c for configuration mode: "
                                              "String must be one of: a, b"):
        d.parse({"mode": "c"})
    d2 = ConfigDef().define("mode", default="a", validator=validators.one_of(["a"], ignore_case=True))
    assert d2.parse({"mode": "A"})["mode"] == "A"


def test_defining_a_key_twice_is_refused():
    with pytest.raises(ValueError):
        ConfigDef().define("a").define("a")


def test_doubles_print_as_java_does():
    assert java_to_string(1.0) == "1.0"
    assert java_to_string(1e7) == "1.0E7"
    assert java_to_string(1.5e-5) == "1.5E-5"
    assert java_to_string(["a", "b"]) == "[a, b]"
