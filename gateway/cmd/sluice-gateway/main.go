// sluice-gateway serves Kafka Connect's REST API and forwards every request as one gRPC call
// to sluiced's ConnectService. sluiced starts it as a child process (see --exit-on-stdin-eof);
// it can also run on its own in front of a cluster.
//
//	sluice-gateway --listen 127.0.0.1:8083 --backend 127.0.0.1:8084
//	sluice-gateway --listen :0 --backend unix:///run/sluice/api.sock --exit-on-stdin-eof
//	sluice-gateway --listen :8443 --tls-cert-file cert.pem --tls-key-file key.pem \
//	    --backend 127.0.0.1:8084 --backend-tls-ca-file ca.pem
//
// Once listening it prints one line on stdout, SLUICE-GATEWAY|listening|<host:port bound>;
// logs go to stderr.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	sluicev1 "sluice.dev/gateway/gen/sluice/v1"
	"sluice.dev/gateway/internal/kcrest"
	"sluice.dev/gateway/internal/tlsfiles"
)

// maxAnswerBytes is the largest gRPC answer the gateway takes from sluiced.
const maxAnswerBytes = 256 << 20

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "sluice-gateway: %v\n", err)
		os.Exit(1)
	}
}

// run serves until ctx ends (or stdin closes, with --exit-on-stdin-eof) and then shuts down.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("sluice-gateway", flag.ContinueOnError)
	flags.SetOutput(stderr)
	listen := flags.String("listen", "127.0.0.1:8083", "HOST:PORT to serve the REST API on (port 0: any free port)")
	backend := flags.String("backend", "127.0.0.1:8084", "sluiced's gRPC address: HOST:PORT or unix:///path")
	exitOnStdinEOF := flags.Bool("exit-on-stdin-eof", false, "exit when stdin closes (when run as a child of sluiced)")
	logLevel := flags.String("log-level", "info", "debug, info, warn or error (debug logs every request)")
	forwardCA := flags.String("forward-tls-ca-file", "", "PEM file of the CA certificates that sign other workers' REST listeners (default: the system's), for requests forwarded to an https leader")
	forwardCert := flags.String("forward-tls-cert-file", "", "PEM client certificate presented to an https leader (with --forward-tls-key-file)")
	forwardKey := flags.String("forward-tls-key-file", "", "PEM private key of --forward-tls-cert-file")
	backendTokenFile := flags.String("backend-token-file", "", "a file holding the secret with which the gateway speaks to sluiced for the REST caller it authenticated (sluiced writes it)")
	metricsListen := flags.String("metrics-listen", "", "HOST:PORT of a second listener that serves only GET /metrics (Prometheus), without authentication (port 0: any free port)")
	forwardNoHostnameCheck := flags.Bool("forward-tls-no-hostname-check", false, "verify an https leader's certificate chain against --forward-tls-ca-file but not its host name (Kafka's ssl.endpoint.identification.algorithm=\"\")")
	credentialsFile := flags.String("basic-auth-credentials-file", "", "a PropertyFileLoginModule credentials file (user=password lines): every request but the internal endpoints needs HTTP basic authentication, as with Kafka Connect's BasicAuthSecurityRestExtension")
	tlsCert := flags.String("tls-cert-file", "", "PEM certificate chain: serve REST over https (with --tls-key-file); read again when the file changes")
	tlsKey := flags.String("tls-key-file", "", "PEM private key of --tls-cert-file")
	tlsClientCA := flags.String("tls-client-ca-file", "", "PEM CA certificates that verify client certificates")
	tlsClientAuth := flags.String("tls-client-auth", "none", "none, requested or required (Kafka's ssl.client.auth)")
	tlsMinVersion := flags.String("tls-min-version", "1.2", "lowest TLS version served: 1.2 or 1.3")
	tlsMaxVersion := flags.String("tls-max-version", "1.3", "highest TLS version served: 1.2 or 1.3")
	backendCA := flags.String("backend-tls-ca-file", "", "PEM CA certificates that sign sluiced's gRPC certificate: dial --backend over TLS")
	backendCert := flags.String("backend-tls-cert-file", "", "PEM client certificate presented to sluiced's gRPC (with --backend-tls-key-file)")
	backendKey := flags.String("backend-tls-key-file", "", "PEM private key of --backend-tls-cert-file")
	backendServerName := flags.String("backend-tls-server-name", "", "name sluiced's gRPC certificate must hold (default: the chain is verified, the name is not)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", flags.Args())
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("--log-level: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	if *exitOnStdinEOF {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		go func() {
			_, _ = io.Copy(io.Discard, stdin)
			logger.Info("stdin closed; shutting down")
			cancel()
		}()
	}

	// Answers can be larger than gRPC's default 4 MiB receive limit (GET /connectors?expand=info
	// over many connectors); sluiced's sends are not limited.
	backendCreds := insecure.NewCredentials()
	if *backendCA != "" {
		cfg, err := tlsfiles.ClientConfig(tlsfiles.ClientOptions{CAFile: *backendCA, CertFile: *backendCert,
			KeyFile: *backendKey, ServerName: *backendServerName}, logger)
		if err != nil {
			return fmt.Errorf("--backend-tls-ca-file: %v", err)
		}
		backendCreds = credentials.NewTLS(cfg)
	} else if *backendCert != "" || *backendKey != "" {
		return errors.New("--backend-tls-cert-file and --backend-tls-key-file need --backend-tls-ca-file")
	}
	dialOptions := []grpc.DialOption{grpc.WithTransportCredentials(backendCreds),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxAnswerBytes))}
	if *backendTokenFile != "" {
		// Every call speaks for the REST caller the gateway authenticated.
		token, err := os.ReadFile(*backendTokenFile)
		if err != nil {
			return fmt.Errorf("--backend-token-file: %v", err)
		}
		dialOptions = append(dialOptions,
			grpc.WithUnaryInterceptor(kcrest.BackendIdentity(strings.TrimSpace(string(token)))))
	}
	conn, err := grpc.NewClient(*backend, dialOptions...)
	if err != nil {
		return fmt.Errorf("backend %q: %v", *backend, err)
	}
	defer conn.Close()

	forwardTLS, err := forwardTLSConfig(*forwardCA, *forwardCert, *forwardKey, *forwardNoHostnameCheck, logger)
	if err != nil {
		return err
	}
	h, err := kcrest.NewHandler(ctx, sluicev1.NewConnectServiceClient(conn), logger,
		kcrest.WithForwarding(kcrest.ForwardOptions{TLS: forwardTLS}))
	if err != nil {
		return err
	}
	serverTLS, err := restTLSConfig(*tlsCert, *tlsKey, *tlsClientCA, *tlsClientAuth, *tlsMinVersion, *tlsMaxVersion, logger)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	scheme := "http"
	if serverTLS != nil {
		ln = tls.NewListener(ln, serverTLS)
		scheme = "https"
	}
	var handler http.Handler = h
	if *credentialsFile != "" {
		creds, err := kcrest.LoadCredentials(*credentialsFile)
		if err != nil {
			return err
		}
		handler = kcrest.RequireBasicAuth(creds, h)
	}
	// A verified client certificate names the caller; a basic-auth user (set later, inside)
	// wins over it.
	handler = kcrest.WithCertificatePrincipal(handler)
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 30 * time.Second}
	var metricsSrv *http.Server
	var metricsLn net.Listener
	if *metricsListen != "" {
		metricsLn, err = net.Listen("tcp", *metricsListen)
		if err != nil {
			return fmt.Errorf("--metrics-listen: %v", err)
		}
		metricsSrv = &http.Server{
			Handler:           kcrest.NewMetricsHandler(sluicev1.NewConnectServiceClient(conn), logger),
			ReadHeaderTimeout: 30 * time.Second,
		}
	}
	fmt.Fprintf(stdout, "SLUICE-GATEWAY|listening|%s\n", ln.Addr().String())
	logger.Info("listening", "address", ln.Addr().String(), "scheme", scheme, "backend", *backend)

	served := make(chan error, 2)
	go func() { served <- srv.Serve(ln) }()
	if metricsSrv != nil {
		fmt.Fprintf(stdout, "SLUICE-GATEWAY|metrics|%s\n", metricsLn.Addr().String())
		logger.Info("serving metrics", "address", metricsLn.Addr().String())
		go func() { served <- metricsSrv.Serve(metricsLn) }()
		defer metricsSrv.Close()
	}
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close()
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// forwardTLSConfig is the TLS client configuration for requests forwarded to an https leader:
// nil (Go's defaults: the system's roots, the host name checked) unless files are given.
func forwardTLSConfig(caFile, certFile, keyFile string, noHostnameCheck bool, logger *slog.Logger) (*tls.Config, error) {
	if noHostnameCheck {
		if caFile == "" {
			return nil, errors.New("--forward-tls-no-hostname-check needs --forward-tls-ca-file")
		}
		// The chain is verified against the CA file as it is at each connection, the name not.
		cfg, err := tlsfiles.ClientConfig(tlsfiles.ClientOptions{CAFile: caFile, CertFile: certFile, KeyFile: keyFile}, logger)
		if err != nil {
			return nil, fmt.Errorf("--forward-tls-ca-file: %v", err)
		}
		return cfg, nil
	}
	if caFile == "" && certFile == "" && keyFile == "" {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("--forward-tls-ca-file: %v", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--forward-tls-ca-file: no PEM certificate in %s", caFile)
		}
	}
	if (certFile == "") != (keyFile == "") {
		return nil, errors.New("--forward-tls-cert-file and --forward-tls-key-file go together")
	}
	if certFile != "" {
		// Read again when the files change (sluiced renews its key pair in place).
		pair, err := tlsfiles.NewKeyPair(certFile, keyFile, logger)
		if err != nil {
			return nil, fmt.Errorf("--forward-tls-cert-file: %v", err)
		}
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			return pair.Certificate(), nil
		}
	}
	return cfg, nil
}

// restTLSConfig is the REST listener's TLS configuration: nil (plain http) without
// --tls-cert-file. The certificate and client CAs are read again when their files change.
func restTLSConfig(certFile, keyFile, clientCAFile, clientAuth, minVersion, maxVersion string, logger *slog.Logger) (*tls.Config, error) {
	if certFile == "" && keyFile == "" {
		if clientCAFile != "" || clientAuth != "none" {
			return nil, errors.New("--tls-client-ca-file and --tls-client-auth need --tls-cert-file")
		}
		return nil, nil
	}
	if certFile == "" || keyFile == "" {
		return nil, errors.New("--tls-cert-file and --tls-key-file go together")
	}
	minV, err := tlsfiles.Version(minVersion)
	if err != nil {
		return nil, fmt.Errorf("--tls-min-version: %v", err)
	}
	maxV, err := tlsfiles.Version(maxVersion)
	if err != nil {
		return nil, fmt.Errorf("--tls-max-version: %v", err)
	}
	cfg, err := tlsfiles.ServerConfig(tlsfiles.ServerOptions{CertFile: certFile, KeyFile: keyFile,
		ClientCAFile: clientCAFile, ClientAuth: clientAuth, MinVersion: minV, MaxVersion: maxV}, logger)
	if err != nil {
		return nil, fmt.Errorf("--tls-cert-file: %v", err)
	}
	return cfg, nil
}
