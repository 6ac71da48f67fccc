package platformui

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/engagehq/engage/adapters/console"
)

// zoneList is every IANA zone a brand may choose, one a line (see the file's header).
//
//go:embed timezones.txt
var zoneList string

// commonZones come first in the zone picker, with names in the console's languages: the
// zones of Greater China first, then those of the markets brands most often also serve.
var commonZones = []string{
	"Asia/Shanghai", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei", "Asia/Urumqi",
	"Asia/Singapore", "Asia/Kuala_Lumpur", "Asia/Bangkok", "Asia/Tokyo", "Asia/Seoul", "Asia/Dubai",
	"Europe/London", "Europe/Paris", "America/New_York", "America/Los_Angeles", "Australia/Sydney", "UTC",
}

// zoneRegions are the groups of the picker after the common zones, by the first part of the
// zones' names.
var zoneRegions = []string{"Asia", "Europe", "America", "Africa", "Australia", "Pacific", "Indian", "Atlantic", "Antarctica"}

// zoneLocations are the picker's zones, loaded once: every offer of the picker labels each
// zone with its offset.
var zoneLocations = sync.OnceValue(func() map[string]*time.Location {
	out := map[string]*time.Location{}
	for _, z := range append(strings.Split(zoneList, "\n"), commonZones...) {
		if loc, err := time.LoadLocation(z); err == nil && z != "" && !strings.HasPrefix(z, "#") {
			out[z] = loc
		}
	}
	return out
})

// zoneOption is one zone in the picker.
type zoneOption struct {
	Name, Label string
	Selected    bool
}

// zoneGroup is one group of the picker.
type zoneGroup struct {
	Label string
	Zones []zoneOption
}

// zoneGroups are the zone picker's options in lang, current selected: the common zones with
// their names, then every zone by region, each labelled with its offset from UTC now. A
// current zone the list lacks (a brand created with an alias such as Asia/Chongqing) is
// offered first, so that saving the form keeps it. It is the template function zones.
func zoneGroups(lang, current string) []zoneGroup {
	now, selected, locs := time.Now(), false, zoneLocations()
	option := func(name string, loc *time.Location, label string) zoneOption {
		o := zoneOption{Name: name, Label: offset(now.In(loc)) + " " + label}
		if name == current && !selected {
			o.Selected, selected = true, true
		}
		return o
	}
	common := zoneGroup{Label: messages.T(lang, "zones.common")}
	for _, z := range commonZones {
		common.Zones = append(common.Zones, option(z, locs[z], console.ZoneName(lang, z)))
	}
	byRegion := map[string][]zoneOption{}
	for _, z := range strings.Split(zoneList, "\n") {
		if loc, ok := locs[z]; ok {
			region, _, _ := strings.Cut(z, "/")
			byRegion[region] = append(byRegion[region], option(z, loc, z))
		}
	}
	var out []zoneGroup
	if !selected && current != "" {
		if loc, err := time.LoadLocation(current); err == nil {
			out = append(out, zoneGroup{Label: messages.T(lang, "zones.current"), Zones: []zoneOption{option(current, loc, current)}})
		}
	}
	out = append(out, common)
	for _, r := range zoneRegions {
		out = append(out, zoneGroup{Label: messages.T(lang, "zones.region_"+r), Zones: byRegion[r]})
	}
	return out
}

// offset is the offset from UTC of t's zone at t, as "(UTC+08:00)".
func offset(t time.Time) string {
	_, secs := t.Zone()
	sign := "+"
	if secs < 0 {
		sign, secs = "-", -secs
	}
	return fmt.Sprintf("(UTC%s%02d:%02d)", sign, secs/3600, secs%3600/60)
}

// zoneLabel is zone name as the console names it in lang (console.ZoneName). It is the
// template function zone.
func zoneLabel(lang, name string) string { return console.ZoneName(lang, name) }
