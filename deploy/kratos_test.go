package deploy

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/adapters/kratos"
)

// kratosNames is the part of kratos.yml that Engage must agree with.
type kratosNames struct {
	Serve struct {
		Public struct {
			BaseURL string `yaml:"base_url"`
		} `yaml:"public"`
	} `yaml:"serve"`
	Session struct {
		Cookie struct {
			Name string `yaml:"name"`
		} `yaml:"cookie"`
	} `yaml:"session"`
	Selfservice struct {
		DefaultBrowserReturnURL string   `yaml:"default_browser_return_url"`
		AllowedReturnURLs       []string `yaml:"allowed_return_urls"`
		Flows                   map[string]struct {
			UIURL string `yaml:"ui_url"`
			After struct {
				DefaultBrowserReturnURL string `yaml:"default_browser_return_url"`
			} `yaml:"after"`
		} `yaml:"flows"`
	} `yaml:"selfservice"`
}

// Kratos's session cookie name and UI URLs are set in kratos.yml, and Engage is told the same:
// the cookie's name (ENGAGE_KRATOS_SESSION_COOKIE in compose and the Kubernetes ConfigMap, and
// the binary's default), Kratos's URL for browsers, and every UI URL is a page the console
// serves under ENGAGE_PUBLIC_URL. A change on one side without the other fails here.
func TestKratosCookieNameAndUIURLsAgreeWithEngage(t *testing.T) {
	t.Parallel()
	var k kratosNames
	decodeYAMLFile(t, kratosConfigPath, &k)
	env := loadCompose(t).Services["api"].Environment
	cm := configMapData(t, "engage-config")

	cookie := k.Session.Cookie.Name
	require.NotEmpty(t, cookie, "kratos.yml names its session cookie")
	require.Equal(t, cookie, env["ENGAGE_KRATOS_SESSION_COOKIE"], "compose")
	require.Equal(t, cookie, cm["ENGAGE_KRATOS_SESSION_COOKIE"], "Kubernetes")
	require.Equal(t, cookie, kratos.DefaultSessionCookie, "the binary's default")
	require.Equal(t, strings.TrimRight(k.Serve.Public.BaseURL, "/"), env["ENGAGE_KRATOS_BROWSER_URL"], "compose sends browsers to Kratos's public URL")
	require.NotEmpty(t, cm["ENGAGE_KRATOS_BROWSER_URL"], "Kubernetes sends browsers to Kratos")

	public := env["ENGAGE_PUBLIC_URL"]
	require.NotEmpty(t, public)
	require.Len(t, console.AuthPages, 6, "login, registration, recovery, verification, settings, error")
	for flow, page := range console.AuthPages {
		require.Equalf(t, public+page, k.Selfservice.Flows[flow].UIURL, "selfservice.flows.%s.ui_url", flow)
	}
	require.Equal(t, public+console.AuthPages["login"], k.Selfservice.Flows["logout"].After.DefaultBrowserReturnURL,
		"after signing out, the console's sign-in page")
	require.Equal(t, public+"/console/", k.Selfservice.DefaultBrowserReturnURL)
	require.Equal(t, []string{public + "/console/"}, k.Selfservice.AllowedReturnURLs, "flows return into the console only")
}
