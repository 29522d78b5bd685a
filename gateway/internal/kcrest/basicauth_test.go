package kcrest

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func TestLoadCredentialsReadsThePropertiesFileOfPropertyFileLoginModule(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials.properties")
	content := "# users\n! also a comment\nalice=alice-secret\nbob: bob secret\n  carol = c=3\n\ndave\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	creds, err := LoadCredentials(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"alice": "alice-secret", "bob": "bob secret", "carol": "c=3", "dave": ""}
	if len(creds) != len(want) {
		t.Fatalf("got %v, want %v", creds, want)
	}
	for k, v := range want {
		if creds[k] != v {
			t.Errorf("%s: got %q, want %q", k, creds[k], v)
		}
	}
	if _, err := LoadCredentials(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing credentials file must be an error")
	}
}

func TestRequireBasicAuthLetsInOnlyKnownUsersAndTheInternalEndpoints(t *testing.T) {
	creds := map[string]string{"alice": "alice-secret"}
	h := RequireBasicAuth(creds, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
	}))
	basic := func(userPass string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(userPass))
	}
	cases := []struct {
		method, path, auth string
		want               int
	}{
		{"GET", "/connectors", basic("alice:alice-secret"), 200},
		{"GET", "/connectors", "bAsIc " + base64.StdEncoding.EncodeToString([]byte("alice:alice-secret")), 200},
		{"GET", "/connectors", "", 401},
		{"GET", "/connectors", basic("alice:wrong"), 401},
		{"GET", "/connectors", basic("mallory:alice-secret"), 401},
		{"GET", "/connectors", basic(":alice-secret"), 401},
		{"GET", "/connectors", "Bearer abc", 401},
		{"GET", "/connectors", "Basic not-base64!", 401},
		{"DELETE", "/connectors/c", "", 401},
		// Other workers' requests, signed with the session key instead (KIP-507).
		{"POST", "/connectors/c/tasks", "", 200},
		{"PUT", "/connectors/c/fence", "", 200},
		{"GET", "/connectors/c/tasks", "", 401},
		{"POST", "/connectors/c/tasks/0/restart", "", 401},
	}
	for _, c := range cases {
		r := httptest.NewRequest(c.method, c.path, nil)
		if c.auth != "" {
			r.Header.Set("Authorization", c.auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != c.want {
			t.Errorf("%s %s with %q: got %d, want %d", c.method, c.path, c.auth, w.Code, c.want)
		}
		if c.want == 401 && w.Body.String() != "User cannot access the resource." {
			t.Errorf("%s %s: body %q", c.method, c.path, w.Body.String())
		}
	}
}
