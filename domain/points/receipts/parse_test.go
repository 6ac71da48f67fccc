package receipts_test

import (
	"testing"
	"time"

	"github.com/engagehq/engage/domain/points/receipts"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func at(y int, m time.Month, d, h, mi, s int) time.Time {
	return time.Date(y, m, d, h, mi, s, 0, shanghai)
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		name string
		text string
		want receipts.Fields
	}{
		{"convenience store, as Tesseract read the rendered photo", `全家便利店 (南京西路店)
地址: 上海市静安区南京西路1266号
收银员: 015 机号: 03
单号: 20261201031588
日期: 2026-12-01 14:32
商品名称 ”数量”金额
农夫山泉550ml 2 4.00
光明鲜牛奶 1 12.80
合计: 16.80

实收: 16.80

谢谢惠顾，欢迎再次光临`, receipts.Fields{Store: "全家便利店(南京西路店)", AmountFen: 1680, Date: at(2026, 12, 1, 14, 32, 0), Number: "20261201031588"}},
		{"supermarket, cash: 实收 is the cash given, 应付 the total", `联华超市 曹杨路店
欢迎光临
流水号：0031-20261128-0457
2026/11/28 09:05:11
可口可乐 330ml x6     ¥ 15.60
金龙鱼大米 5kg         ¥ 42.90
应付金额：￥58.50
实收：100.00  找零：41.50`, receipts.Fields{Store: "联华超市曹杨路店", AmountFen: 5850, Date: at(2026, 11, 28, 9, 5, 11), Number: "0031-20261128-0457"}},
		{"restaurant, full-width forms and spaces OCR put between characters", `门店名称：海底捞火锅（徐家汇店）
桌号：A12   人数：4
小票号：ＨＤＬ２０２６１２０２７７
消费时间：2026年12月2日 19:47
合 计：1,286.5元
实付：1,186.50`, receipts.Fields{Store: "海底捞火锅(徐家汇店)", AmountFen: 118650, Date: at(2026, 12, 2, 19, 47, 0), Number: "HDL2026120277"}},
		{"English labels, date without a time", `STARBUCKS COFFEE 星巴克
上海来福士店
NO: SB-778812
DATE 2026.11.30
Latte Grande 1 38.00
TOTAL 38`, receipts.Fields{Store: "STARBUCKS COFFEE 星巴克", AmountFen: 3800, Date: at(2026, 11, 30, 0, 0, 0), Number: "SB-778812"}},
		{"nothing readable", "~~~ ||| \n\n  ...", receipts.Fields{}},
		{"impossible date and a zero total are not read", `某某商店
日期: 2026-02-30
合计: 0.00
单号: 12`, receipts.Fields{Store: "某某商店"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := receipts.Parse(c.text, shanghai)
			if got.Store != c.want.Store || got.AmountFen != c.want.AmountFen || !got.Date.Equal(c.want.Date) || got.Number != c.want.Number {
				t.Errorf("\n got %+v\nwant %+v", got, c.want)
			}
		})
	}
}
