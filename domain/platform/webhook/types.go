// Package webhook is outbound webhooks: the catalogue of event types brands subscribe to, the
// endpoints they register, the Standard Webhooks signature, the rules an endpoint URL follows,
// and the retry schedule and disable policy of deliveries.
package webhook

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sync"
)

// EventType is one kind of event brands may subscribe to.
type EventType struct {
	// Name is "resource.verb", e.g. customer.created.
	Name string
	// Description says when it is sent, for the API document and the console.
	Description string
	// Descriptions say it in each language of the console ("zh-CN", "en"), for a module whose
	// console messages do not carry them.
	Descriptions map[string]string
	// Sample is the data of a sample event, sent when a brand tests an endpoint.
	Sample map[string]any
}

var typeName = regexp.MustCompile(`^[a-z][a-z_]*\.[a-z][a-z_]*$`)

// ErrUnknownEventType is returned for an event type no module registered.
var ErrUnknownEventType = errors.New("unknown event type")

var (
	registryMu sync.RWMutex
	registry   = map[string]EventType{}
)

// Register adds event types to the catalogue. Modules register theirs (points, tiers, badges,
// notifications) from their domain package's init as they land; a name registered twice or
// not of the form resource.verb is a programming error and panics.
func Register(types ...EventType) {
	registryMu.Lock()
	defer registryMu.Unlock()
	for _, t := range types {
		if !typeName.MatchString(t.Name) {
			panic(fmt.Sprintf("webhook: event type %q is not resource.verb", t.Name))
		}
		if _, dup := registry[t.Name]; dup {
			panic(fmt.Sprintf("webhook: event type %q registered twice", t.Name))
		}
		registry[t.Name] = t
	}
}

// Lookup returns the registered type name, or ErrUnknownEventType.
func Lookup(name string) (EventType, error) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	t, ok := registry[name]
	if !ok {
		return EventType{}, fmt.Errorf("%w %q", ErrUnknownEventType, name)
	}
	return t, nil
}

// Types returns the catalogue ordered by name.
func Types() []EventType {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]EventType, 0, len(registry))
	for _, t := range registry {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b EventType) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return out
}

// BatchSize is the most customers or events one event of a batched type carries (lifecycle
// stages, segment membership, ingested events): a bigger change is sent as several events.
const BatchSize = 1000
