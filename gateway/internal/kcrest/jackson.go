package kcrest

// JSON read as Kafka Connect's plain `new ObjectMapper().readValue(bytes, type)` reads it
// (Jackson 2.16, as in Kafka 3.9), with Jackson's error messages: the internal endpoint POST
// /connectors/{c}/tasks reads its body that way (a List<Map<String,String>>), and Kafka
// Connect's RestClient reads a forwarded request's answer that way. Unlike the JAX-RS bodies of
// body.go, these messages keep Jackson's location suffix, "\n at [Source: REDACTED (...); line:
// L, column: C]", where the column counts bytes.
//
// jacksonParser is a tokenizer with Jackson's error texts for the syntax errors a JSON writer can
// make (unexpected characters, unrecognized tokens, end of input, bad separators, control
// characters and escapes in strings, malformed numbers), in the words and positions of either
// of Jackson's parsers: UTF8StreamJsonParser, which reads bytes (the internal endpoint's body)
// and counts columns in bytes, or ReaderBasedJsonParser, which reads a String (Kafka Connect's
// RestClient reads answers as one) and counts characters. Invalid UTF-8 is not diagnosed
// (Jackson reports it; here it passes inside strings).

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// jacksonSource is the location prefix of Jackson's messages when the source is not included
// (Jackson 2.16's default).
const jacksonSource = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); "

// noContentMessage is Jackson's answer to an empty (or all-whitespace) input.
const noContentMessage = "No content to map due to end-of-input\n at " + jacksonSource + "line: 1]"

// validTokens is what Jackson says a value may be.
const validTokens = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"

type jsonToken int

const (
	tokNone jsonToken = iota
	tokStartObject
	tokEndObject
	tokStartArray
	tokEndArray
	tokFieldName
	tokString
	tokInt
	tokFloat
	tokTrue
	tokFalse
	tokNull
)

// describe is Jackson's "<Kind> value (token `JsonToken.X`)" for a mismatched token.
func (t jsonToken) describe() string {
	switch t {
	case tokStartObject:
		return "Object value (token `JsonToken.START_OBJECT`)"
	case tokStartArray:
		return "Array value (token `JsonToken.START_ARRAY`)"
	case tokString:
		return "String value (token `JsonToken.VALUE_STRING`)"
	case tokInt:
		return "Integer value (token `JsonToken.VALUE_NUMBER_INT`)"
	case tokFloat:
		return "Floating-point value (token `JsonToken.VALUE_NUMBER_FLOAT`)"
	case tokTrue:
		return "Boolean value (token `JsonToken.VALUE_TRUE`)"
	case tokFalse:
		return "Boolean value (token `JsonToken.VALUE_FALSE`)"
	case tokNull:
		return "Null value (token `JsonToken.VALUE_NULL`)"
	}
	return "value"
}

// name is Jackson's JsonToken constant name; "null" before the first token.
func (t jsonToken) name() string {
	return [...]string{"null", "START_OBJECT", "END_OBJECT", "START_ARRAY", "END_ARRAY", "FIELD_NAME",
		"VALUE_STRING", "VALUE_NUMBER_INT", "VALUE_NUMBER_FLOAT", "VALUE_TRUE", "VALUE_FALSE", "VALUE_NULL"}[t]
}

// jacksonContext is one open object or array, or the root.
type jacksonContext struct {
	kind     byte // 0 root, '{' object, '[' array
	start    int  // offset of the opening bracket
	entries  int  // values (arrays) or fields (objects) seen
	wantName bool // object: a field name comes next (else its value)
}

// jacksonParser reads tokens from data as Jackson's UTF8StreamJsonParser does.
type jacksonParser struct {
	data       []byte
	fromString bool // ReaderBasedJsonParser's behaviour (else UTF8StreamJsonParser's)
	pos        int  // next byte to read
	stack      []jacksonContext

	// The current token: its kind, text (field name, string, number text) and start offset.
	tok   jsonToken
	text  string
	start int
	// Set when the last error was found inside a string value: Jackson reads those lazily, when
	// the value is bound, so the error carries the reference chain of the value.
	errInString bool
}

// newJacksonParser reads data as bytes (text false) or as a String (text true).
func newJacksonParser(data []byte, text bool) *jacksonParser {
	p := &jacksonParser{data: data, fromString: text, stack: []jacksonContext{{kind: 0}}}
	if !text && len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		p.pos = 3 // a UTF-8 byte order mark is skipped when reading bytes
	}
	return p
}

// location is Jackson's " at [Source: ...; line: L, column: C]" for the byte at offset.
func (p *jacksonParser) location(offset int) string { return p.locationIn(offset, offset) }

// locationIgnoringLastBreak is location, the byte before offset not counted as a line break.
func (p *jacksonParser) locationIgnoringLastBreak(offset int) string {
	return p.locationIn(offset, offset-1)
}

// locationIn is location counting the line breaks before breaksBefore.
func (p *jacksonParser) locationIn(offset, breaksBefore int) string {
	line, rowStart := 1, 0
	for i := 0; i < breaksBefore && i < len(p.data); i++ {
		switch p.data[i] {
		case '\n':
			line, rowStart = line+1, i+1
		case '\r':
			if i+1 < len(p.data) && p.data[i+1] == '\n' {
				i++
			}
			line, rowStart = line+1, i+1
		}
	}
	column := offset - rowStart + 1
	if p.fromString && offset <= len(p.data) {
		column = utf8.RuneCount(p.data[rowStart:offset]) + 1
	}
	return fmt.Sprintf("%sline: %d, column: %d]", jacksonSource, line, column)
}

// jacksonError is a message of Jackson's with its location; chain is the databind reference
// chain, when the error happened inside a value being bound.
type jacksonError struct {
	msg   string
	at    int
	chain string
	// The line break just before `at` is inside a string: Jackson counts lines only between
	// tokens, so it does not start a new line there.
	breakInString bool
}

func (e *jacksonError) message(p *jacksonParser) string {
	at := p.location(e.at)
	if e.breakInString {
		at = p.locationIgnoringLastBreak(e.at)
	}
	m := e.msg + "\n at " + at
	if e.chain != "" {
		m += " (through reference chain: " + e.chain + ")"
	}
	return m
}

// fail is a syntax error reported once the parser stands at pos.
func (p *jacksonParser) fail(format string, args ...any) *jacksonError {
	return &jacksonError{msg: fmt.Sprintf(format, args...), at: p.pos}
}

// charDesc is Jackson's _getCharDesc.
func charDesc(r rune) string {
	if unicode.IsControl(r) {
		return fmt.Sprintf("(CTRL-CHAR, code %d)", r)
	}
	if r > 255 {
		return fmt.Sprintf("'%c' (code %d / 0x%x)", r, r, r)
	}
	return fmt.Sprintf("'%c' (code %d)", r, r)
}

// readChar consumes one character (a UTF-8 sequence, or one byte if invalid).
func (p *jacksonParser) readChar() rune {
	r, n := utf8.DecodeRune(p.data[p.pos:])
	if r == utf8.RuneError && n <= 1 {
		r, n = rune(p.data[p.pos]), 1
	}
	p.pos += n
	return r
}

func (p *jacksonParser) unexpectedChar(r rune, comment string) *jacksonError {
	return p.fail("Unexpected character (%s): %s", charDesc(r), comment)
}

// skipSpace skips the white space between tokens. It returns false at the end of the input.
func (p *jacksonParser) skipSpace() (bool, *jacksonError) {
	for p.pos < len(p.data) {
		switch c := p.data[p.pos]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			p.pos++
		case c < 0x20:
			p.pos++
			return false, p.fail("Illegal character (%s): only regular white space (\\r, \\n, \\t) is allowed between tokens",
				charDesc(rune(c)))
		default:
			return true, nil
		}
	}
	return false, nil
}

func (p *jacksonParser) top() *jacksonContext { return &p.stack[len(p.stack)-1] }

func (p *jacksonParser) typeDesc(c *jacksonContext) string {
	switch c.kind {
	case '{':
		return "Object"
	case '[':
		return "Array"
	}
	return "root"
}

// eofError is Jackson's error at the end of the input inside an object or array.
func (p *jacksonParser) eofError() *jacksonError {
	c := p.top()
	return p.fail("Unexpected end-of-input: expected close marker for %s (start marker at %s)",
		p.typeDesc(c), p.location(c.start))
}

// next reads the next token, as Jackson's nextToken does. At the end of the input at the root
// it returns tokNone.
func (p *jacksonParser) next() (jsonToken, *jacksonError) {
	c := p.top()
	more, err := p.skipSpace()
	if err != nil {
		return tokNone, err
	}
	if !more {
		switch {
		case c.kind == 0:
			return tokNone, nil
		case c.kind == '{' && !c.wantName:
			return tokNone, p.fail("Unexpected end-of-input within/between Object entries")
		}
		return tokNone, p.eofError()
	}
	b := p.data[p.pos]
	valueAfterName := c.kind == '{' && !c.wantName
	if !valueAfterName {
		// Jackson checks for a closing bracket first, then for the comma between entries.
		if b == ']' || b == '}' {
			p.pos++
			if c.kind == 0 || (b == ']') != (c.kind == '[') {
				// Jackson names the other closing bracket as the one expected.
				want := byte(']')
				if b == ']' {
					want = '}'
				}
				return tokNone, p.fail("Unexpected close marker '%c': expected '%c' (for %s starting at %s)",
					b, want, p.typeDesc(c), p.contextStart(c))
			}
			p.stack = p.stack[:len(p.stack)-1]
			p.tok, p.start = tokEndArray, p.pos-1
			if b == '}' {
				p.tok = tokEndObject
			}
			return p.tok, nil
		}
		if c.kind != 0 && c.entries > 0 {
			if b != ',' {
				return tokNone, p.unexpectedChar(p.readChar(),
					"was expecting comma to separate "+p.typeDesc(c)+" entries")
			}
			p.pos++
			if more, err = p.skipSpace(); err != nil {
				return tokNone, err
			}
			if !more {
				return tokNone, p.fail("Unexpected end-of-input within/between %s entries", p.typeDesc(c))
			}
			b = p.data[p.pos]
		}
	}
	if c.kind == '{' && c.wantName {
		// A field name, then its colon.
		if b != '"' {
			return tokNone, p.unexpectedChar(p.readChar(), "was expecting double-quote to start field name")
		}
		p.start = p.pos
		p.pos++
		name, err := p.stringBody(" in field name")
		if err != nil {
			return tokNone, err
		}
		if more, err = p.skipSpace(); err != nil {
			return tokNone, err
		}
		if !more {
			return tokNone, p.fail("Unexpected end-of-input within/between Object entries")
		}
		if p.data[p.pos] != ':' {
			return tokNone, p.unexpectedChar(p.readChar(), "was expecting a colon to separate field name and value")
		}
		p.pos++
		c.wantName = false
		c.entries++
		p.tok, p.text = tokFieldName, name
		return p.tok, nil
	}
	switch c.kind {
	case '{':
		c.wantName = true
	case '[':
		c.entries++
	}
	tok, err := p.value()
	if err == nil && c.kind == 0 && (tok == tokInt || tok == tokFloat) && p.pos < len(p.data) {
		// A root-level number must be followed by white space.
		if r := p.runeAt(p.pos); r != ' ' && r != '\t' && r != '\n' && r != '\r' {
			p.readChar()
			return tokNone, p.unexpectedChar(r, "Expected space separating root-level values")
		}
	}
	return tok, err
}

// contextStart is Jackson's start location of a context, as shown inside messages.
func (p *jacksonParser) contextStart(c *jacksonContext) string {
	if c.kind == 0 {
		return jacksonSource + "line: 1]"
	}
	return p.location(c.start)
}

func (p *jacksonParser) runeAt(i int) rune {
	r, n := utf8.DecodeRune(p.data[i:])
	if r == utf8.RuneError && n <= 1 {
		return rune(p.data[i])
	}
	return r
}

// value reads a value token starting at p.pos (not white space, not the end).
func (p *jacksonParser) value() (jsonToken, *jacksonError) {
	p.start = p.pos
	b := p.data[p.pos]
	switch {
	case b == '{' || b == '[':
		p.pos++
		p.stack = append(p.stack, jacksonContext{kind: b, start: p.start, wantName: b == '{'})
		p.tok = tokStartArray
		if b == '{' {
			p.tok = tokStartObject
		}
		return p.tok, nil
	case b == '"':
		p.pos++
		where := " in VALUE_STRING"
		if p.fromString {
			where = ": was expecting closing quote for a string value"
		}
		s, err := p.stringBody(where)
		if err != nil {
			p.errInString = true
			return tokNone, err
		}
		p.tok, p.text = tokString, s
		return p.tok, nil
	case b == '-' || ('0' <= b && b <= '9'):
		return p.number()
	case b == 't':
		return p.literal("true", tokTrue)
	case b == 'f':
		return p.literal("false", tokFalse)
	case b == 'n':
		return p.literal("null", tokNull)
	case b == 'N' || b == 'I':
		word := "NaN"
		if b == 'I' {
			word = "Infinity"
		}
		if _, err := p.literal(word, tokNone); err != nil {
			return tokNone, err
		}
		return tokNone, p.fail("Non-standard token '%s': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow", word)
	case b == '+':
		p.pos++
		if p.pos < len(p.data) {
			p.readChar() // Jackson looks at what follows the sign before it refuses it
		}
		return tokNone, p.fail("Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs: enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow")
	case b == ',' || b == '}' || (b == ']' && p.top().kind == '['):
		p.pos++
		if p.fromString {
			return tokNone, p.unexpectedChar(rune(b), "expected a valid value "+validTokens)
		}
		return tokNone, p.unexpectedChar(rune(b), "expected a value")
	}
	r := p.readChar()
	if unicode.IsLetter(r) || r == '$' || r == '_' {
		return tokNone, p.invalidToken(string(r))
	}
	return tokNone, p.unexpectedChar(r, "expected a valid value "+validTokens)
}

// isIdentPart is Character.isJavaIdentifierPart for the characters JSON text holds.
func isIdentPart(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '$' || r == '_' ||
		(r >= 0 && r <= 8) || (r >= 0x0e && r <= 0x1b) || (r >= 0x7f && r <= 0x9f)
}

// invalidToken is Jackson's _reportInvalidToken: the token read on to its end (the character
// that ends it is consumed too), at most 256 characters.
func (p *jacksonParser) invalidToken(matched string) *jacksonError {
	var sb strings.Builder
	sb.WriteString(matched)
	n := utf8.RuneCountInString(matched)
	for p.pos < len(p.data) {
		before := p.pos
		r := p.readChar()
		if !isIdentPart(r) {
			if p.fromString {
				p.pos = before // the reader-based parser leaves the character that ends the token
			}
			break
		}
		sb.WriteRune(r)
		if n++; n >= 256 {
			sb.WriteString("...")
			break
		}
	}
	return p.fail("Unrecognized token '%s': was expecting %s", sb.String(), validTokens)
}

func (p *jacksonParser) literal(word string, tok jsonToken) (jsonToken, *jacksonError) {
	p.pos++
	for i := 1; i < len(word); i++ {
		if p.pos >= len(p.data) || p.data[p.pos] != word[i] {
			return tokNone, p.invalidToken(word[:i])
		}
		p.pos++
	}
	if p.pos < len(p.data) {
		if r := p.runeAt(p.pos); r >= '0' && r != ']' && r != '}' && isIdentPart(r) {
			return tokNone, p.invalidToken(word)
		}
	}
	p.tok, p.text = tok, word
	return tok, nil
}

// number reads a JSON number; its text is kept as written.
func (p *jacksonParser) number() (jsonToken, *jacksonError) {
	start := p.pos
	isFloat := false
	// At the end of the input inside a number Jackson names the token before it.
	eof := func(textMessage string) *jacksonError {
		if p.fromString {
			return p.fail("Unexpected end-of-input%s", textMessage)
		}
		return p.fail("Unexpected end-of-input in %s", p.tok.name())
	}
	// The character that breaks a number is consumed before the error when reading bytes.
	breaking := func() rune {
		if p.fromString {
			return p.runeAt(p.pos)
		}
		return p.readChar()
	}
	if p.data[p.pos] == '-' {
		p.pos++
		if p.pos >= len(p.data) || !isDigit(p.data[p.pos]) {
			if p.pos >= len(p.data) {
				return tokNone, eof("No digit following minus sign")
			}
			r := p.readChar()
			return tokNone, p.fail("Unexpected character (%s) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value", charDesc(r))
		}
	}
	if p.data[p.pos] == '0' && p.pos+1 < len(p.data) && isDigit(p.data[p.pos+1]) {
		p.pos++
		return tokNone, p.fail("Invalid numeric value: Leading zeroes not allowed")
	}
	for p.pos < len(p.data) && isDigit(p.data[p.pos]) {
		p.pos++
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		isFloat = true
		p.pos++
		digits := 0
		for p.pos < len(p.data) && isDigit(p.data[p.pos]) {
			p.pos++
			digits++
		}
		if digits == 0 {
			r := rune('.') // at the end of the input Jackson names the point itself
			if p.pos < len(p.data) {
				r = breaking()
			}
			return tokNone, p.fail("Unexpected character (%s) in numeric value: Decimal point not followed by a digit", charDesc(r))
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		isFloat = true
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		digits := 0
		for p.pos < len(p.data) && isDigit(p.data[p.pos]) {
			p.pos++
			digits++
		}
		if digits == 0 {
			if p.pos >= len(p.data) {
				return tokNone, eof("expected a digit for number exponent")
			}
			r := breaking()
			return tokNone, p.fail("Unexpected character (%s) in numeric value: Exponent indicator not followed by a digit", charDesc(r))
		}
	}
	p.tok, p.text = tokInt, string(p.data[start:p.pos])
	if isFloat {
		p.tok = tokFloat
	}
	return p.tok, nil
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// stringBody reads a string's characters after its opening quote, through its closing quote.
func (p *jacksonParser) stringBody(where string) (string, *jacksonError) {
	var sb strings.Builder
	for {
		if p.pos >= len(p.data) {
			return "", p.fail("Unexpected end-of-input%s", where)
		}
		b := p.data[p.pos]
		switch {
		case b == '"':
			p.pos++
			return sb.String(), nil
		case b == '\\':
			p.pos++
			if p.pos >= len(p.data) {
				return "", p.fail("Unexpected end-of-input in character escape sequence")
			}
			e := p.readChar()
			switch e {
			case '"', '\\', '/':
				sb.WriteRune(e)
			case 'b':
				sb.WriteByte('\b')
			case 'f':
				sb.WriteByte('\f')
			case 'n':
				sb.WriteByte('\n')
			case 'r':
				sb.WriteByte('\r')
			case 't':
				sb.WriteByte('\t')
			case 'u':
				v := 0
				for i := 0; i < 4; i++ {
					if p.pos >= len(p.data) {
						return "", p.fail("Unexpected end-of-input in character escape sequence")
					}
					h := p.readChar()
					d := hexValue(h)
					if d < 0 {
						return "", p.unexpectedChar(h, "expected a hex-digit for character escape sequence")
					}
					v = v<<4 | d
				}
				sb.WriteRune(rune(v))
			default:
				return "", p.fail("Unrecognized character escape %s", charDesc(e))
			}
		case b < 0x20:
			p.pos++
			e := p.fail("Illegal unquoted character (%s): has to be escaped using backslash to be included in string value",
				charDesc(rune(b)))
			e.breakInString = b == '\n' || b == '\r'
			return "", e
		default:
			sb.WriteRune(p.readChar())
		}
	}
}

func hexValue(r rune) int {
	switch {
	case '0' <= r && r <= '9':
		return int(r - '0')
	case 'a' <= r && r <= 'f':
		return int(r-'a') + 10
	case 'A' <= r && r <= 'F':
		return int(r-'A') + 10
	}
	return -1
}

// skipChildren reads to the end of the object or array just started (or does nothing after a
// scalar).
func (p *jacksonParser) skipChildren() *jacksonError {
	if p.tok != tokStartObject && p.tok != tokStartArray {
		return nil
	}
	depth := len(p.stack) - 1
	for len(p.stack) > depth {
		if _, err := p.next(); err != nil {
			return err
		}
	}
	return nil
}

// readTaskConfigs reads the body of POST /connectors/{c}/tasks as Kafka Connect's
// InternalClusterResource does (ObjectMapper.readValue into List<Map<String,String>>): a JSON
// array of objects whose values are strings, numbers (their text), booleans ("true"/"false") or
// null. Content after the array is ignored, as Jackson ignores it. A null list is returned as
// (nil, true, ""); a null element as a nil map; a null value as a missing key (Sluice's configs
// hold no nulls). msg is Jackson's message when the body does not read.
func readTaskConfigs(data []byte) (configs []map[string]string, isNull bool, msg string) {
	const listType = "`java.util.ArrayList<java.util.Map<java.lang.String,java.lang.String>>`"
	const mapType = "`java.util.LinkedHashMap<java.lang.String,java.lang.String>`"
	p := newJacksonParser(data, false)
	fail := func(e *jacksonError) ([]map[string]string, bool, string) { return nil, false, e.message(p) }
	tok, err := p.next()
	if err != nil {
		return fail(err)
	}
	switch tok {
	case tokNone:
		return nil, false, noContentMessage
	case tokNull:
		return nil, true, ""
	case tokStartArray:
	default:
		return fail(&jacksonError{at: p.start,
			msg: "Cannot deserialize value of type " + listType + " from " + tok.describe()})
	}
	configs = []map[string]string{}
	for {
		element := fmt.Sprintf("java.util.ArrayList[%d]", len(configs))
		inElement := func(e *jacksonError) *jacksonError {
			if e.chain == "" {
				e.chain = element
			} else {
				e.chain = element + "->" + e.chain
			}
			return e
		}
		tok, err := p.next()
		if err != nil {
			if p.errInString {
				return fail(inElement(err))
			}
			return fail(err)
		}
		if tok == tokEndArray {
			return configs, false, ""
		}
		switch tok {
		case tokNull:
			configs = append(configs, nil)
			continue
		case tokStartObject:
		case tokString:
			if p.text == "" {
				return fail(inElement(&jacksonError{at: p.start, msg: "Cannot coerce empty String (\"\") to element of `java.util.LinkedHashMap` (but could if coercion was enabled using `CoercionConfig`)"}))
			}
			return fail(inElement(&jacksonError{at: p.start, msg: fmt.Sprintf(
				"Cannot construct instance of `java.util.LinkedHashMap` (although at least one Creator exists): no String-argument constructor/factory method to deserialize from String value ('%s')", p.text)}))
		default:
			return fail(inElement(&jacksonError{at: p.start,
				msg: "Cannot deserialize value of type " + mapType + " from " + tok.describe()}))
		}
		config := map[string]string{}
		for {
			tok, err := p.next()
			if err != nil {
				return fail(inElement(err))
			}
			if tok == tokEndObject {
				break
			}
			key := p.text
			tok, err = p.next()
			if err != nil {
				return fail(inElement(err))
			}
			switch tok {
			case tokString, tokInt, tokFloat, tokTrue, tokFalse:
				config[key] = p.text
			case tokNull:
				delete(config, key)
			default:
				return fail(inElement(&jacksonError{at: p.start,
					chain: fmt.Sprintf("java.util.LinkedHashMap[\"%s\"]", key),
					msg:   "Cannot deserialize value of type `java.lang.String` from " + tok.describe()}))
			}
		}
		configs = append(configs, config)
	}
}

// readAnswerJSON checks that an answer's text holds a JSON value, as Kafka Connect's RestClient
// reads it (ObjectMapper.readValue of the String; content after the value is ignored, the value
// is not checked against the expected type). It returns Jackson's message when it does not.
func readAnswerJSON(data []byte) string {
	p := newJacksonParser(data, true)
	tok, err := p.next()
	if err != nil {
		return err.message(p)
	}
	if tok == tokNone {
		return noContentMessage
	}
	if err := p.skipChildren(); err != nil {
		return err.message(p)
	}
	return ""
}
