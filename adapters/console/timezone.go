package console

import (
	"sync"
	"time"
	// The console shows every brand's times in the brand's zone, also on a host without a
	// zone database.
	_ "time/tzdata"

	"github.com/engagehq/engage/tenants"
)

// Times on the console's pages: an instant (a customer's creation, an audit record, a
// delivery) is shown in the brand's time zone, as TimeLayout; a calendar date (a birthday, a
// DATE column) is shown as DateLayout, with no zone applied. The platform console, which
// serves no brand, shows instants in UTC and says so.
const (
	TimeLayout = "2006-01-02 15:04"
	DateLayout = "2006-01-02"
)

// zones caches the locations of brands' zones by name: time.LoadLocation reads the zone
// database on every call, and a page shows many times.
var zones sync.Map

// zoneNamed is the location of the IANA zone name; the default brand zone when the name is
// empty or unknown, so that a brand's page never falls back on the server's zone.
func zoneNamed(name string) *time.Location {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" || name == "Local" {
		if name == tenants.DefaultTimezone {
			// No zone database at all: China's offset, which has had no daylight saving since 1991.
			return time.FixedZone("CST", 8*3600)
		}
		return zoneNamed(tenants.DefaultTimezone)
	}
	zones.Store(name, loc)
	return loc
}

// ZoneName is the IANA zone name as the console names it in lang: a common zone's name
// ("中国大陆（北京时间）"), else the IANA name; the default brand zone's for "".
func ZoneName(lang, name string) string {
	if name == "" {
		name = tenants.DefaultTimezone
	}
	if s, ok := messages[lang]["zones."+name]; ok {
		return s
	}
	return name
}

// Location is the time zone the page shows instants in: the brand's, UTC on the platform
// console.
func (v *View) Location() *time.Location {
	if v.platform() {
		return time.UTC
	}
	return zoneNamed(v.Tenant.Timezone)
}

// platform reports whether the view is the operator's, which serves no brand.
func (v *View) platform() bool { return v.Tenant.Slug == "" }

// Time writes an instant (a time.Time or *time.Time) as TimeLayout in the page's zone, for
// templates: {{$.Time .CreatedAt}}. The platform console's times end in " UTC". A zero or nil
// time is "".
func (v *View) Time(t any) string {
	at, ok := instant(t)
	if !ok {
		return ""
	}
	s := at.In(v.Location()).Format(TimeLayout)
	if v.platform() {
		s += " UTC"
	}
	return s
}

// Day writes the calendar day an instant falls on in the page's zone, as DateLayout.
func (v *View) Day(t any) string {
	at, ok := instant(t)
	if !ok {
		return ""
	}
	return at.In(v.Location()).Format(DateLayout)
}

// formatDate writes a calendar date (a time.Time or *time.Time read from a DATE, such as a
// birthday) as DateLayout, as it was stored: no zone is applied, so it is the same day
// everywhere. It is the template function date; a zero or nil date is "".
func formatDate(t any) string {
	d, ok := instant(t)
	if !ok {
		return ""
	}
	return d.Format(DateLayout)
}

func instant(t any) (time.Time, bool) {
	switch v := t.(type) {
	case time.Time:
		return v, !v.IsZero()
	case *time.Time:
		if v == nil {
			return time.Time{}, false
		}
		return *v, !v.IsZero()
	}
	return time.Time{}, false
}
