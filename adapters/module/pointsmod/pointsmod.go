// Package pointsmod is the loyalty points module as the composition root reads it: the ledger
// and the brands' programs, earning from purchases (a subscriber of stored customer events and
// the till's synchronous call), redemptions, adjustments, refunds, the hourly sweep that
// releases pending points, expires points and announces expiries, and the points part of a
// customer's data and membership summary. See README.md for the ledger model.
package pointsmod

import (
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/engagehq/engage/adapters/blob/localblob"
	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/adapters/console/pointsui"
	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/httpapi/pointsapi"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/ocr/tesseract"
	"github.com/engagehq/engage/adapters/postgres/pointsdb"
	"github.com/engagehq/engage/adapters/reportfile"
	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/adapters/smtp"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/application/points/points"
	receiptsapp "github.com/engagehq/engage/application/points/receipts"
	"github.com/engagehq/engage/application/points/rewards"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/receipts"
	domainrewards "github.com/engagehq/engage/domain/points/rewards"
	"github.com/engagehq/engage/ports"
)

// OCRTimeout bounds Tesseract's reading of one receipt.
const OCRTimeout = 90 * time.Second

// Queue is the job queue of the points module's reactions to stored customer events.
const Queue = "points"

// Module returns the points module. It builds on the customers module (customers, the activity
// stream), which the module list names before it.
func Module() module.Module {
	return module.Module{
		Name: "points",
		Permissions: []access.Permission{ledger.PermRead, ledger.PermWrite, ledger.PermAdjust, ledger.PermApprove, ledger.PermCatalog,
			ledger.PermReceipts},
		EventTypes: slices.Concat(ledger.EventTypes, domainrewards.EventTypes, receipts.EventTypes),
		Queues: []riverjobs.Queue{
			// Earning a batch locks its customers' balances; a lock wait that times out succeeds
			// soon after. Points are money: a failing earning is retried for about a day.
			{Name: Queue, MaxWorkers: 2, Retry: riverjobs.RetryPolicy{MaxAttempts: 20,
				Backoff: riverjobs.Exponential(2*time.Second, 2*time.Hour)}},
			// Reading a receipt runs Tesseract for seconds on a core of its own: one at a time per
			// process. Retried for about a day (OCR missing, the blob store away, the till's earning).
			{Name: receiptsapp.Queue, MaxWorkers: 1, Retry: riverjobs.RetryPolicy{MaxAttempts: 15,
				Backoff: riverjobs.Exponential(5*time.Second, 2*time.Hour)}},
		},
		Services: services,
		Surfaces: surfaces,
		API: func(k *module.Kernel) httpapi.Module {
			return pointsapi.New(module.Get[*points.Service](k)).WithRewards(module.Get[*rewards.Service](k)).
				WithReceipts(module.Get[*receiptsapp.Service](k))
		},
		Console: func(k *module.Kernel) console.Module {
			return pointsui.Module(pointsui.Deps{Points: module.Get[*points.Service](k), Customers: module.Get[*customers.Service](k),
				Events: module.Get[*events.Service](k), Rewards: module.Get[*rewards.Service](k),
				Segments: module.Get[*segments.Service](k), Receipts: module.Get[*receiptsapp.Service](k)})
		},
		Terms: pointsui.Terms,
		Demo:  demo,
	}
}

// services builds the points service and shares its part of customers' data and summaries.
func services(k *module.Kernel) (module.Shared, error) {
	svc := points.NewService(points.Deps{Tx: k.DB, Locals: k.DB, Ledger: pointsdb.Ledger{}, Programs: pointsdb.Programs{},
		Publisher: k.Bus, Audit: k.Audit, Jobs: k.Scheduler, Tenants: k.Tenants, Clock: k.Config.Clock,
		Customers: module.Get[*customers.Service](k), Purchases: module.Get[*events.Service](k), Actions: pointsdb.Actions{},
		Rules: pointsdb.Rules{}, Facts: customerFacts{}, History: customerFacts{}, Campaigns: pointsdb.Campaigns{},
		Fraud: pointsdb.Fraud{}, Risk: riskSource(k),
		Approvals: pointsdb.Approvals{}, Reports: pointsdb.Reports{}, Exports: pointsdb.Exports{}, Files: reportfile.Encoder{},
		Mail: module.Get[*channels.Service](k), Email: smtp.Sender{TLSConfig: k.Config.SMTPTLS, AllowPrivate: !k.Config.Production}})
	module.Provide(k, svc)
	catalog := rewardServices(k, svc)
	blobs := k.Config.Blobs
	if blobs == nil {
		blobs = localblob.Store{Dir: filepath.Join(os.TempDir(), "engage-blobs")}
	}
	rcp := receiptsapp.NewService(receiptsapp.Deps{Tx: k.DB, Locals: k.DB, Repo: pointsdb.Receipts{}, Blobs: blobs,
		OCR: tesseract.OCR{Timeout: OCRTimeout}, Jobs: k.Scheduler, Publisher: k.Bus, Audit: k.Audit, Tenants: k.Tenants,
		Clock: k.Config.Clock, Earner: svc, KnownStores: module.Get[*segments.Service](k)})
	module.Provide(k, rcp)
	return module.Shared{
		CustomerData:    append([]ports.CustomerData{svc.CustomerData(), svc.ActionsData(), rcp.CustomerData()}, catalog.CustomerData...),
		MemberSummaries: []ports.MemberSummaryProvider{svc},
	}, nil
}

// surfaces subscribes earning to stored customer events, on the module's own queue, and adds
// the sweep.
func surfaces(k *module.Kernel) (module.Surfaces, error) {
	svc := module.Get[*points.Service](k)
	earning := module.Get[*events.Service](k).Subscriber(svc.Reactor(), "")
	earning.Queue = Queue
	// Action rules read the activity stream after earning: a referral completed by a
	// purchase awards after the purchase's own points.
	awarding := module.Get[*events.Service](k).Subscriber(svc.ActionsReactor(), earning.Name)
	awarding.Queue, awarding.Wants = Queue, svc.ActionsWanted
	return module.Surfaces{
		Subscribers: []eventbus.Subscriber{earning, awarding, svc.RegistrationSubscriber(Queue)},
		Workers: func(j *riverjobs.Jobs) {
			riverjobs.Handle(j, riverjobs.Counting(svc.Maintain), riverjobs.WorkerOptions{Timeout: 10 * time.Minute})
			riverjobs.Handle(j, riverjobs.Sweeping[points.SweepArgs](svc.Sweep), riverjobs.WorkerOptions{})
			j.Every("points_sweep", time.Hour, func() ports.JobArgs { return points.SweepArgs{} }, true)
			rewardWorkers(k, j)
			rcp := module.Get[*receiptsapp.Service](k)
			riverjobs.Handle(j, rcp.Read, riverjobs.WorkerOptions{Timeout: OCRTimeout + time.Minute})
			riverjobs.Handle(j, rcp.Credit, riverjobs.WorkerOptions{})
			// Scheduled report exports: every 15 minutes each brand's ended periods are exported.
			riverjobs.Handle(j, riverjobs.Sweeping[points.ReportsArgs](svc.ScheduleReports), riverjobs.WorkerOptions{})
			riverjobs.Handle(j, riverjobs.Counting(svc.RunSchedules), riverjobs.WorkerOptions{Timeout: 10 * time.Minute})
			riverjobs.Handle(j, svc.MailExport, riverjobs.WorkerOptions{})
			riverjobs.Handle(j, svc.RankRisk, riverjobs.WorkerOptions{})
			j.Every("points_report_exports", 15*time.Minute, func() ports.JobArgs { return points.ReportsArgs{} }, true)
		},
	}, nil
}
