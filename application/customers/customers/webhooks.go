package customers

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/customer"
)

// ProfileData is a customer's profile as webhooks carry it. The brand owns the data and chose
// the endpoint, so the profile goes with the event; it is never written to the service's logs.
type ProfileData struct {
	ID             string           `json:"id"`
	ExternalID     string           `json:"external_id,omitempty"`
	Name           string           `json:"name"`
	Gender         string           `json:"gender"`
	BirthDate      string           `json:"birth_date,omitempty"`
	Phone          string           `json:"phone,omitempty"`
	Email          string           `json:"email,omitempty"`
	AvatarURL      string           `json:"avatar_url,omitempty"`
	Address        customer.Address `json:"address"`
	Language       string           `json:"language"`
	PreferredStore string           `json:"preferred_store,omitempty"`
	City           string           `json:"city,omitempty"`
	Region         string           `json:"region,omitempty"`
	Consents       map[string]bool  `json:"consents"`
	Attributes     map[string]any   `json:"attributes"`
	CreatedAt      time.Time        `json:"created_at"`
	UpdatedAt      time.Time        `json:"updated_at"`
	LifecycleStage string           `json:"lifecycle_stage"`
	LifecycleSince time.Time        `json:"lifecycle_since"`
	// Tags are the customer's tags by name, as the customer object in the API has them.
	Tags []string `json:"tags"`
}

// ChangeData is the data of customer.created and customer.updated.
type ChangeData struct {
	CustomerID    uuid.UUID   `json:"customer_id"`
	ChangedFields []string    `json:"changed_fields"`
	Customer      ProfileData `json:"customer"`
}

// EventSubject implements ports.EventSubject: the data carries the customer's profile.
func (d ChangeData) EventSubject() uuid.UUID { return d.CustomerID }

func profileData(c customer.Customer) ProfileData {
	p := ProfileData{ID: c.ID.String(), ExternalID: c.ExternalID, Name: c.Name, Gender: c.Gender, Phone: c.Phone, Email: c.Email,
		AvatarURL: c.AvatarURL, Address: c.Address, Language: c.Language, PreferredStore: c.PreferredStore, City: c.City,
		Region: c.Region, Consents: c.Consents, Attributes: c.Attributes, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		LifecycleStage: string(c.LifecycleStage), LifecycleSince: c.LifecycleSince, Tags: []string{}}
	if c.BirthDate != nil {
		p.BirthDate = c.BirthDate.Format("2006-01-02")
	}
	return p
}

// publish sends eventType about c, with its tags, to the brand's webhooks in the caller's
// transaction.
func (s *Service) publish(ctx context.Context, eventType string, c customer.Customer, changed []string) error {
	if s.hooks == nil {
		return nil
	}
	p := profileData(c)
	if s.tags != nil {
		names, err := s.tags.Names(ctx, []uuid.UUID{c.ID})
		if err != nil {
			return err
		}
		if len(names[c.ID]) > 0 {
			p.Tags = names[c.ID]
		}
	}
	return s.hooks.Publish(ctx, eventType, ChangeData{CustomerID: c.ID, ChangedFields: changed, Customer: p})
}
