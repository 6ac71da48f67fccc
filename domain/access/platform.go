package access

// The platform module's permissions and who holds them: admins hold everything but defining
// roles; the operational roles see the brand; analysts and auditors read its configuration,
// auditors the audit trail too, analysts the webhook logs.
func init() {
	var (
		everyone = []Role{RoleAdmin, RoleMarketer, RoleLoyaltyOperator, RoleStoreStaff, RoleAnalyst, RoleAuditor}
		readers  = []Role{RoleAdmin, RoleAnalyst, RoleAuditor}
		admins   = []Role{RoleAdmin}
	)
	Register(
		Definition{PermTenantRead, everyone}, Definition{PermTenantWrite, admins},
		Definition{PermAPIKeysRead, readers}, Definition{PermAPIKeysWrite, admins},
		Definition{PermSettingsRead, readers}, Definition{PermSettingsWrite, admins},
		Definition{PermTeamRead, readers}, Definition{PermTeamWrite, admins},
		Definition{PermRolesRead, readers}, Definition{PermRolesWrite, nil},
		Definition{PermAuditRead, []Role{RoleAdmin, RoleAuditor}}, Definition{PermAuditExport, []Role{RoleAdmin, RoleAuditor}},
		Definition{PermWebhooksRead, []Role{RoleAdmin, RoleAnalyst}}, Definition{PermWebhooksWrite, admins},
	)
}
