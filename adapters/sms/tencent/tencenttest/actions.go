package tencenttest

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// mobile is a mainland mobile number with the +86 prefix, or the 0086 or 86 prefix, or none.
var mobile = regexp.MustCompile(`^(\+86|0086|86)?1[3-9][0-9]{9}$`)

// maxNumbers is how many numbers one SendSms may carry.
const maxNumbers = 200

// sendStatusStatistics answers SendStatusStatistics: counts of the app's sends.
func (s *Server) sendStatusStatistics(w http.ResponseWriter, req request) {
	var in struct {
		SmsSdkAppID string `json:"SmsSdkAppId"`
		BeginTime   string `json:"BeginTime"`
		EndTime     string `json:"EndTime"`
		Limit       *int   `json:"Limit"`
		Offset      *int   `json:"Offset"`
	}
	if !decode(w, req.body, &in) {
		return
	}
	if in.SmsSdkAppID == "" || in.BeginTime == "" || in.EndTime == "" || in.Limit == nil || in.Offset == nil {
		fail(w, "MissingParameter", "SmsSdkAppId, BeginTime, EndTime, Limit and Offset are required.")
		return
	}
	begin, err1 := time.Parse("2006010215", in.BeginTime)
	end, err2 := time.Parse("2006010215", in.EndTime)
	if err1 != nil || err2 != nil || !end.After(begin) {
		fail(w, "InvalidParameterValue", "BeginTime and EndTime must be yyyymmddhh, EndTime after BeginTime.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.apps[in.SmsSdkAppID] {
		fail(w, "InvalidParameterValue.SdkAppIdNotExist", "SdkAppId不存在。")
		return
	}
	count := 0
	for _, m := range s.sent {
		if m.SDKAppID == in.SmsSdkAppID {
			count++
		}
	}
	reply(w, map[string]any{"SendStatusStatistics": map[string]int{
		"FeeCount": count, "RequestCount": count, "RequestSuccessCount": count,
	}})
}

// sendSms answers SendSms: whole-request checks (app, sign, template) as Response.Error,
// then one SendStatus per number, recording each accepted one.
func (s *Server) sendSms(w http.ResponseWriter, req request) {
	var in struct {
		PhoneNumberSet   []string `json:"PhoneNumberSet"`
		SmsSdkAppID      string   `json:"SmsSdkAppId"`
		TemplateID       string   `json:"TemplateId"`
		SignName         string   `json:"SignName"`
		TemplateParamSet []string `json:"TemplateParamSet"`
		ExtendCode       string   `json:"ExtendCode"`
		SessionContext   string   `json:"SessionContext"`
		SenderID         string   `json:"SenderId"`
	}
	if !decode(w, req.body, &in) {
		return
	}
	if len(in.PhoneNumberSet) == 0 || in.SmsSdkAppID == "" || in.TemplateID == "" {
		fail(w, "MissingParameter", "PhoneNumberSet, SmsSdkAppId and TemplateId are required.")
		return
	}
	if len(in.PhoneNumberSet) > maxNumbers {
		fail(w, "LimitExceeded.PhoneNumberCountLimit", "单次提交的手机号个数超过200个。")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.apps[in.SmsSdkAppID] {
		fail(w, "InvalidParameterValue.SdkAppIdNotExist", "SdkAppId不存在。")
		return
	}
	if status, ok := s.signs[in.SignName]; !ok || status != SignApproved {
		fail(w, "FailedOperation.SignatureIncorrectOrUnapproved", "签名未审批或格式错误。")
		return
	}
	variables, ok := s.templates[in.TemplateID]
	if !ok {
		fail(w, "FailedOperation.TemplateIncorrectOrUnapproved", "模板未审批或内容不匹配。")
		return
	}
	statuses := make([]map[string]any, 0, len(in.PhoneNumberSet))
	for _, phone := range in.PhoneNumberSet {
		st := map[string]any{"SerialNo": "", "PhoneNumber": phone, "Fee": 0, "SessionContext": in.SessionContext, "IsoCode": "CN"}
		switch {
		case !mobile.MatchString(phone):
			st["Code"], st["Message"], st["IsoCode"] = "InvalidParameterValue.IncorrectPhoneNumber", "手机号格式错误。", ""
		case len(in.TemplateParamSet) != variables:
			st["Code"], st["Message"] = "FailedOperation.TemplateParamSetNotMatchApprovedTemplate", "请求内容与审核通过的模板内容不匹配。"
		default:
			s.serialSeq++
			serial := fmt.Sprintf("2645:%d", 320000000000000000+s.serialSeq)
			st["SerialNo"], st["Fee"], st["Code"], st["Message"] = serial, 1, "Ok", "send success"
			s.sent = append(s.sent, Message{
				SecretID: req.secretID, Region: req.region, SDKAppID: in.SmsSdkAppID, PhoneNumber: phone,
				SignName: in.SignName, TemplateID: in.TemplateID,
				TemplateParams: append([]string(nil), in.TemplateParamSet...), SerialNo: serial,
			})
		}
		statuses = append(statuses, st)
	}
	reply(w, map[string]any{"SendStatusSet": statuses})
}

// decode reads body into v, refusing parameters the action does not define as Tencent does.
func decode(w http.ResponseWriter, body []byte, v any) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if strings.HasPrefix(err.Error(), "json: unknown field") {
			fail(w, "UnknownParameter", "The parameter "+strings.TrimPrefix(err.Error(), "json: unknown field ")+" is not recognized.")
		} else {
			fail(w, "InvalidParameter", "The request body is not valid: "+err.Error())
		}
		return false
	}
	return true
}

// fail answers an error: HTTP 200 with Response.Error, as Tencent Cloud API 3.0 does.
func fail(w http.ResponseWriter, code, message string) {
	reply(w, map[string]any{"Error": map[string]string{"Code": code, "Message": message}})
}

// reply writes {"Response": fields + RequestId}.
func reply(w http.ResponseWriter, fields map[string]any) {
	fields["RequestId"] = requestID()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"Response": fields})
}

// requestID is a random UUID, as Tencent's RequestId looks.
func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
