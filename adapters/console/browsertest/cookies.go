package browsertest

import (
	"context"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// SetCookie stores an HTTP-only cookie name=value for the site of rawURL in the tab's browser
// context, as a Set-Cookie header from that site would: a test signs a browser in with a
// session another server opened.
func SetCookie(name, value, rawURL string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		httpOnly := true
		_, err := cdp.Call(ctx, t, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: rawURL, Path: "/",
			HTTPOnly: &httpOnly, SameSite: network.CookieSameSiteLax})
		return chromedp.Void{}, err
	}
}

// Cookies are the cookies the tab's browser context would send to rawURL, by name.
func Cookies(rawURL string) chromedp.Action[map[string]string] {
	return func(ctx context.Context, t *chromedp.Target) (map[string]string, error) {
		res, err := cdp.Call(ctx, t, network.GetCookies, network.GetCookiesParams{URLs: []string{rawURL}})
		if err != nil {
			return nil, err
		}
		out := map[string]string{}
		for _, c := range res.Cookies {
			out[c.Name] = c.Value
		}
		return out, nil
	}
}
