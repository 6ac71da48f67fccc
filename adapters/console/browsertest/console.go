package browsertest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
)

// JSErrors returns, in order, what the tab's DevTools console has shown as errors since it
// opened: console.error and failed console.assert calls, uncaught exceptions (including
// unhandled promise rejections), and the browser's own error entries, such as Content Security
// Policy violations and resources that failed to load. A page working as intended has none.
//
// The one error left out is a failed /favicon.ico, which the browser requests on its own and
// not because the page asked.
//
// Errors that a page raises during a load are recorded by the time chromedp.Navigate returns;
// those caused later, by a click for example, arrive asynchronously, so poll for them.
func (tab *Tab) JSErrors() []string {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	return slices.Clone(tab.jsErrors)
}

// record is the tab's event listener. chromedp calls it on the goroutine that reads the
// browser's messages, so it only formats and appends.
func (tab *Tab) record(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		switch ev.Type {
		case runtime.ConsoleAPICalledTypeError:
			msg = "console.error: " + formatArgs(ev.Args)
		case runtime.ConsoleAPICalledTypeAssert:
			msg = "console.assert: " + formatArgs(ev.Args)
		}
	case *runtime.EventExceptionThrown:
		msg = formatException(ev.ExceptionDetails)
	case *log.EventEntryAdded:
		if e := ev.Entry; e != nil && e.Level == log.EntryLevelError && !isFaviconMiss(e) {
			msg = fmt.Sprintf("%s: %s", e.Source, e.Text)
			if e.URL != "" && !strings.Contains(e.Text, e.URL) {
				msg += " (" + e.URL + ")"
			}
		}
	}
	if msg == "" {
		return
	}
	tab.mu.Lock()
	defer tab.mu.Unlock()
	tab.jsErrors = append(tab.jsErrors, msg)
}

// isFaviconMiss reports whether e is the browser's own request for /favicon.ico failing.
func isFaviconMiss(e *log.Entry) bool {
	if e.Source != log.EntrySourceNetwork {
		return false
	}
	u, err := url.Parse(e.URL)
	return err == nil && u.Path == "/favicon.ico"
}

// formatArgs renders console call arguments roughly as the DevTools console prints them.
func formatArgs(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		parts = append(parts, formatValue(a))
	}
	return strings.Join(parts, " ")
}

// formatValue renders one remote value: strings without quotes, other JSON as is, and objects
// by their description (an Error's description is its message and stack).
func formatValue(o *runtime.RemoteObject) string {
	switch {
	case o == nil:
		return "undefined"
	case len(o.Value) > 0:
		var s string
		if err := json.Unmarshal(o.Value, &s); err == nil {
			return s
		}
		return string(o.Value)
	case o.UnserializableValue != "":
		return string(o.UnserializableValue)
	case o.Description != "":
		return o.Description
	default:
		return string(o.Type)
	}
}

// formatException renders an uncaught exception with where it was thrown.
func formatException(d *runtime.ExceptionDetails) string {
	if d == nil {
		return "uncaught exception"
	}
	msg := d.Text
	if d.Exception != nil {
		msg += " " + formatValue(d.Exception)
	}
	if d.URL != "" && !strings.Contains(msg, d.URL) { // an Error's stack names it already
		msg += fmt.Sprintf(" (%s:%d:%d)", d.URL, d.LineNumber+1, d.ColumnNumber+1)
	}
	return msg
}
