package tier

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Missing is how far a member is from one criterion's minimum.
type Missing struct {
	Kind Kind  `json:"kind"`
	Min  int64 `json:"min"`
	Have int64 `json:"have"`
	// Short is what the member lacks, 0 when the minimum is met.
	Short int64 `json:"short"`
}

// Progress is where a member stands: what they lack to reach the next tier on the figures
// of the period under way, and to keep their tier on the figures that will decide at the end
// of its validity, and the tier that evaluation would give on what is known now.
type Progress struct {
	Current int
	// Next is the position of the next tier, -1 at the top.
	Next   int
	ToNext []Missing
	// Keep is what the member lacks to keep Current; empty when nothing is (or at the lowest).
	Keep      []Missing
	Projected int
}

// Progress returns the progress of a member holding the tier at current, with figures now
// (the period under way) and keep (the window deciding at the end of their validity).
func (l Ladder) Progress(s Settings, current int, now, keep Figures) Progress {
	p := Progress{Current: current, Next: -1}
	if current+1 < len(l) {
		p.Next = current + 1
		p.ToNext = missing(l[p.Next], now)
	}
	if current > 0 && !l[current].Qualifies(keep) {
		p.Keep = missing(l[current], keep)
	}
	p.Projected = s.Decide(current, l.Qualify(keep), true)
	return p
}

func missing(t Tier, f Figures) []Missing {
	out := make([]Missing, 0, len(t.Criteria))
	for _, c := range t.Criteria {
		have := f.Of(c.Kind)
		out = append(out, Missing{Kind: c.Kind, Min: c.Min, Have: have, Short: max(0, c.Min-have)})
	}
	return out
}

// UpgradeSentence says in lang what the member lacks to reach the next tier: "再消费2,000元即可
// 升级为金卡会员", "Spend ¥2,000 more to reach Gold"; "" at the top or when nothing is lacking.
func (l Ladder) UpgradeSentence(p Progress, lang string) string {
	if p.Next < 0 {
		return ""
	}
	t := l[p.Next]
	parts := shortParts(p.ToNext, lang)
	if len(parts) == 0 {
		return ""
	}
	if lang == "en" {
		return capitalise(join(parts, t.Match, lang)) + " to reach " + t.Name.In(lang)
	}
	return "再" + join(parts, t.Match, lang) + "即可升级为" + memberName(t.Name.In(lang))
}

// KeepSentence says in lang what the member lacks to keep their tier by keepBy (the end of the
// window deciding it, exclusive): "12月31日前再消费800元即可保级金卡", "To keep Gold after
// 31 Dec, spend ¥800 more"; "" when nothing is lacking. The year is named when keepBy's last
// day is not in today's year.
func (l Ladder) KeepSentence(p Progress, lang string, keepBy, today time.Time) string {
	parts := shortParts(p.Keep, lang)
	if len(parts) == 0 {
		return ""
	}
	t := l[p.Current]
	last := keepBy.AddDate(0, 0, -1)
	sameYear := last.Year() == today.Year()
	if lang == "en" {
		date := last.Format("2 Jan")
		if !sameYear {
			date = last.Format("2 Jan 2006")
		}
		return "To keep " + t.Name.In(lang) + " after " + date + ", " + join(parts, t.Match, lang)
	}
	date := fmt.Sprintf("%d月%d日", last.Month(), last.Day())
	if !sameYear {
		date = fmt.Sprintf("%d年", last.Year()) + date
	}
	return date + "前再" + join(parts, t.Match, lang) + "即可保级" + t.Name.In(lang)
}

func shortParts(ms []Missing, lang string) []string {
	var parts []string
	for _, m := range ms {
		if m.Short <= 0 {
			continue
		}
		parts = append(parts, part(m, lang))
	}
	return parts
}

func part(m Missing, lang string) string {
	if lang == "en" {
		switch m.Kind {
		case Spend:
			return "spend ¥" + Yuan(m.Short) + " more"
		case StatusPoints:
			return "earn " + count(m.Short) + " more status points"
		}
		if m.Short == 1 {
			return "visit once more"
		}
		return "visit " + count(m.Short) + " more times"
	}
	switch m.Kind {
	case Spend:
		return "消费" + Yuan(m.Short) + "元"
	case StatusPoints:
		return "获得" + count(m.Short) + "成长值"
	}
	return "到店" + count(m.Short) + "次"
}

func join(parts []string, match Match, lang string) string {
	sep := map[bool]map[string]string{true: {"en": " or ", "zh": "或"}, false: {"en": " and ", "zh": "、"}}[match == Any]
	if lang != "en" {
		lang = "zh"
	}
	return strings.Join(parts, sep[lang])
}

func capitalise(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// memberName is a tier's name as a kind of member: 金卡 → 金卡会员 (a name already ending in 会员
// stays).
func memberName(name string) string {
	if strings.HasSuffix(name, "会员") {
		return name
	}
	return name + "会员"
}

// Yuan writes fen as yuan with thousands separators: 200000 → "2,000", 200050 → "2,000.50".
func Yuan(fen int64) string {
	s := count(fen / 100)
	if c := fen % 100; c != 0 {
		s += fmt.Sprintf(".%02d", c)
	}
	return s
}

func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
