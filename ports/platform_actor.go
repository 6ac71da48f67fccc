package ports

import "context"

// ActorKind says what acted: an admin user, a partner's API key, or the platform operator.
type ActorKind string

// Kinds of actor.
const (
	ActorUser     ActorKind = "user"
	ActorAPIKey   ActorKind = "api_key"
	ActorPlatform ActorKind = "platform"
	ActorSystem   ActorKind = "system"
)

// Actor is who makes a change and from where, as the audit trail records it.
type Actor struct {
	Kind ActorKind
	// ID is the user's or key's ID, the job's kind for the system acting through a job; empty
	// for the platform and the system otherwise.
	ID string
	// Label is what people recognise the actor by: an email or a key prefix.
	Label     string
	RequestID string
	IP        string
	UserAgent string
}

// JobActor is the system acting through the background job or subscriber of kind (a job's
// kind, "lifecycle_recompute", "subscriber.segments"): the audit trail names the job.
func JobActor(kind string) Actor { return Actor{Kind: ActorSystem, ID: kind, Label: kind} }

type actorKey struct{}

// WithActor returns ctx carrying the actor of the request or job.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor ctx carries, or the system when none.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Kind: ActorSystem}
}
