package sluice

import (
	"reflect"
	"strings"
	"testing"
)

func testDef() *ConfigDef {
	return NewConfigDef().
		Define(ConfigKey{Name: "topic", Type: TypeString, Importance: ImportanceHigh, Validator: NonEmptyString(),
			Documentation: "The topic"}).
		Define(ConfigKey{Name: "batch.size", Type: TypeInt, Default: 100, Validator: AtLeast(1)}).
		Define(ConfigKey{Name: "ratio", Type: TypeDouble, Default: 0.5, Validator: Between(0, 1)}).
		Define(ConfigKey{Name: "enabled", Type: TypeBoolean, Default: true}).
		Define(ConfigKey{Name: "hosts", Type: TypeList, Default: []string{"a", "b"}}).
		Define(ConfigKey{Name: "secret", Type: TypePassword, NullDefault: true}).
		Define(ConfigKey{Name: "mode", Type: TypeString, Default: "fast", Validator: OneOf([]string{"fast", "safe"}, false)}).
		Define(ConfigKey{Name: "big", Type: TypeLong, Default: int64(1) << 40})
}

func TestConfigDefParsesTypesAndDefaults(t *testing.T) {
	parsed, err := testDef().Parse(map[string]string{"topic": " orders ", "batch.size": "+7", "enabled": "FALSE",
		"hosts": " x , y ,z", "ratio": "1e-1", "secret": "s3"})
	if err != nil {
		t.Fatal(err)
	}
	want := ParsedConfig{"topic": "orders", "batch.size": int32(7), "ratio": 0.1, "enabled": false,
		"hosts": []string{"x", "y", "z"}, "secret": "s3", "mode": "fast", "big": int64(1) << 40}
	if !reflect.DeepEqual(parsed, want) {
		t.Fatalf("parsed %#v, want %#v", parsed, want)
	}
	if parsed.Int("batch.size") != 7 || parsed.String("topic") != "orders" || parsed.Bool("enabled") ||
		parsed.Double("ratio") != 0.1 || len(parsed.List("hosts")) != 3 || parsed.Int("big") != 1<<40 {
		t.Fatalf("typed getters disagree with %#v", parsed)
	}
}

func TestConfigDefParseListsEveryErrorWithKafkasMessages(t *testing.T) {
	_, err := testDef().Parse(map[string]string{"batch.size": "0", "enabled": "yes", "ratio": "2",
		"mode": "slow", "big": "99999999999999999999"})
	if !IsConfigError(err) {
		t.Fatalf("want a *ConfigError, got %v", err)
	}
	want := strings.Join([]string{
		`Missing required configuration "topic" which has no default value.`,
		"Invalid value 0 for configuration batch.size: Value must be at least 1",
		"Invalid value 2.0 for configuration ratio: Value must be no more than 1",
		"Invalid value yes for configuration enabled: Expected value to be either true or false",
		"Invalid value slow for configuration mode: String must be one of: fast, safe",
		"Invalid value 99999999999999999999 for configuration big: Not a number of type LONG",
	}, "\n")
	if err.Error() != want {
		t.Fatalf("got\n%s\nwant\n%s", err, want)
	}
}

func TestConfigDefValidateShowsValuesAndTheNullLeftByABadValue(t *testing.T) {
	results := testDef().Validate(map[string]string{"topic": "t", "batch.size": "soon", "secret": "pw"})
	byName := map[string]ConfigValueResult{}
	for _, r := range results {
		byName[r.Name] = r
	}
	if len(results) != 8 || results[0].Name != "topic" {
		t.Fatalf("results not in definition order: %+v", results)
	}
	if got := byName["batch.size"].Errors; !reflect.DeepEqual(got, []string{
		"Invalid value soon for configuration batch.size: Not a number of type INT",
		"Invalid value null for configuration batch.size: Value must be non-null"}) {
		t.Fatalf("batch.size errors %q", got)
	}
	if v := byName["secret"].Value; v == nil || *v != "[hidden]" {
		t.Fatalf("password shown as %v", v)
	}
	if v := byName["hosts"].Value; v == nil || *v != "a,b" {
		t.Fatalf("list shown as %v", v)
	}
	if v := byName["ratio"].Value; v == nil || *v != "0.5" {
		t.Fatalf("double shown as %v", v)
	}
	if byName["topic"].Errors != nil {
		t.Fatalf("topic has errors %q", byName["topic"].Errors)
	}
}

func TestConfigKeyDefaultsAndRequired(t *testing.T) {
	def := testDef()
	if !def.Find("topic").Required() || def.Find("secret").Required() || def.Find("mode").Required() {
		t.Fatal("required flags wrong")
	}
	if d := def.Find("big").DefaultText(); d == nil || *d != "1099511627776" {
		t.Fatalf("default text %v", d)
	}
	if d := def.Find("enabled").DefaultText(); *d != "true" {
		t.Fatalf("default text %v", *d)
	}
	defer func() {
		if r := recover(); r == nil || r != "Configuration topic is defined twice." {
			t.Fatalf("redefinition: %v", r)
		}
	}()
	def.Define(ConfigKey{Name: "topic"})
}

func TestJavaDoubleString(t *testing.T) {
	for in, want := range map[float64]string{1: "1.0", 0.5: "0.5", 1e7: "1.0E7", 1.234e-5: "1.234E-5",
		123456.789: "123456.789", -2.5e10: "-2.5E10", 0.001: "0.001"} {
		if got := JavaDoubleString(in); got != want {
			t.Errorf("JavaDoubleString(%v) = %s, want %s", in, got, want)
		}
	}
}

func TestParseConfigValueEdgeCases(t *testing.T) {
	short := &ConfigKey{Name: "s", Type: TypeShort}
	if _, err := ParseConfigValue(short, "40000"); err == nil || err.Error() != "Invalid value 40000 for configuration s: Not a number of type SHORT" {
		t.Fatalf("short overflow: %v", err)
	}
	list := &ConfigKey{Name: "l", Type: TypeList}
	if v, _ := ParseConfigValue(list, "  "); !reflect.DeepEqual(v, []string{}) {
		t.Fatalf("empty list: %#v", v)
	}
	d := &ConfigKey{Name: "d", Type: TypeDouble}
	if v, err := ParseConfigValue(d, "2.5f"); err != nil || v != 2.5 {
		t.Fatalf("2.5f: %v %v", v, err)
	}
	if _, err := ParseConfigValue(d, "1,5"); err == nil {
		t.Fatal("1,5 parsed as a double")
	}
}
