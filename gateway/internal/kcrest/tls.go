package kcrest

import (
	"crypto/tls"
	"encoding/asn1"
	"encoding/hex"
	"strings"
	"unicode/utf16"
)

// ClientCertPrincipal is the subject of the verified client certificate of a TLS connection as
// Java's X500Principal.getName() prints it (RFC 2253: the RDNs last first, e.g.
// "CN=alice,OU=eng,O=Example"), which is what Kafka Connect sees as the client's principal
// name. "" when the connection is not TLS or the client presented no verified certificate.
func ClientCertPrincipal(state *tls.ConnectionState) string {
	if state == nil || len(state.VerifiedChains) == 0 || len(state.VerifiedChains[0]) == 0 {
		return ""
	}
	return rfc2253Name(state.VerifiedChains[0][0].RawSubject)
}

// rawAttribute is one AttributeTypeAndValue with its value kept as DER.
type rawAttribute struct {
	Type  asn1.ObjectIdentifier
	Value asn1.RawValue
}

// rawRDNSET is a RelativeDistinguishedName (the SET suffix makes encoding/asn1 read a SET OF).
type rawRDNSET []rawAttribute

// rfc2253Keywords are the attribute names Java's RFC 2253 form uses; any other attribute is
// printed as its dotted OID with the DER of its value in hex.
var rfc2253Keywords = map[string]string{
	"2.5.4.3":                    "CN",
	"2.5.4.6":                    "C",
	"2.5.4.7":                    "L",
	"2.5.4.8":                    "ST",
	"2.5.4.10":                   "O",
	"2.5.4.11":                   "OU",
	"2.5.4.9":                    "STREET",
	"0.9.2342.19200300.100.1.25": "DC",
	"0.9.2342.19200300.100.1.1":  "UID",
}

// rfc2253Name formats a DER Name as X500Principal.getName() does; "" when it cannot be parsed.
func rfc2253Name(raw []byte) string {
	var rdns []rawRDNSET
	if rest, err := asn1.Unmarshal(raw, &rdns); err != nil || len(rest) > 0 {
		return ""
	}
	parts := make([]string, 0, len(rdns))
	for i := len(rdns) - 1; i >= 0; i-- {
		attrs := make([]string, 0, len(rdns[i]))
		for _, a := range rdns[i] {
			attrs = append(attrs, rfc2253Attribute(a))
		}
		parts = append(parts, strings.Join(attrs, "+"))
	}
	return strings.Join(parts, ",")
}

func rfc2253Attribute(a rawAttribute) string {
	keyword, known := rfc2253Keywords[a.Type.String()]
	if known && a.Value.Class == asn1.ClassUniversal {
		if text, ok := directoryString(a.Value); ok {
			return keyword + "=" + escapeRFC2253(text)
		}
	}
	if !known {
		keyword = a.Type.String()
	}
	return keyword + "=#" + hex.EncodeToString(a.Value.FullBytes)
}

// directoryString decodes the string types Java prints as text (DerValue's PrintableString,
// T61String, IA5String, GeneralString, UTF8String and BMPString).
func directoryString(v asn1.RawValue) (string, bool) {
	switch v.Tag {
	case asn1.TagPrintableString, asn1.TagIA5String, asn1.TagUTF8String, asn1.TagGeneralString:
		return string(v.Bytes), true
	case asn1.TagT61String: // ISO-8859-1 to Java
		runes := make([]rune, len(v.Bytes))
		for i, b := range v.Bytes {
			runes[i] = rune(b)
		}
		return string(runes), true
	case asn1.TagBMPString:
		if len(v.Bytes)%2 != 0 {
			return "", false
		}
		units := make([]uint16, len(v.Bytes)/2)
		for i := range units {
			units[i] = uint16(v.Bytes[2*i])<<8 | uint16(v.Bytes[2*i+1])
		}
		return string(utf16.Decode(units)), true
	}
	return "", false
}

// escapeRFC2253 escapes a value as Java's AVA.toRFC2253String: a backslash before each of
// ,=+<>#;"\ and before leading and trailing spaces (and carriage returns); NUL as \00.
func escapeRFC2253(value string) string {
	const escapees = ",=+<>#;\"\\"
	var b strings.Builder
	for _, c := range value {
		switch {
		case strings.ContainsRune(escapees, c):
			b.WriteByte('\\')
			b.WriteRune(c)
		case c == 0:
			b.WriteString("\\00")
		default:
			b.WriteRune(c)
		}
	}
	escaped := []rune(b.String())
	blank := func(c rune) bool { return c == ' ' || c == '\r' }
	lead := 0
	for lead < len(escaped) && blank(escaped[lead]) {
		lead++
	}
	trail := len(escaped) - 1
	for trail >= 0 && blank(escaped[trail]) {
		trail--
	}
	var out strings.Builder
	for i, c := range escaped {
		if i < lead || i > trail {
			out.WriteByte('\\')
		}
		out.WriteRune(c)
	}
	return out.String()
}
