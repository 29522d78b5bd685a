package tlsfiles

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// issued is a certificate and its key, as PEM.
type issued struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte
	keyPEM  []byte
}

// issue makes a certificate signed by parent (self-signed when parent is nil).
func issue(t *testing.T, cn string, serial int64, isCA bool, parent *issued, usage x509.ExtKeyUsage) *issued {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  isCA,
		BasicConstraintsValid: true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	if isCA {
		tmpl.KeyUsage = x509.KeyUsageCertSign
	} else {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{usage}
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	}
	signer, signerKey := tmpl, key
	if parent != nil {
		signer, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	return &issued{
		cert:    cert,
		key:     key,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
	}
}

// replace writes a file through a rename, as sluiced does.
func replace(t *testing.T, path string, content []byte) {
	t.Helper()
	if err := os.WriteFile(path+".new", content, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".new", path); err != nil {
		t.Fatal(err)
	}
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// serve accepts TLS connections with cfg until the test ends, completing each handshake.
func serve(t *testing.T, cfg *tls.Config) string {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if err := c.(*tls.Conn).Handshake(); err == nil {
					_, _ = c.Write([]byte("x"))
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// dial completes a handshake and reads the server's first byte (in TLS 1.3 a refused client
// certificate shows only there); returns the server's leaf serial.
func dial(addr string, cfg *tls.Config) (int64, error) {
	c, err := tls.Dial("tcp", addr, cfg)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	if _, err := c.Read(make([]byte, 1)); err != nil {
		return 0, err
	}
	return c.ConnectionState().PeerCertificates[0].SerialNumber.Int64(), nil
}

func TestServerConfigServesARenewedCertificateToNewConnections(t *testing.T) {
	dir := t.TempDir()
	ca := issue(t, "ca", 1, true, nil, 0)
	first := issue(t, "worker", 10, false, ca, x509.ExtKeyUsageServerAuth)
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	replace(t, certFile, first.certPEM)
	replace(t, keyFile, first.keyPEM)
	cfg, err := ServerConfig(ServerOptions{CertFile: certFile, KeyFile: keyFile}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	addr := serve(t, cfg)
	roots := x509.NewCertPool()
	roots.AddCert(ca.cert)
	client := &tls.Config{RootCAs: roots, ServerName: "localhost"}
	if serial, err := dial(addr, client); err != nil || serial != 10 {
		t.Fatalf("first certificate: serial %d, %v", serial, err)
	}

	renewed := issue(t, "worker", 11, false, ca, x509.ExtKeyUsageServerAuth)
	// The chain first: until the key follows, the old pair is served.
	replace(t, certFile, renewed.certPEM)
	if serial, err := dial(addr, client); err != nil || serial != 10 {
		t.Fatalf("half-renewed: serial %d, %v", serial, err)
	}
	replace(t, keyFile, renewed.keyPEM)
	if serial, err := dial(addr, client); err != nil || serial != 11 {
		t.Fatalf("renewed certificate: serial %d, %v", serial, err)
	}
}

func TestServerConfigClientAuth(t *testing.T) {
	dir := t.TempDir()
	ca := issue(t, "ca", 1, true, nil, 0)
	server := issue(t, "worker", 2, false, ca, x509.ExtKeyUsageServerAuth)
	alice := issue(t, "alice", 3, false, ca, x509.ExtKeyUsageClientAuth)
	stranger := issue(t, "mallory", 4, false, issue(t, "other ca", 5, true, nil, 0), x509.ExtKeyUsageClientAuth)
	certFile, keyFile, caFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "ca.pem")
	replace(t, certFile, server.certPEM)
	replace(t, keyFile, server.keyPEM)
	replace(t, caFile, ca.certPEM)
	roots := x509.NewCertPool()
	roots.AddCert(ca.cert)
	withCert := func(i *issued) *tls.Config {
		pair, err := tls.X509KeyPair(i.certPEM, i.keyPEM)
		if err != nil {
			t.Fatal(err)
		}
		// Sent whatever CAs the server names (Go's client would keep back a certificate that
		// none of them signs).
		return &tls.Config{RootCAs: roots, ServerName: "localhost",
			GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &pair, nil }}
	}
	anonymous := &tls.Config{RootCAs: roots, ServerName: "localhost"}

	for _, tc := range []struct {
		auth                             string
		anonymousOK, aliceOK, strangerOK bool
	}{
		{"none", true, true, true},
		{"requested", true, true, false},
		{"required", false, true, false},
	} {
		t.Run(tc.auth, func(t *testing.T) {
			cfg, err := ServerConfig(ServerOptions{CertFile: certFile, KeyFile: keyFile, ClientCAFile: caFile, ClientAuth: tc.auth}, quiet)
			if err != nil {
				t.Fatal(err)
			}
			addr := serve(t, cfg)
			for _, c := range []struct {
				name string
				cfg  *tls.Config
				ok   bool
			}{{"anonymous", anonymous, tc.anonymousOK}, {"alice", withCert(alice), tc.aliceOK}, {"stranger", withCert(stranger), tc.strangerOK}} {
				if _, err := dial(addr, c.cfg); (err == nil) != c.ok {
					t.Errorf("%s: error %v, want success %v", c.name, err, c.ok)
				}
			}
		})
	}
}

func TestServerConfigRefusesBadOptions(t *testing.T) {
	if _, err := ServerConfig(ServerOptions{ClientAuth: "REQUIRED"}, quiet); err == nil || err.Error() != `client auth "REQUIRED": expected none, requested or required` {
		t.Errorf("got %v", err)
	}
	dir := t.TempDir()
	w := issue(t, "w", 1, false, nil, x509.ExtKeyUsageServerAuth)
	replace(t, filepath.Join(dir, "c"), w.certPEM)
	replace(t, filepath.Join(dir, "k"), w.keyPEM)
	_, err := ServerConfig(ServerOptions{CertFile: filepath.Join(dir, "c"), KeyFile: filepath.Join(dir, "k"), ClientAuth: "required"}, quiet)
	if err == nil || err.Error() != "client certificates are requested but no CA file verifies them" {
		t.Errorf("got %v", err)
	}
}

func TestServerConfigBoundsVersions(t *testing.T) {
	dir := t.TempDir()
	w := issue(t, "w", 1, false, nil, x509.ExtKeyUsageServerAuth)
	replace(t, filepath.Join(dir, "c"), w.certPEM)
	replace(t, filepath.Join(dir, "k"), w.keyPEM)
	cfg, err := ServerConfig(ServerOptions{CertFile: filepath.Join(dir, "c"), KeyFile: filepath.Join(dir, "k"), MinVersion: tls.VersionTLS13}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	addr := serve(t, cfg)
	roots := x509.NewCertPool()
	roots.AddCert(w.cert)
	if _, err := dial(addr, &tls.Config{RootCAs: roots, ServerName: "localhost", MaxVersion: tls.VersionTLS12}); err == nil {
		t.Error("a TLS 1.2 client reached a TLS 1.3-only server")
	}
	if _, err := dial(addr, &tls.Config{RootCAs: roots, ServerName: "localhost"}); err != nil {
		t.Error(err)
	}
}

func TestClientConfigTrustsTheCAFileAsItIsNowAndPresentsItsCertificate(t *testing.T) {
	dir := t.TempDir()
	ca := issue(t, "ca", 1, true, nil, 0)
	server := issue(t, "worker", 2, false, ca, x509.ExtKeyUsageServerAuth)
	client := issue(t, "gateway", 3, false, ca, x509.ExtKeyUsageClientAuth)
	for name, content := range map[string][]byte{"cert.pem": server.certPEM, "key.pem": server.keyPEM, "ca.pem": ca.certPEM, "client.pem": client.certPEM, "client-key.pem": client.keyPEM} {
		replace(t, filepath.Join(dir, name), content)
	}
	serverCfg, err := ServerConfig(ServerOptions{CertFile: filepath.Join(dir, "cert.pem"), KeyFile: filepath.Join(dir, "key.pem"), ClientCAFile: filepath.Join(dir, "ca.pem"), ClientAuth: "required"}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	addr := serve(t, serverCfg)

	other := issue(t, "other ca", 9, true, nil, 0)
	trustFile := filepath.Join(dir, "trust.pem")
	replace(t, trustFile, other.certPEM)
	cfg, err := ClientConfig(ClientOptions{CAFile: trustFile, CertFile: filepath.Join(dir, "client.pem"), KeyFile: filepath.Join(dir, "client-key.pem")}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dial(addr, cfg); err == nil {
		t.Fatal("the client trusted a server its CA file does not sign")
	}
	// The worker's own certificate in the bundle is enough (sluiced's peer-ca.pem); the CA
	// file is read again on the next connection. 127.0.0.1 need not be checked by name.
	replace(t, trustFile, append(other.certPEM, server.certPEM...))
	if serial, err := dial(addr, cfg); err != nil || serial != 2 {
		t.Fatalf("serial %d, %v", serial, err)
	}
	named, err := ClientConfig(ClientOptions{CAFile: trustFile, CertFile: filepath.Join(dir, "client.pem"), KeyFile: filepath.Join(dir, "client-key.pem"), ServerName: "sluice.example"}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dial(addr, named); err == nil {
		t.Fatal("a server name the certificate does not hold was accepted")
	}
}
