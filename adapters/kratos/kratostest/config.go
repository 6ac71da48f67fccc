package kratostest

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// ShippedConfigPath is Engage's Kratos configuration, relative to the module root.
const ShippedConfigPath = "deploy/kratos/kratos.yml"

// Flows are the self-service flows whose screens Kratos sends browsers to, by the name its
// configuration gives them under selfservice.flows.
var Flows = []string{"login", "registration", "recovery", "verification", "settings", "error"}

// Config is what the stand-in takes from a Kratos configuration file.
type Config struct {
	// CookieName is session.cookie.name: the cookie that carries a browser's session.
	CookieName string
	// SessionLifespan is session.lifespan.
	SessionLifespan time.Duration
	// UI is selfservice.flows.<flow>.ui_url by flow (see Flows): where Kratos sends browsers
	// to show a flow (?flow=<id>) or an error (?id=<id>).
	UI map[string]string
	// FlowLifespan is selfservice.flows.login.lifespan, used for every flow.
	FlowLifespan time.Duration
	// ReturnURL is selfservice.default_browser_return_url; AllowedReturnURLs are
	// selfservice.allowed_return_urls, the only places besides it a flow may return to.
	ReturnURL         string
	AllowedReturnURLs []string
	// LogoutReturnURL is selfservice.flows.logout.after.default_browser_return_url.
	LogoutReturnURL string
}

// kratosFile is the part of Kratos's configuration file the stand-in reads.
type kratosFile struct {
	Session struct {
		Lifespan string `yaml:"lifespan"`
		Cookie   struct {
			Name string `yaml:"name"`
		} `yaml:"cookie"`
	} `yaml:"session"`
	Selfservice struct {
		DefaultBrowserReturnURL string   `yaml:"default_browser_return_url"`
		AllowedReturnURLs       []string `yaml:"allowed_return_urls"`
		Flows                   map[string]struct {
			UIURL    string `yaml:"ui_url"`
			Lifespan string `yaml:"lifespan"`
			After    struct {
				DefaultBrowserReturnURL string `yaml:"default_browser_return_url"`
			} `yaml:"after"`
		} `yaml:"flows"`
	} `yaml:"selfservice"`
}

// Shipped is the configuration Engage ships in deploy/kratos/kratos.yml, read from the
// module's source tree.
func Shipped(t testing.TB) Config {
	t.Helper()
	root, err := moduleRoot()
	require.NoError(t, err)
	raw, err := os.ReadFile(filepath.Join(root, ShippedConfigPath))
	require.NoError(t, err)
	cfg, err := ParseConfig(raw)
	require.NoError(t, err, ShippedConfigPath)
	return cfg
}

// ParseConfig reads a Kratos configuration file. Kratos's defaults fill what it leaves out:
// the cookie ory_kratos_session, sessions of 24 hours, flows of an hour.
func ParseConfig(raw []byte) (Config, error) {
	var f kratosFile
	if err := yaml.Unmarshal(raw, &f); err != nil {
		return Config{}, err
	}
	cfg := Config{
		CookieName:        f.Session.Cookie.Name,
		UI:                map[string]string{},
		ReturnURL:         f.Selfservice.DefaultBrowserReturnURL,
		AllowedReturnURLs: f.Selfservice.AllowedReturnURLs,
		LogoutReturnURL:   f.Selfservice.Flows["logout"].After.DefaultBrowserReturnURL,
	}
	if cfg.CookieName == "" {
		cfg.CookieName = "ory_kratos_session"
	}
	var err error
	if cfg.SessionLifespan, err = duration(f.Session.Lifespan, 24*time.Hour); err != nil {
		return Config{}, err
	}
	if cfg.FlowLifespan, err = duration(f.Selfservice.Flows["login"].Lifespan, time.Hour); err != nil {
		return Config{}, err
	}
	for _, name := range Flows {
		u := f.Selfservice.Flows[name].UIURL
		if _, err := url.Parse(u); err != nil || u == "" {
			return Config{}, errors.New("selfservice.flows." + name + ".ui_url is not a URL")
		}
		cfg.UI[name] = u
	}
	if cfg.LogoutReturnURL == "" {
		cfg.LogoutReturnURL = cfg.ReturnURL
	}
	return cfg, nil
}

func duration(s string, def time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	return time.ParseDuration(s)
}

// At is cfg with the scheme and host of every UI and return URL replaced by base's: the
// shipped file names the console at http://localhost:8080, a test serves it elsewhere.
func (cfg Config) At(base string) Config {
	b, err := url.Parse(base)
	if err != nil {
		panic(err)
	}
	move := func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil || raw == "" {
			return raw
		}
		u.Scheme, u.Host = b.Scheme, b.Host
		return u.String()
	}
	out := cfg
	out.UI = map[string]string{}
	for k, v := range cfg.UI {
		out.UI[k] = move(v)
	}
	out.ReturnURL, out.LogoutReturnURL = move(cfg.ReturnURL), move(cfg.LogoutReturnURL)
	out.AllowedReturnURLs = nil
	for _, u := range cfg.AllowedReturnURLs {
		out.AllowedReturnURLs = append(out.AllowedReturnURLs, move(u))
	}
	return out
}

// moduleRoot is the directory of the go.mod above the working directory (a test's package).
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("kratostest: no go.mod above the working directory")
		}
		dir = parent
	}
}
