package kcrest

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
)

func readCertificate(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatalf("%s: no PEM block", path)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// The expected names are what Java 17's X500Principal.getName() printed for these
// certificates (made with openssl req -subj; subject8 has BMPString values).
func TestClientCertPrincipalPrintsTheSubjectAsJavasX500Principal(t *testing.T) {
	for file, want := range map[string]string{
		"subject1.pem": `CN=alice,OU=eng,O=Example`,
		"subject2.pem": `CN=bob \"the builder\",O=Acme\, Inc.,L=San Francisco,ST=California,C=US`,
		"subject3.pem": `CN=Carol+2.5.4.4=#0c05536d697468,UID=carol,DC=example,DC=com`,
		"subject4.pem": `1.2.840.113549.1.9.1=#161064617665406578616d706c652e636f6d,CN=\#hash leading`,
		"subject5.pem": `STREET=1 Main St,2.5.4.12=#0c04426f7373,2.5.4.5=#130431323334,CN=\ spaced out\ `,
		"subject6.pem": `CN=ünïcödé \<x\>\;y\=z\\w`,
		"subject7.pem": `OU=x,CN=a\+b`,
		"subject8.pem": `CN=ünï,O=Ωmega`,
	} {
		t.Run(file, func(t *testing.T) {
			cert := readCertificate(t, filepath.Join("testdata", "principals", file))
			state := &tls.ConnectionState{VerifiedChains: [][]*x509.Certificate{{cert}}}
			if got := ClientCertPrincipal(state); got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

func TestClientCertPrincipalIsEmptyWithoutAVerifiedCertificate(t *testing.T) {
	cert := readCertificate(t, filepath.Join("testdata", "principals", "subject1.pem"))
	for name, state := range map[string]*tls.ConnectionState{
		"plain http":  nil,
		"no cert":     {},
		"unverified":  {PeerCertificates: []*x509.Certificate{cert}},
		"empty chain": {VerifiedChains: [][]*x509.Certificate{{}}},
	} {
		if got := ClientCertPrincipal(state); got != "" {
			t.Errorf("%s: got %q", name, got)
		}
	}
}
