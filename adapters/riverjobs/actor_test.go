package riverjobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/ports"
)

// actorProbeArgs is a job that reports who it acts as.
type actorProbeArgs struct{}

func (actorProbeArgs) Kind() string { return "actor_probe" }

// A job acts as the system named by its kind, so that what it changes is audited as that
// job's doing.
func TestAJobActsAsTheSystemNamedByItsKind(t *testing.T) {
	t.Parallel()
	b := setup(t)
	db := b.db
	jobs, err := riverjobs.New(db, riverjobs.Config{MaxWorkers: 1, NoPeriodic: true})
	require.NoError(t, err)
	seen := make(chan ports.Actor, 1)
	riverjobs.Handle(jobs, func(ctx context.Context, _ actorProbeArgs) error {
		seen <- ports.ActorFrom(ctx)
		return nil
	}, riverjobs.WorkerOptions{})
	tn := pgtest.NewTenant(t, b.dir)
	require.NoError(t, db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		return jobs.Scheduler().Enqueue(ctx, actorProbeArgs{}, ports.JobOptions{})
	}))
	ctx, stop := context.WithCancel(context.Background())
	require.NoError(t, jobs.Client().Start(ctx))
	t.Cleanup(func() {
		stop()
		<-jobs.Client().Stopped()
	})
	select {
	case a := <-seen:
		require.Equal(t, ports.Actor{Kind: ports.ActorSystem, ID: "actor_probe", Label: "actor_probe"}, a)
	case <-time.After(30 * time.Second):
		t.Fatal("the job was not worked")
	}
}
