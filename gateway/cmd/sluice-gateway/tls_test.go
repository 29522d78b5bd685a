package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSigned writes a self-signed certificate for 127.0.0.1 and its key into dir.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: "gateway"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ = x509.ParseCertificate(der)
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, cert
}

func TestServesHTTPSWithTheGivenCertificate(t *testing.T) {
	certFile, keyFile, cert := selfSigned(t, t.TempDir())
	stdinR, stdinW := io.Pipe()
	stdoutR, stdoutW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), []string{"--listen", "127.0.0.1:0",
			"--backend", "unix:///nonexistent/sluiced.sock", "--exit-on-stdin-eof",
			"--tls-cert-file", certFile, "--tls-key-file", keyFile},
			stdinR, stdoutW, &syncBuffer{})
		stdoutW.Close()
	}()
	line, err := bufio.NewReader(stdoutR).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	addr, _ := strings.CutPrefix(strings.TrimSpace(line), "SLUICE-GATEWAY|listening|")
	go func() { _, _ = io.Copy(io.Discard, stdoutR) }()

	roots := x509.NewCertPool()
	roots.AddCert(cert)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	resp, err := client.Get("https://" + addr + "/connectors")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.TLS == nil {
		t.Fatalf("got %d %s (TLS %v)", resp.StatusCode, body, resp.TLS != nil)
	}
	// A client that does not trust the certificate gets no answer.
	if _, err := http.Get("https://" + addr + "/connectors"); err == nil {
		t.Error("an untrusting client got an answer")
	}

	stdinW.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not exit after stdin closed")
	}
}

func TestRefusesIncompleteTLSFlags(t *testing.T) {
	certFile, keyFile, _ := selfSigned(t, t.TempDir())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--tls-cert-file", certFile}, "--tls-cert-file and --tls-key-file go together"},
		{[]string{"--tls-client-auth", "required"}, "--tls-client-ca-file and --tls-client-auth need --tls-cert-file"},
		{[]string{"--tls-cert-file", certFile, "--tls-key-file", keyFile, "--tls-min-version", "1.1"}, `--tls-min-version: TLS version "1.1": expected 1.2 or 1.3`},
		{[]string{"--tls-cert-file", certFile, "--tls-key-file", keyFile, "--tls-client-auth", "required"}, "--tls-cert-file: client certificates are requested but no CA file verifies them"},
		{[]string{"--backend-tls-cert-file", certFile, "--backend-tls-key-file", keyFile}, "--backend-tls-cert-file and --backend-tls-key-file need --backend-tls-ca-file"},
		{[]string{"--forward-tls-no-hostname-check"}, "--forward-tls-no-hostname-check needs --forward-tls-ca-file"},
	} {
		args := append([]string{"--listen", "127.0.0.1:0", "--backend", "unix:///nonexistent/sluiced.sock"}, tc.args...)
		err := run(context.Background(), args, strings.NewReader(""), io.Discard, io.Discard)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%v: got %v, want %s", tc.args, err, tc.want)
		}
	}
}
