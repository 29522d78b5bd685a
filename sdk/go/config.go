package sluice

// Typed connector configuration, as Kafka's ConfigDef (and the Python SDK's config.py, the C++
// SDK's config_def.h). Each key has a type, an optional default (no default = required), a
// validator and documentation. The worker shows the definitions through
// GET /connector-plugins/{p}/config and uses them in validate; error messages are Kafka's.
//
//	def := sluice.NewConfigDef().
//		Define(sluice.ConfigKey{Name: "topic", Type: sluice.TypeString,
//			Importance: sluice.ImportanceHigh, Validator: sluice.NonEmptyString(),
//			Documentation: "The topic to publish data to"})
//	parsed, err := def.Parse(props)   // a *ConfigError listing every error
//	topic := parsed.String("topic")
//
// A ConfigDef is not meant to change after its definitions; reading it from several goroutines
// is safe then.

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// ConfigError is a configuration error; its message is shown to the user as is. Returned from a
// connector's Start or Validate, it becomes INVALID_ARGUMENT on the wire.
type ConfigError struct{ Message string }

func (e *ConfigError) Error() string { return e.Message }

// ConfigErrorf formats a ConfigError.
func ConfigErrorf(format string, args ...any) error {
	return &ConfigError{Message: fmt.Sprintf(format, args...)}
}

// IsConfigError reports whether err is, or wraps, a *ConfigError.
func IsConfigError(err error) bool {
	var ce *ConfigError
	return errors.As(err, &ce)
}

// ConfigType is the type of a config key, as Kafka's ConfigDef.Type.
type ConfigType int

const (
	TypeBoolean ConfigType = iota + 1
	TypeString
	TypeInt
	TypeShort
	TypeLong
	TypeDouble
	TypeList
	TypeClass
	TypePassword
)

func (t ConfigType) String() string {
	switch t {
	case TypeBoolean:
		return "BOOLEAN"
	case TypeString:
		return "STRING"
	case TypeInt:
		return "INT"
	case TypeShort:
		return "SHORT"
	case TypeLong:
		return "LONG"
	case TypeDouble:
		return "DOUBLE"
	case TypeList:
		return "LIST"
	case TypeClass:
		return "CLASS"
	case TypePassword:
		return "PASSWORD"
	}
	return fmt.Sprintf("ConfigType(%d)", int(t))
}

// Importance of a config key, for documentation.
type Importance int

const (
	ImportanceMedium Importance = iota // the zero value, as Kafka's usual choice
	ImportanceHigh
	ImportanceLow
)

func (i Importance) String() string {
	switch i {
	case ImportanceHigh:
		return "HIGH"
	case ImportanceLow:
		return "LOW"
	}
	return "MEDIUM"
}

// Width of a config key's value in a UI.
type Width int

const (
	WidthNone Width = iota
	WidthShort
	WidthMedium
	WidthLong
)

// Validator checks one parsed value (nil for a null) and returns a *ConfigError with the user's
// message. Doc describes the rule for the documentation ("[1,...]").
type Validator struct {
	Check func(name string, value any) error
	Doc   string
}

// ConfigKey defines one key. Default is the key's default as its string form or as a Go value of
// the type (true, 5, 1.5, []string{"a"}); nil with NullDefault false = required.
type ConfigKey struct {
	Name              string
	Type              ConfigType // zero: TypeString
	Default           any
	NullDefault       bool
	Validator         *Validator
	Importance        Importance
	Documentation     string
	Group             string // "" = no group
	OrderInGroup      int    // -1 (or 0 with no group) when the key has no group
	Width             Width
	DisplayName       string
	Dependents        []string
	RecommendedValues []string

	defaultText *string
}

// DefaultText is the default's string form, or nil when the key has none.
func (k *ConfigKey) DefaultText() *string { return k.defaultText }

// Required reports whether the key has neither a default nor a null default.
func (k *ConfigKey) Required() bool { return k.defaultText == nil && !k.NullDefault }

// ConfigValueResult is the result of validating one key, as Kafka's ConfigValue.
type ConfigValueResult struct {
	Name              string
	Value             *string
	RecommendedValues []string
	Errors            []string
	Visible           bool
}

// ConfigDef is an ordered set of key definitions.
type ConfigDef struct {
	keys   []*ConfigKey
	byName map[string]*ConfigKey
}

// NewConfigDef returns an empty ConfigDef.
func NewConfigDef() *ConfigDef { return &ConfigDef{byName: map[string]*ConfigKey{}} }

// Define adds a key. Defining the same name twice, or a default of a Go type that has no string
// form, is a programming error and panics (as Kafka's ConfigDef throws).
func (d *ConfigDef) Define(key ConfigKey) *ConfigDef {
	if _, dup := d.byName[key.Name]; dup {
		panic(fmt.Sprintf("Configuration %s is defined twice.", key.Name))
	}
	if key.Type == 0 {
		key.Type = TypeString
	}
	if key.Group == "" && key.OrderInGroup == 0 {
		key.OrderInGroup = -1
	}
	if key.Default != nil {
		text, err := defaultText(key.Default)
		if err != nil {
			panic(fmt.Sprintf("Configuration %s: %v", key.Name, err))
		}
		key.defaultText = &text
	}
	k := key
	d.keys = append(d.keys, &k)
	d.byName[k.Name] = &k
	return d
}

// Merge adds the keys of other that d does not define yet.
func (d *ConfigDef) Merge(other *ConfigDef) *ConfigDef {
	for _, k := range other.keys {
		if _, ok := d.byName[k.Name]; !ok {
			c := *k
			d.keys = append(d.keys, &c)
			d.byName[c.Name] = &c
		}
	}
	return d
}

// Keys returns the definitions in definition order.
func (d *ConfigDef) Keys() []*ConfigKey { return append([]*ConfigKey(nil), d.keys...) }

// Find returns the key named name, or nil.
func (d *ConfigDef) Find(name string) *ConfigKey { return d.byName[name] }

// ParsedConfig holds parsed values by key name. Values: bool (BOOLEAN), string (STRING, CLASS,
// PASSWORD), int32 (INT), int16 (SHORT), int64 (LONG), float64 (DOUBLE), []string (LIST), or
// nil for a null default.
type ParsedConfig map[string]any

// String returns a STRING, CLASS or PASSWORD value ("" for null).
func (p ParsedConfig) String(name string) string {
	s, _ := p[name].(string)
	return s
}

// Int returns an INT, SHORT or LONG value as an int64 (0 for null).
func (p ParsedConfig) Int(name string) int64 {
	switch v := p[name].(type) {
	case int16:
		return int64(v)
	case int32:
		return int64(v)
	case int64:
		return v
	}
	return 0
}

// Bool returns a BOOLEAN value (false for null).
func (p ParsedConfig) Bool(name string) bool {
	b, _ := p[name].(bool)
	return b
}

// Double returns a DOUBLE value (0 for null).
func (p ParsedConfig) Double(name string) float64 {
	f, _ := p[name].(float64)
	return f
}

// List returns a LIST value (nil for null).
func (p ParsedConfig) List(name string) []string {
	l, _ := p[name].([]string)
	return l
}

func (d *ConfigDef) resolve(key *ConfigKey, props map[string]string, errs *[]string) any {
	if text, ok := props[key.Name]; ok {
		v, err := ParseConfigValue(key, text)
		if err != nil {
			*errs = append(*errs, err.Error())
			return nil
		}
		return v
	}
	if key.defaultText != nil {
		v, err := ParseConfigValue(key, *key.defaultText)
		if err != nil {
			*errs = append(*errs, fmt.Sprintf("Invalid default value for configuration %s: %s", key.Name, err))
			return nil
		}
		return v
	}
	if !key.NullDefault {
		*errs = append(*errs, fmt.Sprintf("Missing required configuration \"%s\" which has no default value.", key.Name))
	}
	return nil
}

// Parse parses every defined key (string -> typed), with defaults and validators. The error is a
// *ConfigError whose message lists every error, one per line.
func (d *ConfigDef) Parse(props map[string]string) (ParsedConfig, error) {
	values := ParsedConfig{}
	var errs []string
	for _, key := range d.keys {
		before := len(errs)
		v := d.resolve(key, props, &errs)
		if len(errs) != before {
			continue
		}
		if key.Validator != nil {
			if err := key.Validator.Check(key.Name, v); err != nil {
				errs = append(errs, err.Error())
				continue
			}
		}
		values[key.Name] = v
	}
	if len(errs) > 0 {
		return nil, &ConfigError{Message: strings.Join(errs, "\n")}
	}
	return values, nil
}

// Validate returns one result per defined key, in definition order, with its errors. Keys in
// nullKeys were given as a JSON null: present but null (validators see nil).
func (d *ConfigDef) Validate(props map[string]string, nullKeys ...string) []ConfigValueResult {
	nulls := map[string]bool{}
	for _, k := range nullKeys {
		nulls[k] = true
	}
	results := make([]ConfigValueResult, 0, len(d.keys))
	for _, key := range d.keys {
		r := ConfigValueResult{Name: key.Name, RecommendedValues: append([]string(nil), key.RecommendedValues...), Visible: true}
		var v any
		if !nulls[key.Name] {
			v = d.resolve(key, props, &r.Errors)
		}
		// As Kafka does, the validator also sees the null left by a value that did not parse.
		if key.Validator != nil {
			if err := key.Validator.Check(key.Name, v); err != nil {
				r.Errors = append(r.Errors, err.Error())
			}
		}
		r.Value = ConfigValueToString(v, key.Type)
		results = append(results, r)
	}
	return results
}

// JavaTrim is Java's String.trim(): it strips every character <= U+0020 from both ends.
func JavaTrim(s string) string {
	b, e := 0, len(s)
	for b < e && s[b] <= ' ' {
		b++
	}
	for e > b && s[e-1] <= ' ' {
		e--
	}
	return s[b:e]
}

// JavaDoubleString formats d as Java's Double.toString does ("1.0", "1.0E7", "1.234E-5").
func JavaDoubleString(d float64) string {
	switch {
	case math.IsNaN(d):
		return "NaN"
	case math.IsInf(d, 1):
		return "Infinity"
	case math.IsInf(d, -1):
		return "-Infinity"
	case d == 0:
		if math.Signbit(d) {
			return "-0.0"
		}
		return "0.0"
	}
	a := math.Abs(d)
	if a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(d, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(d, 'e', -1, 64) // 1.234e-05
	mantissa, exponent, _ := strings.Cut(s, "e")
	if !strings.Contains(mantissa, ".") {
		mantissa += ".0"
	}
	exp, _ := strconv.Atoi(exponent)
	return fmt.Sprintf("%sE%d", mantissa, exp)
}

// JavaString shows a parsed value as Java's toString does inside "Invalid value <v> ..."
// messages.
func JavaString(value any) string {
	switch v := value.(type) {
	case nil:
		return "null"
	case bool:
		if v {
			return "true"
		}
		return "false"
	case float64:
		return JavaDoubleString(v)
	case float32:
		return JavaDoubleString(float64(v))
	case []string:
		return "[" + strings.Join(v, ", ") + "]"
	}
	return fmt.Sprint(value)
}

// ConfigValueToString is Kafka's ConfigDef.convertToString: a value as validate shows it
// ("[hidden]" for a password, a list joined with ","); nil for null.
func ConfigValueToString(value any, t ConfigType) *string {
	if value == nil {
		return nil
	}
	var s string
	switch {
	case t == TypePassword:
		s = "[hidden]"
	default:
		if l, ok := value.([]string); ok {
			s = strings.Join(l, ",")
		} else {
			s = JavaString(value)
		}
	}
	return &s
}

func invalid(name, value, why string) error {
	return &ConfigError{Message: fmt.Sprintf("Invalid value %s for configuration %s: %s", value, name, why)}
}

var (
	intRE    = regexp.MustCompile(`^[+-]?[0-9]+$`)
	doubleRE = regexp.MustCompile(`^[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?)$`)
)

// ParseConfigValue parses one value as the key's type (Kafka's ConfigDef.parseType rules:
// trimmed; booleans case-insensitive; lists split on ',' with items trimmed, "" = the empty
// list).
func ParseConfigValue(key *ConfigKey, text string) (any, error) {
	trimmed := JavaTrim(text)
	switch key.Type {
	case TypeBoolean:
		switch strings.ToLower(trimmed) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, invalid(key.Name, text, "Expected value to be either true or false")
	case TypeString, TypeClass, TypePassword:
		return trimmed, nil
	case TypeInt, TypeShort, TypeLong:
		bits := map[ConfigType]int{TypeInt: 32, TypeShort: 16, TypeLong: 64}[key.Type]
		if intRE.MatchString(trimmed) {
			if v, err := strconv.ParseInt(trimmed, 10, bits); err == nil {
				switch key.Type {
				case TypeInt:
					return int32(v), nil
				case TypeShort:
					return int16(v), nil
				}
				return v, nil
			}
		}
		return nil, invalid(key.Name, text, "Not a number of type "+key.Type.String())
	case TypeDouble:
		if doubleRE.MatchString(trimmed) {
			body := trimmed
			if !strings.HasSuffix(body, "Infinity") {
				body = strings.TrimRight(body, "fFdD")
			}
			if v, err := strconv.ParseFloat(body, 64); err == nil || errors.Is(err, strconv.ErrRange) {
				return v, nil
			}
		}
		return nil, invalid(key.Name, text, "Not a number of type DOUBLE")
	case TypeList:
		if trimmed == "" {
			return []string{}, nil
		}
		items := strings.Split(trimmed, ",")
		for i := range items {
			items[i] = JavaTrim(items[i])
		}
		return items, nil
	}
	return nil, &ConfigError{Message: fmt.Sprintf("unknown config type %v", key.Type)}
}

func defaultText(v any) (string, error) {
	switch d := v.(type) {
	case string:
		return d, nil
	case bool:
		return JavaString(d), nil
	case int:
		return strconv.Itoa(d), nil
	case int16:
		return strconv.FormatInt(int64(d), 10), nil
	case int32:
		return strconv.FormatInt(int64(d), 10), nil
	case int64:
		return strconv.FormatInt(d, 10), nil
	case float64:
		return JavaDoubleString(d), nil
	case []string:
		return strings.Join(d, ","), nil
	}
	return "", fmt.Errorf("a default of type %T has no string form", v)
}

func numberString(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1<<63 {
		return strconv.FormatInt(int64(x), 10)
	}
	return JavaDoubleString(x)
}

func asFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int16:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case float32:
		return float64(n), true
	}
	return 0, false
}

// NonEmptyString is Kafka's NonEmptyString validator.
func NonEmptyString() *Validator {
	return &Validator{Doc: "non-empty string", Check: func(name string, value any) error {
		if s, ok := value.(string); ok && s == "" {
			return invalid(name, "", "String must be non-empty")
		}
		return nil
	}}
}

// NonNull is Kafka's NonNullValidator.
func NonNull() *Validator {
	return &Validator{Doc: "non-null string", Check: func(name string, value any) error {
		if value == nil {
			return invalid(name, "null", "entry must be non null")
		}
		return nil
	}}
}

// Range is Kafka's Range validator; a nil bound is open.
func Range(min, max *float64) *Validator {
	lo, hi := "...", "..."
	if min != nil {
		lo = numberString(*min)
	}
	if max != nil {
		hi = numberString(*max)
	}
	doc := fmt.Sprintf("[%s,...,%s]", lo, hi)
	if max == nil {
		doc = fmt.Sprintf("[%s,...]", lo)
	} else if min == nil {
		doc = fmt.Sprintf("[...,%s]", hi)
	}
	return &Validator{Doc: doc, Check: func(name string, value any) error {
		if value == nil {
			return invalid(name, "null", "Value must be non-null")
		}
		x, ok := asFloat(value)
		if !ok {
			return invalid(name, JavaString(value), "Value must be a number")
		}
		if min != nil && x < *min {
			return invalid(name, JavaString(value), "Value must be at least "+numberString(*min))
		}
		if max != nil && x > *max {
			return invalid(name, JavaString(value), "Value must be no more than "+numberString(*max))
		}
		return nil
	}}
}

// Between is Range with both bounds.
func Between(min, max float64) *Validator { return Range(&min, &max) }

// AtLeast is Kafka's Range.atLeast.
func AtLeast(min float64) *Validator { return Range(&min, nil) }

// OneOf is Kafka's ValidString (or CaseInsensitiveValidString with ignoreCase).
func OneOf(allowed []string, ignoreCase bool) *Validator {
	allowed = append([]string(nil), allowed...)
	return &Validator{Doc: "[" + strings.Join(allowed, ", ") + "]", Check: func(name string, value any) error {
		s, isString := value.(string)
		ok := false
		for _, a := range allowed {
			if isString && (a == s || ignoreCase && strings.EqualFold(a, s)) {
				ok = true
				break
			}
		}
		if ok {
			return nil
		}
		prefix := "String must be one of: "
		if ignoreCase {
			prefix = "String must be one of (case insensitive): "
		}
		shown := "null"
		if isString {
			shown = s
		}
		return invalid(name, shown, prefix+strings.Join(allowed, ", "))
	}}
}

// sortedKeys returns m's keys in order (deterministic encodings and messages).
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
