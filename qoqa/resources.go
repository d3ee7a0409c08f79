package qoqa

// The resources of the QoQa API v1, one type each. Read-only fields
// (created_at, updated_at, variation_ids, trackings) are sent back as QoQa
// sent them, and QoQa ignores them. The writable ones keep in Extra what
// QoQa sent beyond their fields, so that an update, which replaces the
// whole record, erases nothing.

// Shop is a QoQa shop (qoqa.ch, qwine.ch...).
type Shop struct {
	ID          ID     `json:"id,omitempty"`
	Name        string `json:"name"`
	Domain      string `json:"domain"`
	Currency    string `json:"currency"`
	LanguageIDs []int  `json:"language_ids"`
}

// Product is a product template: it has one variation or more.
type Product struct {
	ID           ID            `json:"id,omitempty"`
	Category     string        `json:"category,omitempty"`
	IsActive     bool          `json:"is_active"`
	Attributes   Attributes    `json:"attributes,omitempty"`
	Translations []Translation `json:"translations"`
	VariationIDs []ID          `json:"variation_ids,omitempty"`
	CreatedAt    Time          `json:"created_at,omitzero"`
	UpdatedAt    Time          `json:"updated_at,omitzero"`
	// Extra is what QoQa sent that the fields above lack: sent back as it came.
	Extra Extra `json:"-"`
}

// MarshalJSON sends Extra back with the fields.
func (p Product) MarshalJSON() ([]byte, error) {
	type plain Product
	return marshalWithExtra(plain(p), p.Extra)
}

// UnmarshalJSON keeps the keys the fields lack in Extra.
func (p *Product) UnmarshalJSON(b []byte) error {
	type plain Product
	return unmarshalWithExtra(b, (*plain)(p), &p.Extra)
}

// Variation is a product variant, sold under its SKU.
type Variation struct {
	ID           ID            `json:"id,omitempty"`
	ProductID    ID            `json:"product_id"`
	SKU          string        `json:"sku"`
	EAN          string        `json:"ean,omitempty"`
	IsActive     bool          `json:"is_active"`
	Attributes   Attributes    `json:"attributes,omitempty"`
	Translations []Translation `json:"translations,omitempty"`
	CreatedAt    Time          `json:"created_at,omitzero"`
	UpdatedAt    Time          `json:"updated_at,omitzero"`
	// Extra is what QoQa sent that the fields above lack: sent back as it came.
	Extra Extra `json:"-"`
}

// MarshalJSON sends Extra back with the fields.
func (v Variation) MarshalJSON() ([]byte, error) {
	type plain Variation
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON keeps the keys the fields lack in Extra.
func (v *Variation) UnmarshalJSON(b []byte) error {
	type plain Variation
	return unmarshalWithExtra(b, (*plain)(v), &v.Extra)
}

// Deal is the day's deal of a shop; offers sell it.
type Deal struct {
	ID           ID            `json:"id,omitempty"`
	ShopID       ID            `json:"shop_id"`
	IsActive     bool          `json:"is_active"`
	Translations []Translation `json:"translations,omitempty"`
	CreatedAt    Time          `json:"created_at,omitzero"`
	UpdatedAt    Time          `json:"updated_at,omitzero"`
}

// Offer sells variations of a deal between two dates.
type Offer struct {
	ID           ID            `json:"id,omitempty"`
	DealID       ID            `json:"deal_id,omitempty"`
	ShopID       ID            `json:"shop_id"`
	StartAt      Time          `json:"start_at,omitzero"`
	StopAt       Time          `json:"stop_at,omitzero"`
	IsActive     bool          `json:"is_active"`
	Currency     string        `json:"currency,omitempty"`
	Translations []Translation `json:"translations,omitempty"`
	Positions    []Position    `json:"positions"`
	CreatedAt    Time          `json:"created_at,omitzero"`
	UpdatedAt    Time          `json:"updated_at,omitzero"`
	// Extra is what QoQa sent that the fields above lack: sent back as it came.
	Extra Extra `json:"-"`
}

// MarshalJSON sends Extra back with the fields.
func (o Offer) MarshalJSON() ([]byte, error) {
	type plain Offer
	return marshalWithExtra(plain(o), o.Extra)
}

// UnmarshalJSON keeps the keys the fields lack in Extra.
func (o *Offer) UnmarshalJSON(b []byte) error {
	type plain Offer
	return unmarshalWithExtra(b, (*plain)(o), &o.Extra)
}

// Position is one variation an offer sells, at its price.
type Position struct {
	VariationID  ID    `json:"variation_id"`
	UnitPrice    Cents `json:"unit_price"`
	RegularPrice Cents `json:"regular_price,omitempty"`
	LotSize      int   `json:"lot_size,omitempty"`
	MaxSellable  int   `json:"max_sellable,omitempty"`
	// Extra is what QoQa sent that the fields above lack: sent back as it came.
	Extra Extra `json:"-"`
}

// MarshalJSON sends Extra back with the fields.
func (p Position) MarshalJSON() ([]byte, error) {
	type plain Position
	return marshalWithExtra(plain(p), p.Extra)
}

// UnmarshalJSON keeps the keys the fields lack in Extra.
func (p *Position) UnmarshalJSON(b []byte) error {
	type plain Position
	return unmarshalWithExtra(b, (*plain)(p), &p.Extra)
}

// Voucher is a gift voucher.
type Voucher struct {
	ID              ID     `json:"id,omitempty"`
	Code            string `json:"code"`
	CustomerID      ID     `json:"customer_id,omitempty"`
	Amount          Cents  `json:"amount"`
	RemainingAmount Cents  `json:"remaining_amount"`
	Currency        string `json:"currency,omitempty"`
	StartAt         Time   `json:"start_at,omitzero"`
	StopAt          Time   `json:"stop_at,omitzero"`
	Description     string `json:"description,omitempty"`
	IsActive        bool   `json:"is_active"`
	CreatedAt       Time   `json:"created_at,omitzero"`
	UpdatedAt       Time   `json:"updated_at,omitzero"`
	// Extra is what QoQa sent that the fields above lack: sent back as it came.
	Extra Extra `json:"-"`
}

// MarshalJSON sends Extra back with the fields.
func (v Voucher) MarshalJSON() ([]byte, error) {
	type plain Voucher
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON keeps the keys the fields lack in Extra.
func (v *Voucher) UnmarshalJSON(b []byte) error {
	type plain Voucher
	return unmarshalWithExtra(b, (*plain)(v), &v.Extra)
}

// User is a QoQa account; it has a customer once it has bought.
type User struct {
	ID         ID     `json:"id,omitempty"`
	Email      string `json:"email"`
	Pseudo     string `json:"pseudo"`
	LanguageID int    `json:"language_id"`
	CustomerID ID     `json:"customer_id,omitempty"`
	IsActive   bool   `json:"is_active"`
	CreatedAt  Time   `json:"created_at,omitzero"`
	UpdatedAt  Time   `json:"updated_at,omitzero"`
}

// Customer is who buys: one user, any number of addresses.
type Customer struct {
	ID         ID     `json:"id,omitempty"`
	UserID     ID     `json:"user_id"`
	Firstname  string `json:"firstname"`
	Lastname   string `json:"lastname"`
	Company    string `json:"company,omitempty"`
	LanguageID int    `json:"language_id"`
	AddressIDs []ID   `json:"address_ids,omitempty"`
	CreatedAt  Time   `json:"created_at,omitzero"`
	UpdatedAt  Time   `json:"updated_at,omitzero"`
}

// Address kinds.
const (
	AddressBilling  = "billing"
	AddressShipping = "shipping"
	AddressOther    = "other"
)

// Address is a customer's address.
type Address struct {
	ID         ID     `json:"id,omitempty"`
	CustomerID ID     `json:"customer_id"`
	Kind       string `json:"kind"`
	Firstname  string `json:"firstname,omitempty"`
	Lastname   string `json:"lastname,omitempty"`
	Company    string `json:"company,omitempty"`
	Street     string `json:"street,omitempty"`
	Street2    string `json:"street2,omitempty"`
	Zip        string `json:"zip,omitempty"`
	City       string `json:"city,omitempty"`
	Country    string `json:"country,omitempty"`
	Phone      string `json:"phone,omitempty"`
	Digicode   string `json:"digicode,omitempty"`
	IsActive   bool   `json:"is_active"`
	CreatedAt  Time   `json:"created_at,omitzero"`
	UpdatedAt  Time   `json:"updated_at,omitzero"`
}

// Order statuses.
const (
	OrderPending   = "pending"
	OrderPaid      = "paid"
	OrderShipped   = "shipped"
	OrderCancelled = "cancelled"
)

// Order is a purchase on a shop.
type Order struct {
	ID                ID         `json:"id,omitempty"`
	ShopID            ID         `json:"shop_id"`
	DealID            ID         `json:"deal_id,omitempty"`
	OfferID           ID         `json:"offer_id,omitempty"`
	UserID            ID         `json:"user_id,omitempty"`
	CustomerID        ID         `json:"customer_id,omitempty"`
	BillingAddressID  ID         `json:"billing_address_id,omitempty"`
	ShippingAddressID ID         `json:"shipping_address_id,omitempty"`
	Status            string     `json:"status"`
	Currency          string     `json:"currency"`
	Total             Cents      `json:"total"`
	Items             []Item     `json:"items"`
	Payments          []Payment  `json:"payments,omitempty"`
	Trackings         []Tracking `json:"trackings,omitempty"`
	CreatedAt         Time       `json:"created_at,omitzero"`
	UpdatedAt         Time       `json:"updated_at,omitzero"`
}

// Item types of an order.
const (
	ItemProduct  = "product"
	ItemShipping = "shipping"
	ItemDiscount = "discount"
	ItemVoucher  = "voucher"
	ItemService  = "service"
)

// Item is one line of an order.
type Item struct {
	ID          ID     `json:"id"`
	Type        string `json:"type"`
	VariationID ID     `json:"variation_id,omitempty"`
	OfferID     ID     `json:"offer_id,omitempty"`
	VoucherID   ID     `json:"voucher_id,omitempty"`
	Quantity    int    `json:"quantity"`
	UnitPrice   Cents  `json:"unit_price"`
	Name        string `json:"name,omitempty"`
}

// Payment is one payment of an order.
type Payment struct {
	ID          ID     `json:"id"`
	Method      string `json:"method"`
	Amount      Cents  `json:"amount"`
	Status      string `json:"status"`
	Transaction string `json:"transaction,omitempty"`
}

// Tracking is a shipment's tracking number on an order.
type Tracking struct {
	Number  string `json:"number"`
	Carrier string `json:"carrier,omitempty"`
}

// TrackingItem says how many of an order item a shipment holds.
type TrackingItem struct {
	ItemID   ID  `json:"item_id"`
	Quantity int `json:"quantity"`
}
