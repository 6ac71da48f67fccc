package aliyuntest

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// mobile is a mainland mobile number with or without the +86, 86 or 0086 prefix.
var mobile = regexp.MustCompile(`^(\+86|0086|86)?1[3-9][0-9]{9}$`)

// querySmsSign answers QuerySmsSign: the sign name's review status.
func (s *Server) querySmsSign(w http.ResponseWriter, params map[string]string) {
	name := params["SignName"]
	if name == "" {
		fail(w, http.StatusBadRequest, "MissingSignName", "SignName is mandatory for this action.")
		return
	}
	s.mu.Lock()
	status, ok := s.signs[name]
	s.mu.Unlock()
	if !ok {
		refuse(w, "isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")
		return
	}
	reason := "无审核备注"
	if status == SignRejected {
		reason = "文件不能证明信息真实性，请重新上传"
	}
	reply(w, http.StatusOK, map[string]any{
		"RequestId": requestID(), "Code": "OK", "Message": "OK",
		"SignName": name, "SignStatus": status, "Reason": reason, "CreateDate": "2019-01-08 16:44:13",
	})
}

// sendSms answers SendSms: checks numbers, sign, template and variables, then records it.
func (s *Server) sendSms(w http.ResponseWriter, params map[string]string) {
	for _, name := range []string{"PhoneNumbers", "SignName", "TemplateCode"} {
		if params[name] == "" {
			fail(w, http.StatusBadRequest, "Missing"+name, name+" is mandatory for this action.")
			return
		}
	}
	for _, phone := range strings.Split(params["PhoneNumbers"], ",") {
		if !mobile.MatchString(phone) {
			refuse(w, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
			return
		}
	}
	var vars map[string]string
	if raw, ok := params["TemplateParam"]; ok {
		if err := json.Unmarshal([]byte(raw), &vars); err != nil {
			refuse(w, "isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if status, ok := s.signs[params["SignName"]]; !ok || status != SignApproved {
		refuse(w, "isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")
		return
	}
	want, ok := s.templates[params["TemplateCode"]]
	if !ok {
		refuse(w, "isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板")
		return
	}
	for _, name := range want {
		if _, ok := vars[name]; !ok {
			refuse(w, "isv.TEMPLATE_MISSING_PARAMETERS", "模板缺少变量")
			return
		}
	}
	s.bizSeq++
	bizID := fmt.Sprintf("%d^0", 900619746936498440+s.bizSeq)
	s.sent = append(s.sent, Message{
		AccessKeyID:   params["AccessKeyId"],
		RegionID:      params["RegionId"],
		PhoneNumbers:  params["PhoneNumbers"],
		SignName:      params["SignName"],
		TemplateCode:  params["TemplateCode"],
		TemplateParam: vars,
		BizID:         bizID,
	})
	reply(w, http.StatusOK, map[string]any{"RequestId": requestID(), "Code": "OK", "Message": "OK", "BizId": bizID})
}

// fail answers a gateway error: an HTTP error status with Aliyun's error body.
func fail(w http.ResponseWriter, status int, code, message string) {
	reply(w, status, map[string]any{
		"RequestId": requestID(), "HostId": "dysmsapi.aliyuncs.com", "Code": code, "Message": message,
		"Recommend": "https://api.aliyun.com/troubleshoot?q=" + code + "&product=Dysmsapi",
	})
}

// refuse answers a business error: HTTP 200 with an isv.* code.
func refuse(w http.ResponseWriter, code, message string) {
	reply(w, http.StatusOK, map[string]any{"RequestId": requestID(), "Code": code, "Message": message})
}

// reply writes body as JSON with status.
func reply(w http.ResponseWriter, status int, body map[string]any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// requestID is a random upper-case UUID, as Aliyun's RequestId looks.
func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}
