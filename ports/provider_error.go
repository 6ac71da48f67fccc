package ports

import "fmt"

// ProviderError is an answer from a third party that refused a request: which provider, its own
// error code (WeChat's 40125, Aliyun's SignatureDoesNotMatch, an SMTP reply code) and message.
type ProviderError struct {
	Provider string
	Code     string
	Message  string
}

func (e *ProviderError) Error() string {
	return fmt.Sprintf("%s error %s: %s", e.Provider, e.Code, e.Message)
}
