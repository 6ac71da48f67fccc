package customer

import (
	"maps"
	"slices"
)

// FillGaps is the profile of survivor after merging duplicate into it: every field the
// survivor has keeps its value, and each empty one takes the duplicate's. Consents the survivor
// never answered take the duplicate's answer. Custom attributes are merged apart, as the
// attributes module's part of the customer's data. It returns the names of the fields filled.
func FillGaps(survivor, duplicate Customer) (Customer, []string) {
	out := survivor
	var filled []string
	fill := func(name string, dst *string, src string) {
		if *dst == "" && src != "" {
			*dst = src
			filled = append(filled, name)
		}
	}
	fill("external_id", &out.ExternalID, duplicate.ExternalID)
	fill("name", &out.Name, duplicate.Name)
	fill("phone", &out.Phone, duplicate.Phone)
	fill("email", &out.Email, duplicate.Email)
	fill("avatar_url", &out.AvatarURL, duplicate.AvatarURL)
	fill("preferred_store", &out.PreferredStore, duplicate.PreferredStore)
	fill("city", &out.City, duplicate.City)
	fill("region", &out.Region, duplicate.Region)
	if (out.Gender == "" || out.Gender == "unknown") && duplicate.Gender != "" && duplicate.Gender != "unknown" {
		out.Gender = duplicate.Gender
		filled = append(filled, "gender")
	}
	if out.BirthDate == nil && duplicate.BirthDate != nil {
		d := *duplicate.BirthDate
		out.BirthDate = &d
		filled = append(filled, "birth_date")
	}
	if out.Address == (Address{}) && duplicate.Address != (Address{}) {
		out.Address = duplicate.Address
		filled = append(filled, "address")
	}
	out.Consents = maps.Clone(survivor.Consents)
	if out.Consents == nil {
		out.Consents = map[string]bool{}
	}
	for k, v := range duplicate.Consents {
		if _, answered := out.Consents[k]; !answered {
			out.Consents[k] = v
			if !slices.Contains(filled, "consents") {
				filled = append(filled, "consents")
			}
		}
	}
	slices.Sort(filled)
	return out, filled
}
