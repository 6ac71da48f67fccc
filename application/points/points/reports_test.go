package points_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/engagehq/engage/adapters/reportfile"
	"github.com/engagehq/engage/adapters/smtp/mailpittest"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/domain/points/report"
	"github.com/engagehq/engage/ports"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// ledgerOfThreeDays writes, in Shanghai time: on 10 March a purchase of 100 points at a store
// and a goodwill adjustment of 50; on 12 March at 00:30 (still 11 March in UTC) a redemption of
// 30 and, by another customer, a purchase of 20 points without a store. Two points are worth a
// fen.
func ledgerOfThreeDays(t *testing.T, b *testBundle) (uuid.UUID, uuid.UUID) {
	t.Helper()
	b.program(t, func(s *program.Settings) { s.Value = program.PointValue{Fen: 1, Points: 2} })
	c, d := b.customer(t), b.customer(t)
	b.clock.set(time.Date(2026, 3, 10, 10, 0, 0, 0, shanghai))
	p := b.purchase(c, "pos-1", 10000)
	p.Store = "上海南京西路店"
	_, err := b.svc.EarnPurchase(ctx, b.tn.ID, p)
	require.NoError(t, err)
	_, err = b.svc.Adjust(as("alice"), b.tn.ID, points.Adjustment{Customer: c, Points: 50, ReasonCode: "goodwill"})
	require.NoError(t, err)
	b.clock.set(time.Date(2026, 3, 12, 0, 30, 0, 0, shanghai))
	_, err = b.svc.Redeem(ctx, b.tn.ID, points.Redemption{Customer: c, Points: 30, Reference: "r-1"})
	require.NoError(t, err)
	_, err = b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(d, "pos-2", 2000))
	require.NoError(t, err)
	return c, d
}

// The daily summary counts each entry on its day in the brand's time zone, carries the
// outstanding points through a day without entries, and values them at the brand's rate; the
// weekly one adds the week up from Monday.
func TestTheSummaryAddsTheLedgerUpByDayAndWeekInTheBrandsZone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ledgerOfThreeDays(t, b)
	rows, err := b.svc.Summary(ctx, b.tn.ID, report.Summary{Period: report.Period{From: day("2026-03-10"), To: day("2026-03-12")},
		Granularity: report.Day, Wallet: ledger.Points})
	require.NoError(t, err)
	require.Equal(t, []report.SummaryRow{
		{Start: day("2026-03-10"), Wallet: ledger.Points, Issued: 100, Adjusted: 50, Net: 150, Outstanding: 150, LiabilityFen: 75},
		{Start: day("2026-03-11"), Wallet: ledger.Points, Outstanding: 150, LiabilityFen: 75},
		{Start: day("2026-03-12"), Wallet: ledger.Points, Issued: 20, Redeemed: 30, Net: -10, Outstanding: 140, LiabilityFen: 70},
	}, rows)

	week, err := b.svc.Summary(ctx, b.tn.ID, report.Summary{Period: report.Period{From: day("2026-03-10"), To: day("2026-03-12")},
		Granularity: report.Week})
	require.NoError(t, err)
	require.Len(t, week, 2, "points and status, one week")
	require.Equal(t, day("2026-03-09"), week[0].Start, "weeks start on Monday")
	require.Equal(t, report.SummaryRow{Start: day("2026-03-09"), Wallet: ledger.Points, Issued: 120, Redeemed: 30, Adjusted: 50,
		Net: 140, Outstanding: 140, LiabilityFen: 70}, week[0])
	require.Equal(t, ledger.Status, week[1].Wallet)
	require.Equal(t, int64(120), week[1].Outstanding)

	opening, err := b.svc.Summary(ctx, b.tn.ID, report.Summary{Period: report.Period{From: day("2026-03-12"), To: day("2026-03-12")},
		Granularity: report.Month, Wallet: ledger.Points})
	require.NoError(t, err)
	require.Equal(t, int64(140), opening[0].Outstanding, "the opening balance counts the days before")
	require.Equal(t, day("2026-03-01"), opening[0].Start)

	_, err = b.svc.Summary(ctx, b.tn.ID, report.Summary{Period: report.Period{From: day("2026-03-12"), To: day("2026-03-01")},
		Granularity: "year"})
	var fe *fielderr.Error
	require.ErrorAs(t, err, &fe)
	require.ErrorContains(t, err, "granularity")
	require.ErrorContains(t, err, "on or after from")
}

// A custom report groups the entries by the dimensions asked and adds up the measures asked.
func TestACustomReportGroupsAndMeasures(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ledgerOfThreeDays(t, b)
	period := report.Period{From: day("2026-03-10"), To: day("2026-03-12")}
	rows, err := b.svc.Custom(ctx, b.tn.ID, report.Custom{Period: period, Dimensions: []report.Dimension{report.ByKind},
		Measures: []report.Measure{report.Points, report.Entries, report.Customers}, Wallet: ledger.Points})
	require.NoError(t, err)
	require.Equal(t, []report.CustomRow{
		{Keys: []string{"adjust"}, Values: []int64{50, 1, 1}},
		{Keys: []string{"earn"}, Values: []int64{120, 2, 2}},
		{Keys: []string{"redeem"}, Values: []int64{-30, 1, 1}},
	}, rows)

	stores, err := b.svc.Custom(ctx, b.tn.ID, report.Custom{Period: period, Granularity: report.Day,
		Dimensions: []report.Dimension{report.ByPeriod, report.ByStore}, Measures: []report.Measure{report.Points},
		Wallet: ledger.Points, Kinds: []ledger.Kind{ledger.KindEarn}})
	require.NoError(t, err)
	require.Equal(t, []report.CustomRow{
		{Keys: []string{"2026-03-10", "上海南京西路店"}, Values: []int64{100}},
		{Keys: []string{"2026-03-12", ""}, Values: []int64{20}},
	}, stores)

	total, err := b.svc.Custom(ctx, b.tn.ID, report.Custom{Period: period, Measures: []report.Measure{report.Customers}})
	require.NoError(t, err)
	require.Equal(t, []report.CustomRow{{Keys: []string{}, Values: []int64{2}}}, total)

	_, err = b.svc.Custom(ctx, b.tn.ID, report.Custom{Period: period, Dimensions: []report.Dimension{"city", report.ByKind},
		Measures: nil})
	require.ErrorContains(t, err, "dimensions")
	require.ErrorContains(t, err, "measures")
}

// Tables export as CSV that Excel opens as UTF-8 and as XLSX with dates, counts and yuan.
func TestReportsExportAsCSVAndXLSX(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ledgerOfThreeDays(t, b)
	rows, err := b.svc.Summary(ctx, b.tn.ID, report.Summary{Period: report.Period{From: day("2026-03-10"), To: day("2026-03-12")},
		Granularity: report.Day, Wallet: ledger.Points})
	require.NoError(t, err)
	table := report.SummaryTable(rows, "zh-CN", nil)
	raw, err := reportfile.Encoder{}.Encode(table, points.FormatCSV)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(raw, []byte("\ufeff")))
	records, err := csv.NewReader(bytes.NewReader(raw[3:])).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"周期", "钱包", "发放", "兑换", "退回", "扣回", "过期", "调整", "净变动", "未兑换积分", "负债（元）"}, records[0])
	require.Equal(t, []string{"2026-03-12", "积分", "20", "30", "0", "0", "0", "0", "-10", "140", "0.70"}, records[3])

	raw, err = reportfile.Encoder{}.Encode(report.SummaryTable(rows, "en", nil), points.FormatXLSX)
	require.NoError(t, err)
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	require.NoError(t, err)
	defer f.Close()
	sheet := f.GetSheetName(0)
	require.Equal(t, "Points summary", sheet)
	head, err := f.GetCellValue(sheet, "K1")
	require.NoError(t, err)
	require.Equal(t, "Liability (CNY)", head)
	liability, err := f.GetCellValue(sheet, "K2", excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	require.Equal(t, "0.75", liability)
	date, err := f.GetCellValue(sheet, "A4")
	require.NoError(t, err)
	require.Equal(t, "2026-03-12", date)
	outstanding, err := f.GetCellValue(sheet, "J4", excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	require.Equal(t, "140", outstanding)
}

// A daily schedule exports each day once it has ended in the brand's time zone, once however
// often it runs, and mails the file attached through the brand's own mail server (a real
// SMTP server here); the export stays there for download.
func TestAScheduleExportsEachEndedDayOnceAndMailsIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mp := mailpittest.Start(t, mailpittest.Options{})
	require.NoError(t, b.app.Channels.Save(ctx, b.tn.ID, ports.ChannelSMTP,
		ports.SMTPAccount{Host: mp.SMTPHost(), Port: mp.SMTPPort(), From: "crm@lotus.example", TLS: "none"}, ""))
	b.clock.set(time.Date(2026, 3, 10, 9, 0, 0, 0, shanghai))
	sc, err := b.svc.CreateSchedule(as("alice"), b.tn.ID, points.Schedule{Name: "每日积分汇总", Frequency: report.Day,
		Format: points.FormatXLSX, Report: points.ScheduledReport{Kind: "summary", Granularity: report.Day, Lang: "zh-CN"},
		Recipients: []string{"finance@lotus.example"}})
	require.NoError(t, err)
	require.Equal(t, day("2026-03-10"), sc.NextPeriod)
	ledgerOfThreeDays(t, b) // the clock is now 12 March 00:30

	n, err := b.svc.RunSchedules(ctx, points.RunArgs{TenantID: b.tn.ID.UUID()})
	require.NoError(t, err)
	require.Equal(t, 2, n, "10 and 11 March have ended; 12 March has not")
	n, err = b.svc.RunSchedules(ctx, points.RunArgs{TenantID: b.tn.ID.UUID()})
	require.NoError(t, err)
	require.Zero(t, n, "a run again writes nothing more")

	exports, err := b.svc.Exports(ctx, b.tn.ID, pageOf(10))
	require.NoError(t, err)
	require.Len(t, exports, 2)
	require.Equal(t, "每日积分汇总 2026-03-11.xlsx", exports[0].Name)
	var mails []uuid.UUID
	rows, err := b.super.Query(ctx, `SELECT (args ->> 'export_id')::uuid FROM river_job WHERE kind = 'points_report_mail' ORDER BY id`)
	require.NoError(t, err)
	for rows.Next() {
		var id uuid.UUID
		require.NoError(t, rows.Scan(&id))
		mails = append(mails, id)
	}
	require.NoError(t, rows.Err())
	require.Len(t, mails, 2, "one mail job per export")
	for _, id := range mails {
		require.NoError(t, b.svc.MailExport(ctx, points.MailArgs{TenantID: b.tn.ID.UUID(), ExportID: id}))
		require.NoError(t, b.svc.MailExport(ctx, points.MailArgs{TenantID: b.tn.ID.UUID(), ExportID: id}), "mailed once")
	}
	msgs := mp.Messages(t)
	require.Len(t, msgs, 2)
	msg := mp.Message(t, msgs[0].ID)
	require.Equal(t, "finance@lotus.example", msg.To[0].Address)
	require.Contains(t, msg.Subject, "积分报表")
	require.Len(t, msg.Attachments, 1)
	require.True(t, strings.HasSuffix(msg.Attachments[0].FileName, ".xlsx"), msg.Attachments[0].FileName)
	file := mp.Part(t, msg.ID, msg.Attachments[0].PartID)
	f, err := excelize.OpenReader(bytes.NewReader(file))
	require.NoError(t, err)
	defer f.Close()
	first, err := f.GetCellValue(f.GetSheetName(0), "A2")
	require.NoError(t, err)
	require.Contains(t, []string{"2026-03-10", "2026-03-11"}, first)

	stored, err := b.svc.Export(ctx, b.tn.ID, exports[1].ID)
	require.NoError(t, err)
	require.False(t, stored.MailedAt.IsZero())
	require.NotEmpty(t, stored.Content)
	require.Equal(t, []string{"points_report_schedule.create"}, b.audited(t, sc.ID.String()))

	_, err = b.svc.CreateSchedule(as("alice"), b.tn.ID, points.Schedule{Name: " ", Frequency: "hourly", Format: "pdf",
		Report: points.ScheduledReport{Kind: "custom", Lang: "fr"}, Recipients: []string{"not an address"}})
	for _, field := range []string{"name", "frequency", "format", "recipients[0]", "report.lang", "measures"} {
		require.ErrorContains(t, err, field)
	}
}
