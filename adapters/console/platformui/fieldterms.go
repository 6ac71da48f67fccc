package platformui

import (
	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/tenants"
)

// fieldTerms name the fields of the platform's audit records (brands, keys, roles, members,
// invitations, webhooks, channels) and the fields every module's records share, and their
// enumerated values, for the audit record's page.
var fieldTerms = console.Terms{
	"zh-CN": {
		"field.name": "名称", "field.description": "说明", "field.email": "邮箱", "field.roles": "角色", "field.role": "角色",
		"field.permission": "所需权限", "field.permissions": "权限", "field.status": "状态", "field.fields": "字段",
		"field.event_types": "事件类型", "field.event_type": "事件类型", "field.expires_at": "到期时间", "field.revoked_at": "吊销时间",
		"field.created": "新建", "field.key": "键", "field.type": "类型", "field.label": "名称", "field.app_id": "AppID",
		"field.tenant.slug": "品牌标识", "field.tenant.timezone": "时区", "field.tenant.locale": "默认语言", "field.tenant.plan": "套餐",
		"field.tenant.format": "图片格式", "field.tenant.bytes": "文件大小（字节）", "field.tenant.width": "宽度（像素）",
		"field.tenant.height": "高度（像素）", "field.tenant.sha256": "文件校验值",
		"field.api_key.prefix": "密钥前缀", "field.api_key.old": "原密钥", "field.api_key.successor": "新密钥",
		"field.api_key.successor_id": "新密钥编号",
		"field.invitation.revoked":   "已撤回", "field.invitation.accepted": "已接受",
		"field.webhook.host": "接收地址主机", "field.webhook.key_id": "加密密钥编号", "field.webhook.webhook_id": "事件编号",
		"field.webhook_delivery.endpoint_id": "接收地址", "field.webhook_delivery.webhook_id": "事件编号",
		"field.secret.key_id": "加密密钥编号", "field.secret.version": "版本", "field.secret.last4": "末四位",
		"field.channel.access_key_id": "AccessKey ID", "field.channel.sdk_app_id": "SdkAppId", "field.channel.tls": "TLS 加密",
		"value.tenant.locale.zh-CN": "简体中文", "value.tenant.locale.en": "英文",
	},
	"en": {
		"field.name": "Name", "field.description": "Description", "field.email": "Email", "field.roles": "Roles", "field.role": "Role",
		"field.permission": "Permission needed", "field.permissions": "Permissions", "field.status": "Status", "field.fields": "Fields",
		"field.event_types": "Event types", "field.event_type": "Event type", "field.expires_at": "Expires", "field.revoked_at": "Revoked",
		"field.created": "Created", "field.key": "Key", "field.type": "Type", "field.label": "Name", "field.app_id": "AppID",
		"field.tenant.slug": "Brand ID", "field.tenant.timezone": "Time zone", "field.tenant.locale": "Default language", "field.tenant.plan": "Plan",
		"field.tenant.format": "Image format", "field.tenant.bytes": "File size (bytes)", "field.tenant.width": "Width (pixels)",
		"field.tenant.height": "Height (pixels)", "field.tenant.sha256": "File checksum",
		"field.api_key.prefix": "Key prefix", "field.api_key.old": "Former key", "field.api_key.successor": "New key",
		"field.api_key.successor_id": "New key's ID",
		"field.invitation.revoked":   "Revoked", "field.invitation.accepted": "Accepted",
		"field.webhook.host": "Endpoint host", "field.webhook.key_id": "Encryption key ID", "field.webhook.webhook_id": "Event ID",
		"field.webhook_delivery.endpoint_id": "Endpoint", "field.webhook_delivery.webhook_id": "Event ID",
		"field.secret.key_id": "Encryption key ID", "field.secret.version": "Version", "field.secret.last4": "Last four characters",
		"field.channel.access_key_id": "AccessKey ID", "field.channel.sdk_app_id": "SdkAppId", "field.channel.tls": "TLS",
		"value.tenant.locale.zh-CN": "Simplified Chinese", "value.tenant.locale.en": "English",
	},
}

// init names, from the module's messages (one definition each), the brand's name, channel
// settings' fields that the channels page names, and the values of brand, key and webhook statuses, plans, channels and
// SMS providers, and merges fieldTerms into Terms.
func init() {
	for lang, m := range messages {
		ts := Terms[lang]
		for k, s := range fieldTerms[lang] {
			ts[k] = s
		}
		ts[console.TermKey(console.TermField, "tenant.name")] = m["brand.name"]
		for _, fs := range channelFields {
			for _, f := range fs {
				if s, ok := m["channels."+f]; ok {
					ts[console.TermKey(console.TermField, "channel."+f)] = s
				}
			}
		}
		for _, p := range []string{"aliyun", "tencent"} {
			ts[console.TermKey(console.TermValue, "channel.provider."+p)] = m["channels."+p]
		}
		for _, s := range []string{"active", "suspended"} {
			ts[console.TermKey(console.TermValue, "tenant.status."+s)] = m["platform.status_"+s]
		}
		for _, p := range tenants.Plans {
			ts[console.TermKey(console.TermValue, "tenant.plan."+p)] = m["plan."+p]
		}
		for _, s := range []string{"active", "paused", "disabled"} {
			ts[console.TermKey(console.TermValue, "webhook.status."+s)] = m["webhooks.status_"+s]
		}
	}
}
