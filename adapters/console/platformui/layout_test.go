package platformui_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
)

// overflows lists what breaks a page's layout: the page scrolling sideways, a form control
// (or its label) reaching outside its card, a table wider than the box that holds it unless
// that box scrolls, a column heading squeezed onto two lines, and a table cell whose content
// does not fit it.
const overflows = `(() => {
  const bad = [], name = e => e.tagName.toLowerCase() + (e.name ? '[name=' + e.name + ']' : '') + (e.dataset.test ? '[data-test=' + e.dataset.test + ']' : '');
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) bad.push('the page scrolls sideways: ' + root.scrollWidth + ' > ' + root.clientWidth);
  for (const card of document.querySelectorAll('.card')) {
    const c = card.getBoundingClientRect();
    for (const el of card.querySelectorAll('input:not([type=hidden]), select, textarea, button, label, fieldset, .button')) {
      const e = el.getBoundingClientRect();
      if (e.width === 0) continue;
      if (e.left < c.left - 0.5 || e.right > c.right + 0.5) bad.push(name(el) + ' overflows its card: ' + [e.left, e.right] + ' outside ' + [c.left, c.right]);
    }
  }
  for (const table of document.querySelectorAll('table')) {
    const box = table.parentElement, p = box.getBoundingClientRect(), e = table.getBoundingClientRect();
    const scrolls = ['auto', 'scroll'].includes(getComputedStyle(box).overflowX);
    if (!scrolls && e.right > p.right + 0.5) bad.push('a table is wider than its box: ' + e.right + ' > ' + p.right);
    for (const th of table.querySelectorAll('th')) {
      const r = document.createRange();
      r.selectNodeContents(th);
      if (new Set(Array.from(r.getClientRects(), x => Math.round(x.top))).size > 1) bad.push('a column heading is squeezed onto two lines: ' + th.innerText);
    }
    for (const cell of table.querySelectorAll('th, td')) {
      if (cell.scrollWidth > cell.clientWidth + 1) bad.push('a cell overflows: ' + cell.innerText.slice(0, 40));
    }
  }
  return bad;
})()`

// The platform console's pages fit a laptop and a phone in both languages: no form control
// outside its card, no squeezed table, no sideways scrolling of the page.
func TestPlatformConsoleLayoutFitsLaptopAndPhone(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Brand(t, "north-coffee-roasters-and-bakery", "North Coffee Roasters and Bakery of the Pearl River Delta")
	u, err := url.Parse(b.URL + "/console/platform/")
	require.NoError(t, err)
	u.User = url.UserPassword("operator", consoletest.PlatformKey)
	for _, lang := range []string{"zh-CN", "en"} {
		for _, width := range []int64{1280, 390} {
			t.Run(fmt.Sprintf("%s-%d", lang, width), func(t *testing.T) {
				tab := b.Browser.Incognito(t)
				tab.Run(t, chromedp.EmulateViewport(width, 900), browsertest.SetCookie("engage_lang", lang, b.URL),
					chromedp.Navigate(u.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=tenant-form]")))
				tab.Screenshot(t, "platform")
				bad := browsertest.Get(t, tab, chromedp.Evaluate[[]string](overflows))
				require.Empty(t, bad, strings.Join(bad, "\n"))
				// A refused form shows its errors beside the fields, which must fit too.
				tab.Run(t, chromedp.SetValue(chromedp.CSS("input[name=slug]"), "Not A Slug!"), chromedp.Click(chromedp.CSS("[data-test=tenant-form] button")))
				consoletest.WaitFor(t, tab, `!!document.querySelector("[data-test=error-slug]")`)
				bad = browsertest.Get(t, tab, chromedp.Evaluate[[]string](overflows))
				require.Empty(t, bad, strings.Join(bad, "\n"))
				tab.Run(t, chromedp.Navigate(b.URL+"/console/platform/no-such-page"), chromedp.WaitVisible(chromedp.CSS("[data-test=error-page]")))
				tab.Screenshot(t, "platform-404")
				bad = browsertest.Get(t, tab, chromedp.Evaluate[[]string](overflows))
				require.Empty(t, bad, strings.Join(bad, "\n"))
			})
		}
	}
}
