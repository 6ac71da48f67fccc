package customer

import "github.com/google/uuid"

// FirstLogin is the internal event type of a customer's first Mini Program login: a login
// through an account of the brand's Mini Program linked to them there and then, whether the
// login created them or found them (a member who joined at a till, or followed the Official
// Account). The points module's action rules react to it.
const FirstLogin = "customer.first_login"

// FirstLoggedIn is the data of FirstLogin.
type FirstLoggedIn struct {
	CustomerID uuid.UUID `json:"customer_id"`
	AppID      string    `json:"app_id"`
}

// EventSubject implements ports.EventSubject: the event is the customer's.
func (e FirstLoggedIn) EventSubject() uuid.UUID { return e.CustomerID }
