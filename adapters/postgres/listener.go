package postgres

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Listener receives change notices sent with Notifier from every process and hands each to
// the handlers of its topic, so caches across instances drop what changed.
type Listener struct {
	url string
	log *slog.Logger

	mu       sync.RWMutex
	handlers map[string][]func(key string)
}

// NewListener listens with its own connection to url.
func NewListener(url string, log *slog.Logger) *Listener {
	return &Listener{url: url, log: log, handlers: map[string][]func(string){}}
}

// Handle registers fn for topic. fn receives the key, or "*" after a reconnection, when notices
// may have been missed and everything cached must go.
func (l *Listener) Handle(topic string, fn func(key string)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.handlers[topic] = append(l.handlers[topic], fn)
}

// Run listens until ctx ends, reconnecting after failures. ready, when set, is called once the
// first LISTEN is in place.
func (l *Listener) Run(ctx context.Context, ready func()) {
	first := true
	for ctx.Err() == nil {
		err := l.listen(ctx, func() {
			if first && ready != nil {
				ready()
			}
			if !first {
				l.dispatchAll("*")
			}
			first = false
		})
		if ctx.Err() != nil {
			return
		}
		l.log.Warn("change listener lost its connection; reconnecting", "error", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (l *Listener) listen(ctx context.Context, listening func()) error {
	// The URL may carry pool settings (pool_max_conns, ...); parsing it as a pool's drops them.
	cfg, err := pgxpool.ParseConfig(l.url)
	if err != nil {
		return err
	}
	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+ChangesChannel); err != nil {
		return err
	}
	listening()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		topic, key, _ := strings.Cut(n.Payload, ":")
		l.dispatch(topic, key)
	}
}

func (l *Listener) dispatch(topic, key string) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, fn := range l.handlers[topic] {
		fn(key)
	}
}

func (l *Listener) dispatchAll(key string) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, fns := range l.handlers {
		for _, fn := range fns {
			fn(key)
		}
	}
}
