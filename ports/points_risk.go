package ports

import "context"

// Scenes of a risk query, as WeChat's getuserriskrank names them.
const (
	RiskSceneRegister  = 0
	RiskSceneMarketing = 1
)

// RiskQuery is who is asked about: a Mini Program user and the address they called from.
type RiskQuery struct {
	AppID, OpenID string
	// Scene is RiskSceneRegister or RiskSceneMarketing.
	Scene int
	// ClientIP is the user's IP address, which WeChat requires.
	ClientIP string
	// Mobile and Email are optional.
	Mobile, Email string
}

// RiskScorer asks an external service how risky a user is: WeChat's getuserriskrank ranks a
// Mini Program user from 0 (normal) to 4 (the highest risk). accessToken is the app's.
type RiskScorer interface {
	GetUserRiskRank(ctx context.Context, accessToken string, q RiskQuery) (rank int, err error)
}
