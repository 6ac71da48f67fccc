package customersui

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/customers/lifecycle"
)

// TestEveryEnumeratedValueHasItsName: every consent, event type, channel and lifecycle stage
// the domain knows has a name in both languages, so that no page falls back to its code when
// the domain adds one.
func TestEveryEnumeratedValueHasItsName(t *testing.T) {
	var keys []string
	for _, c := range customer.Consents {
		keys = append(keys, "consent."+c)
	}
	for _, ty := range event.Types {
		keys = append(keys, "timeline.type_"+ty)
	}
	for _, c := range event.Channels {
		keys = append(keys, "timeline.channel_"+c)
	}
	for _, s := range lifecycle.Stages {
		keys = append(keys, "lifecycle.stage_"+string(s))
	}
	for _, lang := range []string{"zh-CN", "en"} {
		for _, k := range keys {
			assert.NotEqualf(t, k, messages.T(lang, k), "%s has no message in %s", k, lang)
		}
	}
}
