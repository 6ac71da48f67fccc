package customer

import (
	"errors"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/engagehq/engage/domain/fielderr"
)

// MaxNicknameLength bounds a WeChat nickname, in characters.
const MaxNicknameLength = 64

// WeChatAvatarHosts are WeChat's image CDNs, where the avatars and images of WeChat users live;
// subdomains of them count too.
var WeChatAvatarHosts = []string{"qlogo.cn", "qpic.cn"}

// CheckWeChatProfile checks the nickname and avatar a customer authorised in the Mini Program
// (its nickname input and chooseAvatar) before they go on their profile: a nickname of 1 to 64
// printable characters, and an https URL on one of WeChatAvatarHosts. It returns every field at
// fault, joined, and the trimmed nickname.
func CheckWeChatProfile(nickname, avatarURL string) (string, error) {
	var errs []error
	nickname = strings.TrimSpace(nickname)
	n := utf8.RuneCountInString(nickname)
	switch {
	case n == 0 || n > MaxNicknameLength:
		errs = append(errs, fielderr.Errorf("nickname", "1 to %d characters", MaxNicknameLength))
	case strings.IndexFunc(nickname, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0:
		errs = append(errs, fielderr.Errorf("nickname", "printable characters only"))
	}
	if !weChatAvatar(avatarURL) {
		errs = append(errs, fielderr.New("avatar_url", errors.New("an https URL on WeChat's image CDN ("+
			strings.Join(WeChatAvatarHosts, ", ")+")")))
	}
	return nickname, errors.Join(errs...)
}

func weChatAvatar(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Port() != "" || len(raw) > 500 {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, h := range WeChatAvatarHosts {
		if host == h || strings.HasSuffix(host, "."+h) {
			return true
		}
	}
	return false
}
