package pointsapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/httpapi"
	receiptsapp "github.com/engagehq/engage/application/points/receipts"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/receipts"
)

// WithReceipts adds receipt scanning's operations over svc; nil only when the OpenAPI
// document is wanted.
func (m *Module) WithReceipts(svc *receiptsapp.Service) *Module {
	m.receipts = svc
	return m
}

// ReceiptFieldsBody is what a receipt says, as read from its photo (or corrected by an admin).
type ReceiptFieldsBody struct {
	Store     string     `json:"store,omitempty" doc:"The merchant as printed"`
	AmountFen int64      `json:"amount_fen,omitempty" doc:"The total paid, in fen; left out when none was read"`
	Date      *time.Time `json:"date,omitempty" doc:"When the purchase was made, in the brand's time zone (midnight when the receipt gives no time)"`
	Number    string     `json:"number,omitempty" doc:"The receipt's number (单号, 小票号, 流水号)"`
}

// MyReceiptBody is one of the member's receipts as the Mini Program shows it.
type MyReceiptBody struct {
	ID     string            `json:"id" format:"uuid"`
	Status string            `json:"status" enum:"pending,approved,rejected" doc:"pending: being read or waiting for the brand's review; approved: it earned points as a purchase; rejected: see reason"`
	Reason string            `json:"reason,omitempty" enum:"duplicate,unreadable,not_a_receipt,stale,unknown_store,amount,other" doc:"Why it was rejected"`
	Note   string            `json:"note,omitempty" doc:"What the brand wrote about the rejection"`
	Fields ReceiptFieldsBody `json:"fields"`
	Points *int64            `json:"points,omitempty" doc:"The points it earned (spendable wallet, pending or not), once credited"`
	// CreatedAt is when it was uploaded.
	CreatedAt time.Time  `json:"created_at"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
}

// ReceiptBody is a receipt as admins review it.
type ReceiptBody struct {
	MyReceiptBody
	CustomerID  string   `json:"customer_id" format:"uuid"`
	Flags       []string `json:"flags" doc:"The checks it failed: unreadable, duplicate_image, duplicate_number, stale, future, unknown_store, below_minimum, above_maximum, above_auto_approve, manual_review (the brand approves none by itself), ocr_failed"`
	StoreCode   string   `json:"store_code,omitempty" doc:"The brand's store it is from, as the activity stream names stores"`
	Text        string   `json:"ocr_text,omitempty" doc:"What OCR read on the photo"`
	Read        bool     `json:"read" doc:"Whether OCR has read it"`
	ContentType string   `json:"content_type" enum:"image/jpeg,image/png,image/webp"`
	ImageBytes  int      `json:"image_bytes"`
	DecidedBy   string   `json:"decided_by,omitempty" enum:"user,api_key,platform,system" doc:"Who decided: an admin (user), a partner (api_key), or the brand's checks (system)"`
	PurchaseID  string   `json:"purchase_id,omitempty" doc:"The purchase it earned points as, in the activity stream"`
	Credited    bool     `json:"credited" doc:"Whether its points were credited"`
}

// ReceiptUploadBody is a photo sent as JSON, for clients that cannot send a form.
type ReceiptUploadBody struct {
	ImageBase64 string `json:"image_base64" minLength:"1" doc:"The photo, base64 (standard alphabet, padding optional); a data: URL prefix (data:image/jpeg;base64,) is allowed"`
}

// ReceiptUploadForm is a photo sent as a multipart form.
type ReceiptUploadForm struct {
	Image string `json:"image" format:"binary" doc:"The photo: JPEG, PNG or WebP, at most 8 MiB, 200 to 10,000 pixels a side"`
}

// ReceiptSettingsBody is the brand's receipt rules.
type ReceiptSettingsBody struct {
	AutoApprove       bool               `json:"auto_approve" doc:"Approve a receipt that passes every check without an admin"`
	MaxAgeDays        int                `json:"max_age_days" minimum:"1" maximum:"366" doc:"How many days old (in the brand's calendar) a receipt may be"`
	MinAmountFen      int64              `json:"min_amount_fen" minimum:"0" maximum:"10000000000"`
	MaxAmountFen      int64              `json:"max_amount_fen" minimum:"0" maximum:"10000000000" doc:"0: no limit"`
	AutoApproveMaxFen int64              `json:"auto_approve_max_fen" minimum:"0" maximum:"10000000000" doc:"The largest amount approved without an admin; 0: no limit"`
	Stores            []ReceiptStoreBody `json:"stores" maxItems:"500" doc:"The brand's stores; a receipt from another waits for an admin"`
}

// ReceiptStoreBody is one of the brand's stores as its receipts print it.
type ReceiptStoreBody struct {
	Code string `json:"code" minLength:"1" maxLength:"100" doc:"The store as the activity stream names it (a purchase's store)"`
	Name string `json:"name" minLength:"2" maxLength:"100" example:"全家便利店南京西路店" doc:"The store's name as receipts print it; spaces and brackets do not matter"`
}

// ReceiptApprovalBody approves a receipt, correcting what OCR misread.
type ReceiptApprovalBody struct {
	AmountFen int64      `json:"amount_fen,omitempty" minimum:"1" maximum:"10000000000" doc:"The total, when OCR misread it or read none"`
	Date      *time.Time `json:"date,omitempty" doc:"The purchase's date and time"`
	StoreCode string     `json:"store_code,omitempty" maxLength:"100" doc:"One of the brand's stores in the receipt settings"`
	Store     string     `json:"store,omitempty" maxLength:"100"`
	Number    string     `json:"number,omitempty" maxLength:"40" pattern:"^[A-Za-z0-9-]+$"`
	Note      string     `json:"note,omitempty" maxLength:"500" doc:"Why, for the audit trail"`
}

// ReceiptRejectionBody rejects a receipt.
type ReceiptRejectionBody struct {
	Reason string `json:"reason" enum:"duplicate,unreadable,not_a_receipt,stale,unknown_store,amount,other" doc:"What the customer is told"`
	Note   string `json:"note,omitempty" maxLength:"500" doc:"Shown to the customer with the reason"`
}

func myReceiptBody(r receipts.Receipt) MyReceiptBody {
	b := MyReceiptBody{ID: r.ID.String(), Status: string(r.Status), Reason: string(r.Reason), CreatedAt: r.CreatedAt,
		Fields: ReceiptFieldsBody{Store: r.Fields.Store, AmountFen: r.Fields.AmountFen, Number: r.Fields.Number}}
	if r.Status == receipts.Rejected {
		b.Note = r.Note
	}
	if !r.Fields.Date.IsZero() {
		d := r.Fields.Date
		b.Fields.Date = &d
	}
	if r.Credited {
		p := r.Points
		b.Points = &p
	}
	if !r.DecidedAt.IsZero() {
		d := r.DecidedAt
		b.DecidedAt = &d
	}
	return b
}

func receiptBody(r receipts.Receipt) ReceiptBody {
	b := ReceiptBody{MyReceiptBody: myReceiptBody(r), CustomerID: r.Customer.String(), Flags: make([]string, len(r.Flags)),
		StoreCode: r.StoreCode, Text: r.Text, Read: r.Read, ContentType: r.ContentType, ImageBytes: r.ImageBytes,
		DecidedBy: r.DecidedKind, PurchaseID: r.PurchaseID, Credited: r.Credited}
	b.Note = r.Note
	for i, f := range r.Flags {
		b.Flags[i] = string(f)
	}
	return b
}

// receiptErrors answers the refusals of receipt scanning.
var receiptErrors = httpapi.ErrorTable{
	{Err: receiptsapp.ErrImageTooLarge, Status: http.StatusRequestEntityTooLarge, Code: "image_too_large",
		Detail: "the photo is larger than 8 MiB", Field: "body.image", Reason: "at most 8 MiB"},
	{Err: receiptsapp.ErrNotAnImage, Status: http.StatusUnprocessableEntity, Code: "image_unreadable",
		Detail: "the photo is not a JPEG, PNG or WebP image that can be read", Field: "body.image", Reason: "not a readable JPEG, PNG or WebP image"},
	{Err: receiptsapp.ErrImageSize, Status: http.StatusUnprocessableEntity, Code: "image_size",
		Detail: "the photo must be 200 to 10,000 pixels wide and high", Field: "body.image", Reason: "too small to read or too large"},
	{Err: receiptsapp.ErrDuplicateImage, Status: http.StatusConflict, Code: "duplicate_receipt",
		Detail: "this photo was uploaded already"},
	{Err: receiptsapp.ErrDecided, Status: http.StatusConflict, Code: "receipt_decided",
		Detail: "this receipt was approved or rejected already"},
	{Err: receiptsapp.ErrNumberApproved, Status: http.StatusConflict, Code: "duplicate_receipt",
		Detail: "a receipt with this store and number was approved already"},
	{Err: receiptsapp.ErrNotFound, Status: http.StatusNotFound, Code: "receipt_not_found", Detail: "no such receipt",
		Field: "path.id", Reason: "no such receipt"},
	fieldsOf(),
}

// uploadInput is a photo as a multipart form (its image field) or as JSON (image_base64).
type uploadInput struct {
	ContentType string `header:"Content-Type"`
	RawBody     []byte `contentType:"multipart/form-data"`
}

// maxUploadBody is the largest body an upload takes: the photo in base64, and room for the form.
const maxUploadBody = receiptsapp.MaxImageBytes/3*4 + 64<<10

// uploadedImage returns the photo of the request.
func uploadedImage(ctx context.Context, in *uploadInput) ([]byte, error) {
	missing := func(reason string) error {
		return httpapi.NewProblem(ctx, http.StatusUnprocessableEntity, "validation_failed", "no photo in the request",
			httpapi.Field("body.image", reason, nil))
	}
	mt, params, err := mime.ParseMediaType(in.ContentType)
	if err != nil {
		return nil, missing("send a multipart form with the photo as its image field, or JSON with image_base64")
	}
	switch {
	case mt == "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(in.RawBody), params["boundary"])
		for {
			part, err := mr.NextPart()
			if err != nil {
				return nil, missing("the form has no image field")
			}
			if part.FormName() == "image" {
				data, err := io.ReadAll(io.LimitReader(part, receiptsapp.MaxImageBytes+1))
				if err != nil {
					return nil, missing("the image field could not be read")
				}
				return data, nil
			}
		}
	case mt == "application/json":
		var b ReceiptUploadBody
		if err := json.Unmarshal(in.RawBody, &b); err != nil {
			return nil, missing("a JSON object with image_base64")
		}
		s := strings.TrimSpace(b.ImageBase64)
		if strings.HasPrefix(s, "data:") {
			if _, after, ok := strings.Cut(s, ","); ok {
				s = after
			}
		}
		data, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			data, err = base64.RawStdEncoding.DecodeString(s)
		}
		if err != nil || len(data) == 0 {
			return nil, httpapi.NewProblem(ctx, http.StatusUnprocessableEntity, "validation_failed", "image_base64 is not base64",
				httpapi.Field("body.image_base64", "the photo in base64", nil))
		}
		return data, nil
	}
	return nil, httpapi.NewProblem(ctx, http.StatusUnsupportedMediaType, "unsupported_media_type",
		"send multipart/form-data with the photo as its image field, or application/json with image_base64")
}

type receiptOutput struct {
	Body MyReceiptBody
}

type myReceiptsOutput struct {
	Body struct {
		Items      []MyReceiptBody `json:"items"`
		NextCursor string          `json:"next_cursor,omitempty"`
	}
}

type adminReceiptOutput struct{ Body ReceiptBody }

type receiptsOutput struct {
	Body struct {
		Items      []ReceiptBody `json:"items"`
		NextCursor string        `json:"next_cursor,omitempty"`
	}
}

// ReceiptPath names a receipt in the path.
type ReceiptPath struct {
	ID string `path:"id" format:"uuid"`
}

// ReceiptListQuery filters and pages receipts.
type ReceiptListQuery struct {
	httpapi.PageQuery
	Status string `query:"status" enum:"pending,approved,rejected" doc:"Only receipts with this status"`
}

type receiptSettingsOutput struct{ Body ReceiptSettingsBody }

func (m *Module) registerReceipts(api huma.API) {
	reg := api.OpenAPI().Components.Schemas
	form := reg.Schema(reflect.TypeFor[ReceiptUploadForm](), true, "")
	jsonBody := reg.Schema(reflect.TypeFor[ReceiptUploadBody](), true, "")
	tokens := httpapi.Customer(m.kit.CustomerTokens())
	mini := []string{"Mini Program"}
	httpapi.Register(api, tokens, httpapi.Creates(httpapi.AlsoAnswers(huma.Operation{
		OperationID: "upload-my-receipt", Method: http.MethodPost, Path: "/v1/me/receipts", Tags: mini,
		Errors:  []int{http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType},
		Summary: "Upload a photo of a receipt",
		Description: "A `multipart/form-data` form with the photo as its `image` field (what `wx.uploadFile` sends), or JSON " +
			"with the photo in `image_base64`. JPEG, PNG or WebP, at most 8 MiB, 200 to 10,000 pixels a side; the type is " +
			"read from the bytes, not from the name. The receipt is `pending` (201) while it is read and checked in the " +
			"background, usually within seconds: then `approved` (it earns points as a purchase), `rejected` with a `reason`, " +
			"or still `pending` for the brand's review. The same photo sent again answers the receipt it made (200); a photo " +
			"another member uploaded is `duplicate_receipt` (409). A photo that is not an image, cut off or too small is 422 " +
			"`image_unreadable` or `image_size`, a larger one 413 `image_too_large`; nothing is kept.",
		MaxBodyBytes: maxUploadBody,
		// The body is a form or JSON: the handler reads whichever came (huma would read JSON only).
		SkipValidateBody: true,
		RequestBody: &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
			"multipart/form-data": {Schema: form, Encoding: map[string]*huma.Encoding{"image": {ContentType: "image/jpeg, image/png, image/webp"}}},
			"application/json":    {Schema: jsonBody},
		}},
	}, http.StatusCreated), "/v1/me/receipts/{id}"), func(ctx context.Context, in *uploadInput) (*struct {
		Status int
		Body   MyReceiptBody
	}, error) {
		data, err := uploadedImage(ctx, in)
		if err != nil {
			return nil, err
		}
		p := httpapi.PrincipalFrom(ctx)
		r, created, err := m.receipts.Upload(ctx, p.Tenant.ID, p.CustomerID, data)
		if err != nil {
			return nil, m.fail(ctx, err, receiptErrors)
		}
		out := &struct {
			Status int
			Body   MyReceiptBody
		}{Status: http.StatusOK, Body: myReceiptBody(r)}
		if created {
			out.Status = http.StatusCreated
		}
		return out, nil
	})
	httpapi.Register(api, tokens, huma.Operation{
		OperationID: "list-my-receipts", Method: http.MethodGet, Path: "/v1/me/receipts", Tags: mini,
		Summary: "The member's receipts", Description: "Newest first, with their status: pending, approved (with the points earned) or rejected (with the reason).",
	}, func(ctx context.Context, in *ReceiptListQuery) (*myReceiptsOutput, error) {
		p := httpapi.PrincipalFrom(ctx)
		items, next, err := m.listReceipts(ctx, in, p.CustomerID)
		if err != nil {
			return nil, err
		}
		out := &myReceiptsOutput{}
		out.Body.Items, out.Body.NextCursor = make([]MyReceiptBody, len(items)), next
		for i, r := range items {
			out.Body.Items[i] = myReceiptBody(r)
		}
		return out, nil
	})
	httpapi.Register(api, tokens, huma.Operation{
		OperationID: "get-my-receipt", Method: http.MethodGet, Path: "/v1/me/receipts/{id}", Tags: mini,
		Summary: "One of the member's receipts", Description: "Poll it after an upload to see it approved or rejected.",
	}, func(ctx context.Context, in *ReceiptPath) (*receiptOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		p := httpapi.PrincipalFrom(ctx)
		r, err := m.receipts.Mine(ctx, p.Tenant.ID, p.CustomerID, id)
		if err != nil {
			return nil, m.fail(ctx, err, receiptErrors)
		}
		return &receiptOutput{Body: myReceiptBody(r)}, nil
	})

	tags := []string{"Points"}
	httpapi.Register(api, httpapi.Tenant(ledger.PermReceipts), huma.Operation{
		OperationID: "list-receipts", Method: http.MethodGet, Path: "/v1/points/receipts", Tags: tags,
		Summary: "Customers' receipts", Description: "Newest first; `status=pending` is the review queue.",
	}, func(ctx context.Context, in *ReceiptListQuery) (*receiptsOutput, error) {
		items, next, err := m.listReceipts(ctx, in, uuid.Nil)
		if err != nil {
			return nil, err
		}
		out := &receiptsOutput{}
		out.Body.Items, out.Body.NextCursor = make([]ReceiptBody, len(items)), next
		for i, r := range items {
			out.Body.Items[i] = receiptBody(r)
		}
		return out, nil
	})
	httpapi.Register(api, httpapi.Tenant(ledger.PermReceipts), huma.Operation{
		OperationID: "get-receipt", Method: http.MethodGet, Path: "/v1/points/receipts/{id}", Tags: tags,
		Summary: "A customer's receipt", Description: "With what OCR read, the fields parsed from it and the checks it failed.",
	}, func(ctx context.Context, in *ReceiptPath) (*adminReceiptOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		r, err := m.receipts.Get(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, m.fail(ctx, err, receiptErrors)
		}
		return &adminReceiptOutput{Body: receiptBody(r)}, nil
	})
	httpapi.Register(api, httpapi.Tenant(ledger.PermReceipts), huma.Operation{
		OperationID: "approve-receipt", Method: http.MethodPost, Path: "/v1/points/receipts/{id}/approve", Tags: tags,
		Errors:  []int{http.StatusConflict},
		Summary: "Approve a receipt",
		Description: "Audited, with the note. Correct what OCR misread (amount, date, store, number); a receipt without an " +
			"amount or date needs them. It then earns points as a purchase, once, within seconds. A receipt decided before is " +
			"`receipt_decided` (409); one whose store and number were approved on another receipt `duplicate_receipt` (409).",
	}, func(ctx context.Context, in *struct {
		ReceiptPath
		Body ReceiptApprovalBody
	}) (*adminReceiptOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		c := receiptsapp.Correction{AmountFen: in.Body.AmountFen, StoreCode: in.Body.StoreCode, Store: in.Body.Store, Number: in.Body.Number}
		if in.Body.Date != nil {
			c.Date = *in.Body.Date
		}
		r, err := m.receipts.Approve(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id, c, in.Body.Note)
		if err != nil {
			return nil, m.fail(ctx, err, receiptErrors)
		}
		return &adminReceiptOutput{Body: receiptBody(r)}, nil
	})
	httpapi.Register(api, httpapi.Tenant(ledger.PermReceipts), huma.Operation{
		OperationID: "reject-receipt", Method: http.MethodPost, Path: "/v1/points/receipts/{id}/reject", Tags: tags,
		Errors:      []int{http.StatusConflict},
		Summary:     "Reject a receipt",
		Description: "Audited. The customer sees the reason and the note. A receipt decided before is `receipt_decided` (409).",
	}, func(ctx context.Context, in *struct {
		ReceiptPath
		Body ReceiptRejectionBody
	}) (*adminReceiptOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		r, err := m.receipts.Reject(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id, receipts.Reason(in.Body.Reason), in.Body.Note)
		if err != nil {
			return nil, m.fail(ctx, err, receiptErrors)
		}
		return &adminReceiptOutput{Body: receiptBody(r)}, nil
	})
	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "get-receipt-settings", Method: http.MethodGet, Path: "/v1/points/receipt-settings", Tags: tags,
		Summary: "The brand's receipt rules", Description: "Automatic approval, the age and amount limits, and the brand's stores.",
	}, func(ctx context.Context, _ *struct{}) (*receiptSettingsOutput, error) {
		s, err := m.receipts.Settings(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		return &receiptSettingsOutput{Body: receiptSettingsBody(s)}, nil
	})
	httpapi.Register(api, httpapi.Tenant(access.PermSettingsWrite), huma.Operation{
		OperationID: "set-receipt-settings", Method: http.MethodPut, Path: "/v1/points/receipt-settings", Tags: tags,
		Summary:     "Change the brand's receipt rules",
		Description: "Audited; they apply to receipts read from then on.",
	}, func(ctx context.Context, in *struct{ Body ReceiptSettingsBody }) (*receiptSettingsOutput, error) {
		s := in.Body.settings()
		if err := m.receipts.SetSettings(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, s); err != nil {
			return nil, m.fail(ctx, err)
		}
		return &receiptSettingsOutput{Body: receiptSettingsBody(s)}, nil
	})
}

func (m *Module) listReceipts(ctx context.Context, in *ReceiptListQuery, customer uuid.UUID) ([]receipts.Receipt, string, error) {
	page, err := in.Page(ctx)
	if err != nil {
		return nil, "", err
	}
	items, err := m.receipts.List(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, receiptsapp.Query{Customer: customer,
		Status: receipts.Status(in.Status)}, page)
	if err != nil {
		return nil, "", m.fail(ctx, err)
	}
	items, next := httpapi.Paginate(items, page, func(r receipts.Receipt) string { return r.ID.String() })
	return items, next, nil
}

func receiptSettingsBody(s receipts.Settings) ReceiptSettingsBody {
	b := ReceiptSettingsBody{AutoApprove: s.AutoApprove, MaxAgeDays: s.MaxAgeDays, MinAmountFen: s.MinAmountFen,
		MaxAmountFen: s.MaxAmountFen, AutoApproveMaxFen: s.AutoApproveMaxFen, Stores: make([]ReceiptStoreBody, len(s.Stores))}
	for i, st := range s.Stores {
		b.Stores[i] = ReceiptStoreBody(st)
	}
	return b
}

func (b ReceiptSettingsBody) settings() receipts.Settings {
	s := receipts.Settings{AutoApprove: b.AutoApprove, MaxAgeDays: b.MaxAgeDays, MinAmountFen: b.MinAmountFen,
		MaxAmountFen: b.MaxAmountFen, AutoApproveMaxFen: b.AutoApproveMaxFen, Stores: make([]receipts.Store, len(b.Stores))}
	for i, st := range b.Stores {
		s.Stores[i] = receipts.Store(st)
	}
	return s
}
