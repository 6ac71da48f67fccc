package demodata

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
)

// CDNOWRow is one purchase of the CDNOW master file: "customer_id date number_of_cds
// dollar_value", whitespace separated, e.g. " 00001 19970101  1   11.77".
type CDNOWRow struct {
	// Line is the row's line number in the file (the header is line 1).
	Line     int
	Customer int
	Date     time.Time // midnight UTC of the purchase's date
	CDs      int64
	// AmountFen is round(dollar_value * 100): the dataset's numbers kept as they are, read as
	// CNY fen, so the demo brand's history is CDNOW's, digit for digit.
	AmountFen int64
}

// shanghai is China Standard Time. China has kept UTC+8 without daylight saving since 1991,
// so a fixed zone needs no time zone database.
var shanghai = time.FixedZone("CST", 8*60*60)

// Day is the purchase's date moved by shift days, at noon in zone.
func (r CDNOWRow) Day(zone *time.Location, shift int) time.Time {
	d := r.Date.AddDate(0, 0, shift)
	return time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, zone)
}

// Purchase is the row as a purchase event of the customer at at, bought on the website: item
// (its quantity the row's number of CDs) for the row's amount.
func (r CDNOWRow) Purchase(customerID uuid.UUID, at time.Time, item event.Item) event.Draft {
	amount := r.AmountFen
	item.Quantity = r.CDs
	return event.Draft{ID: "cdnow-" + strconv.Itoa(r.Line), CustomerID: customerID.String(), Type: event.TypePurchase,
		Channel: "website", OccurredAt: at, AmountFen: &amount, Items: []event.Item{item}}
}

// ErrCDNOWFormat is returned for a file that is not the CDNOW master file's layout.
var ErrCDNOWFormat = errors.New("not the CDNOW master layout (customer_id date number_of_cds dollar_value)")

// ParseCDNOW reads the CDNOW master file: an optional header line, then one purchase a line.
// It accepts that layout only (the 1/10 sample has a fifth column and is refused).
func ParseCDNOW(r io.Reader) ([]CDNOWRow, error) {
	var rows []CDNOWRow
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if line == 1 && f[0] == "customer_id" {
			continue
		}
		row, err := parseCDNOWRow(line, f)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		rows = append(rows, row)
	}
	return rows, sc.Err()
}

func parseCDNOWRow(line int, f []string) (CDNOWRow, error) {
	if len(f) != 4 {
		return CDNOWRow{}, fmt.Errorf("%w: %d columns", ErrCDNOWFormat, len(f))
	}
	id, err := strconv.Atoi(f[0])
	if err != nil || id < 1 {
		return CDNOWRow{}, fmt.Errorf("%w: customer_id %q", ErrCDNOWFormat, f[0])
	}
	date, err := time.Parse("20060102", f[1])
	if err != nil {
		return CDNOWRow{}, fmt.Errorf("%w: date %q", ErrCDNOWFormat, f[1])
	}
	cds, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil {
		return CDNOWRow{}, fmt.Errorf("%w: number_of_cds %q", ErrCDNOWFormat, f[2])
	}
	dollars, err := strconv.ParseFloat(f[3], 64)
	if err != nil || dollars < 0 || math.IsInf(dollars, 0) {
		return CDNOWRow{}, fmt.Errorf("%w: dollar_value %q", ErrCDNOWFormat, f[3])
	}
	return CDNOWRow{Line: line, Customer: id, Date: date, CDs: cds, AmountFen: int64(math.Round(dollars * 100))}, nil
}

// ExternalID is the external ID of CDNOW customer id.
func ExternalID(id int) string { return "cdnow-" + strconv.Itoa(id) }

var (
	surnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高",
		"林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋",
		"蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
		"石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯", "龙",
		"史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武", "戴", "莫", "孔", "向", "汤"}
	femaleNames = []string{"芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "玲", "婷", "雪", "慧", "琳", "颖", "倩", "洁", "晶",
		"欣怡", "梓涵", "诗涵", "雨桐", "可馨", "思琪", "佳怡", "子涵", "欣妍", "雨萱", "梦瑶", "紫萱", "晓雯", "婉婷", "雅琪",
		"佳琪", "美琳", "语嫣", "若曦", "心怡", "静怡", "丹丹", "秀英", "桂英", "海燕", "凤英", "玉兰", "春梅", "晓燕", "文静",
		"晓丽", "月婷", "嘉欣"}
	maleNames = []string{"伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞", "斌",
		"浩然", "子轩", "宇航", "俊杰", "浩宇", "志强", "建华", "建国", "文博", "天宇", "思远", "博文", "明轩", "一鸣", "皓轩",
		"梓豪", "嘉豪", "宇轩", "子豪", "家豪", "志明", "永强", "国栋", "海涛", "振宇", "晓东", "建军", "立新", "国强", "文杰",
		"少华", "晨阳", "泽宇"}
	cities = []struct{ city, region string }{
		{"上海", "上海"}, {"北京", "北京"}, {"广州", "广东"}, {"深圳", "广东"}, {"杭州", "浙江"}, {"成都", "四川"},
		{"南京", "江苏"}, {"武汉", "湖北"}, {"西安", "陕西"}, {"重庆", "重庆"}, {"苏州", "江苏"}, {"天津", "天津"},
		{"长沙", "湖南"}, {"郑州", "河南"}, {"青岛", "山东"}, {"厦门", "福建"}, {"宁波", "浙江"}, {"合肥", "安徽"},
		{"昆明", "云南"}, {"大连", "辽宁"}, {"沈阳", "辽宁"}, {"济南", "山东"}, {"福州", "福建"}, {"无锡", "江苏"},
	}
	// mobilePrefixes are mainland carriers' mobile number blocks.
	mobilePrefixes = []string{"130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
		"156", "157", "158", "159", "166", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "199"}
)

// Profile is CDNOW customer id's demo profile: a Chinese name, a mainland mobile number, a
// city and a birthday, each derived from the ID alone, so every load makes the same people. Phones are
// distinct for IDs below 100,000,000: their last eight digits are a bijection of the ID.
func Profile(id int) customer.Customer {
	h := uint64(id) * 0x9E3779B97F4A7C15 // spreads neighbouring IDs over the lists
	c := customer.Customer{ID: uuid.New(), ExternalID: ExternalID(id), Language: "zh-CN"}
	surname := surnames[h%uint64(len(surnames))]
	if (h>>20)%2 == 0 {
		c.Gender, c.Name = "female", surname+femaleNames[(h>>24)%uint64(len(femaleNames))]
	} else {
		c.Gender, c.Name = "male", surname+maleNames[(h>>24)%uint64(len(maleNames))]
	}
	place := cities[(h>>32)%uint64(len(cities))]
	c.City, c.Region = place.city, place.region
	const digits = 100_000_000
	c.Phone = fmt.Sprintf("+86%s%08d", mobilePrefixes[(h>>40)%uint64(len(mobilePrefixes))], (uint64(id)*7919+13_572_468)%digits)
	// A birthday between 1960 and 2004, for the points demo's birthday bonus.
	born := time.Date(1960+int((h>>44)%45), time.Month(1+(h>>50)%12), 1+int((h>>54)%28), 0, 0, 0, 0, time.UTC)
	c.BirthDate = &born
	return c
}
