package kcrest

import (
	"bufio"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
)

// Basic authentication as Kafka Connect's BasicAuthSecurityRestExtension does it
// (JaasBasicAuthFilter with PropertyFileLoginModule): every request must carry
// "Authorization: Basic base64(user:password)" for a user and password of the credentials file,
// except the two internal endpoints other workers call (they are signed instead, KIP-507).
// Otherwise the answer is 401 with Kafka Connect's plain-text body.

// unauthorizedBody is JaasBasicAuthFilter's entity for a request that failed authentication.
const unauthorizedBody = "User cannot access the resource."

// internalRequests are JaasBasicAuthFilter's INTERNAL_REQUEST_MATCHERS: the paths (relative to
// the root, with or without the leading slash) that skip authentication.
var internalRequests = []struct {
	method string
	path   *regexp.Regexp
}{
	{http.MethodPost, regexp.MustCompile(`^/?connectors/([^/]+)/tasks/?$`)},
	{http.MethodPut, regexp.MustCompile(`^/?connectors/[^/]+/fence/?$`)},
}

// LoadCredentials reads a PropertyFileLoginModule credentials file: one "user=password" (or
// "user: password") per line, "#" and "!" comments, as java.util.Properties reads the simple
// cases. Later lines win over earlier ones for the same user.
func LoadCredentials(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("basic auth credentials: %v", err)
	}
	defer f.Close()
	creds := map[string]string{}
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line := strings.TrimLeft(scanner.Text(), " \t\f")
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		i := strings.IndexAny(line, "=: \t\f")
		if i < 0 {
			creds[line] = ""
			continue
		}
		user := line[:i]
		rest := strings.TrimLeft(line[i:], " \t\f")
		if rest != "" && (rest[0] == '=' || rest[0] == ':') {
			rest = strings.TrimLeft(rest[1:], " \t\f")
		}
		creds[user] = rest
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("basic auth credentials %s: %v", path, err)
	}
	return creds, nil
}

// RequireBasicAuth wraps next so that only requests with credentials in creds (and the internal
// endpoints) reach it.
func RequireBasicAuth(creds map[string]string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isInternalRequest(r) {
			next.ServeHTTP(w, r)
			return
		}
		if user, ok := authenticated(creds, r.Header.Get("Authorization")); ok {
			next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), user)))
			return
		}
		writeUnauthorized(w)
	})
}

// writeUnauthorized answers 401 with JaasBasicAuthFilter's plain-text body.
func writeUnauthorized(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write([]byte(unauthorizedBody))
}

func isInternalRequest(r *http.Request) bool {
	for _, m := range internalRequests {
		if r.Method == m.method && m.path.MatchString(r.URL.Path) {
			return true
		}
	}
	return false
}

// authenticated reads the header as BasicAuthCredentials does ("<method> <base64>", the method
// Basic in any case, user and password split at the first colon, a user that is not empty) and
// checks them as PropertyFileLoginModule does. Returns the user when they pass.
func authenticated(creds map[string]string, header string) (string, bool) {
	space := strings.IndexByte(header, ' ')
	if space <= 0 || !strings.EqualFold(header[:space], "Basic") {
		return "", false
	}
	decoded, err := base64.StdEncoding.DecodeString(header[space+1:])
	if err != nil {
		return "", false
	}
	colon := strings.IndexByte(string(decoded), ':')
	if colon <= 0 {
		return "", false
	}
	user := string(decoded[:colon])
	password, ok := creds[user]
	if !ok || subtle.ConstantTimeCompare([]byte(password), decoded[colon+1:]) != 1 {
		return "", false
	}
	return user, true
}
