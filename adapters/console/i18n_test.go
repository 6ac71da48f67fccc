package console

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/fielderr"
)

// Every string of the console's own exists in both languages, and every key its templates use
// is its own: modules' strings are checked with their modules (modules_test.go).
func TestEveryStringIsTranslated(t *testing.T) {
	t.Parallel()
	zh, en := messages["zh-CN"], messages["en"]
	for k := range zh {
		require.Containsf(t, en, k, "%s lacks English", k)
	}
	for k := range en {
		require.Containsf(t, zh, k, "%s lacks Chinese", k)
	}
	used := regexp.MustCompile(`t \$?\.Lang "([a-z_.]+)"`)
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(templateFS, path)
		for _, m := range used.FindAllStringSubmatch(string(raw), -1) {
			require.Containsf(t, en, m[1], "%s uses undefined %s", path, m[1])
		}
		return err
	})
	require.NoError(t, err)
}

func TestLanguageFollowsTheCookieThenTheBrowser(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest("GET", "/", nil)
	require.Equal(t, "zh-CN", language(r), "brands are in China")
	r.Header.Set("Accept-Language", "en-GB,en;q=0.9")
	require.Equal(t, "en", language(r))
	r.Header.Set("Cookie", langCookie+"=zh-CN")
	require.Equal(t, "zh-CN", language(r))
}

func TestReturnDestinationsStayInTheConsole(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"/console/team":        "/console/team",
		"/console/audit?x=1":   "/console/audit?x=1",
		"https://evil.example": "/console/",
		"//evil.example/x":     "/console/",
		"/v1/api-keys":         "/console/",
		"":                     "/console/",
	} {
		require.Equalf(t, want, safeReturn(raw), "%q", raw)
	}
}

// A form shows a message beside every input a service's field errors name, however joined,
// keyed by the field's first part.
func TestFieldErrorsPutAMessageByEveryInputAtFault(t *testing.T) {
	t.Parallel()
	m := Messages{"en": {"shop.bad_name": "Bad name.", "shop.bad_address": "Bad address."}}
	err := errors.Join(fielderr.Errorf("name", "too long"), fmt.Errorf("saving: %w",
		errors.Join(fielderr.Errorf("address.postcode", "six digits"), fielderr.Errorf("address.lines[1]", "too long"))))
	form := map[string]string{}
	require.True(t, m.FieldErrors("en", err, "shop.bad_", form))
	require.Equal(t, map[string]string{"name": "Bad name.", "address.postcode": "Bad address.", "address.lines[1]": "Bad address."}, form)

	require.False(t, m.FieldErrors("en", errors.New("database down"), "shop.bad_", form), "an error that names no field is the caller's")
	require.False(t, m.FieldErrors("en", nil, "shop.bad_", form))
}
