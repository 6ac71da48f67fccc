package platformui

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/tenants"
)

// Templates build these keys from values, which the template scan cannot see.
func TestEveryWebhookTypeAndStateIsTranslated(t *testing.T) {
	t.Parallel()
	var keys []string
	for _, et := range webhook.Types() {
		for _, lang := range []string{"zh-CN", "en"} {
			require.NotEqualf(t, "webhooks.type_"+et.Name, typeDescription(lang, et), "%s lacks %s", lang, et.Name)
		}
	}
	for _, s := range []webhook.Status{webhook.Active, webhook.Paused, webhook.Disabled} {
		keys = append(keys, "webhooks.status_"+string(s))
	}
	for _, s := range []string{"pending", "held", "succeeded", "failed"} {
		keys = append(keys, "webhooks.delivery_"+s)
	}
	keys = append(keys, "webhooks.reason_"+webhook.ReasonGone, "webhooks.reason_"+webhook.ReasonFailing)
	for _, lang := range []string{"zh-CN", "en"} {
		for _, k := range keys {
			require.Containsf(t, messages[lang], k, "%s lacks %s", lang, k)
		}
	}
}

// The API keys page builds its status keys from values too.
func TestEveryKeyStatusIsTranslated(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"zh-CN", "en"} {
		for _, status := range []string{"active", "rotating", "revoked", "expired"} {
			require.Containsf(t, messages[lang], "keys.status_"+status, "%s lacks %s", lang, status)
		}
	}
}

// A failed channel test is named by its problem.
func TestEveryChannelTestProblemIsTranslated(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"zh-CN", "en"} {
		for _, p := range channels.Problems {
			require.Containsf(t, messages[lang], "channels.problem_"+p, "%s lacks %s", lang, p)
		}
	}
}

// The dashboard and the operator's list name each plan.
func TestEveryPlanIsNamed(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"zh-CN", "en"} {
		for _, p := range tenants.Plans {
			require.Containsf(t, messages[lang], "plan."+p, "%s lacks plan %s", lang, p)
		}
	}
}
