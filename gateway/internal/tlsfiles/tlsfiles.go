// Package tlsfiles builds the gateway's TLS configurations from PEM files that are read again
// when they change, so that a renewed certificate (or CA bundle) reaches new connections
// without a restart. A file is read again when its size, modification time or inode differ
// from the last read (sluiced replaces its files by a rename); a change that cannot be read
// (a key that does not match its certificate yet, a half-written file) is logged and the
// previous material kept.
//
// All types are safe for concurrent use.
package tlsfiles

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"syscall"
	"time"
)

// stamp identifies one version of a file.
type stamp struct {
	size  int64
	mod   time.Time
	inode uint64
}

func stampOf(path string) (stamp, error) {
	info, err := os.Stat(path)
	if err != nil {
		return stamp{}, err
	}
	s := stamp{size: info.Size(), mod: info.ModTime()}
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		s.inode = st.Ino
	}
	return s, nil
}

// KeyPair is a certificate chain and its private key, read from two PEM files.
type KeyPair struct {
	certFile, keyFile string
	logger            *slog.Logger

	mu     sync.Mutex
	stamps [2]stamp
	cert   *tls.Certificate
}

// NewKeyPair reads the pair now: an error when it cannot be read.
func NewKeyPair(certFile, keyFile string, logger *slog.Logger) (*KeyPair, error) {
	k := &KeyPair{certFile: certFile, keyFile: keyFile, logger: logger}
	if err := k.reload(); err != nil {
		return nil, err
	}
	return k, nil
}

func (k *KeyPair) reload() error {
	certStamp, err := stampOf(k.certFile)
	if err != nil {
		return err
	}
	keyStamp, err := stampOf(k.keyFile)
	if err != nil {
		return err
	}
	cert, err := tls.LoadX509KeyPair(k.certFile, k.keyFile)
	if err != nil {
		return fmt.Errorf("%s, %s: %v", k.certFile, k.keyFile, err)
	}
	k.stamps = [2]stamp{certStamp, keyStamp}
	k.cert = &cert
	return nil
}

// Certificate is the pair as the files hold it now (the last one that could be read).
func (k *KeyPair) Certificate() *tls.Certificate {
	k.mu.Lock()
	defer k.mu.Unlock()
	certStamp, err1 := stampOf(k.certFile)
	keyStamp, err2 := stampOf(k.keyFile)
	if err1 == nil && err2 == nil && (certStamp != k.stamps[0] || keyStamp != k.stamps[1]) {
		if err := k.reload(); err != nil {
			k.logger.Warn("TLS certificate changed but cannot be read; keeping the previous one", "error", err)
		} else {
			k.logger.Info("TLS certificate reloaded", "file", k.certFile)
		}
	}
	return k.cert
}

// CertPool is a bundle of CA certificates read from a PEM file.
type CertPool struct {
	file   string
	logger *slog.Logger

	mu    sync.Mutex
	stamp stamp
	pool  *x509.CertPool
}

// NewCertPool reads the bundle now: an error when it cannot be read or holds no certificate.
func NewCertPool(file string, logger *slog.Logger) (*CertPool, error) {
	p := &CertPool{file: file, logger: logger}
	if err := p.reload(); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *CertPool) reload() error {
	st, err := stampOf(p.file)
	if err != nil {
		return err
	}
	pem, err := os.ReadFile(p.file)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return fmt.Errorf("no PEM certificate in %s", p.file)
	}
	p.stamp = st
	p.pool = pool
	return nil
}

// Pool is the bundle as the file holds it now (the last one that could be read).
func (p *CertPool) Pool() *x509.CertPool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if st, err := stampOf(p.file); err == nil && st != p.stamp {
		if err := p.reload(); err != nil {
			p.logger.Warn("CA certificates changed but cannot be read; keeping the previous ones", "error", err)
		}
	}
	return p.pool
}

// ClientAuth maps Kafka's ssl.client.auth values to Go's.
func ClientAuth(value string) (tls.ClientAuthType, error) {
	switch value {
	case "", "none":
		return tls.NoClientCert, nil
	case "requested":
		return tls.VerifyClientCertIfGiven, nil
	case "required":
		return tls.RequireAndVerifyClientCert, nil
	}
	return tls.NoClientCert, fmt.Errorf("client auth %q: expected none, requested or required", value)
}

// Version maps "1.2" / "1.3" to Go's TLS version.
func Version(value string) (uint16, error) {
	switch value {
	case "1.2":
		return tls.VersionTLS12, nil
	case "1.3":
		return tls.VersionTLS13, nil
	}
	return 0, fmt.Errorf("TLS version %q: expected 1.2 or 1.3", value)
}

// ServerOptions configures a TLS server.
type ServerOptions struct {
	CertFile, KeyFile string // the server's certificate chain and key (PEM)
	ClientCAFile      string // CAs that sign client certificates ("" = none)
	ClientAuth        string // none, requested or required
	MinVersion        uint16 // 0: TLS 1.2
	MaxVersion        uint16 // 0: TLS 1.3
}

// ServerConfig is a server configuration whose certificate and client CAs are read again from
// their files when they change.
func ServerConfig(opts ServerOptions, logger *slog.Logger) (*tls.Config, error) {
	auth, err := ClientAuth(opts.ClientAuth)
	if err != nil {
		return nil, err
	}
	pair, err := NewKeyPair(opts.CertFile, opts.KeyFile, logger)
	if err != nil {
		return nil, err
	}
	var cas *CertPool
	if opts.ClientCAFile != "" {
		if cas, err = NewCertPool(opts.ClientCAFile, logger); err != nil {
			return nil, err
		}
	} else if auth != tls.NoClientCert {
		return nil, errors.New("client certificates are requested but no CA file verifies them")
	}
	minVersion, maxVersion := opts.MinVersion, opts.MaxVersion
	if minVersion == 0 {
		minVersion = tls.VersionTLS12
	}
	if maxVersion == 0 {
		maxVersion = tls.VersionTLS13
	}
	connection := func() *tls.Config {
		c := &tls.Config{
			MinVersion:   minVersion,
			MaxVersion:   maxVersion,
			ClientAuth:   auth,
			Certificates: []tls.Certificate{*pair.Certificate()},
			NextProtos:   []string{"h2", "http/1.1"},
		}
		if cas != nil {
			c.ClientCAs = cas.Pool()
		}
		return c
	}
	base := connection()
	base.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) { return connection(), nil }
	return base, nil
}

// ClientOptions configures a TLS client.
type ClientOptions struct {
	CAFile            string // CAs that sign the server's certificate (PEM)
	CertFile, KeyFile string // a client certificate and its key ("" = none)
	// ServerName is checked against the server's certificate; "" checks the chain only (the
	// gateway dials its own worker over loopback, whose address the certificate need not name).
	ServerName string
}

// ClientConfig is a client configuration whose CAs and client certificate are read again from
// their files when they change.
func ClientConfig(opts ClientOptions, logger *slog.Logger) (*tls.Config, error) {
	cas, err := NewCertPool(opts.CAFile, logger)
	if err != nil {
		return nil, err
	}
	if (opts.CertFile == "") != (opts.KeyFile == "") {
		return nil, errors.New("a client certificate file needs its key file, and the other way round")
	}
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS12,
		// The chain is verified in VerifyConnection against the CA file as it is now.
		InsecureSkipVerify: true,
		VerifyConnection: func(state tls.ConnectionState) error {
			return verifyServer(state, cas.Pool(), opts.ServerName)
		},
	}
	if opts.CertFile != "" {
		pair, err := NewKeyPair(opts.CertFile, opts.KeyFile, logger)
		if err != nil {
			return nil, err
		}
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			return pair.Certificate(), nil
		}
	}
	return cfg, nil
}

func verifyServer(state tls.ConnectionState, roots *x509.CertPool, serverName string) error {
	if len(state.PeerCertificates) == 0 {
		return errors.New("the server presented no certificate")
	}
	intermediates := x509.NewCertPool()
	for _, c := range state.PeerCertificates[1:] {
		intermediates.AddCert(c)
	}
	_, err := state.PeerCertificates[0].Verify(x509.VerifyOptions{
		Roots:         roots,
		Intermediates: intermediates,
		DNSName:       serverName,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	return err
}
