"""marshmallow schemas for the synced entities, shared by REST, sync and import.

They validate input only: output goes through the entity codecs (`server.sync.codec`), much faster for pulls.
"""
import uuid

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from .fields import (BusinessId, Day, Flag, Money, Quantity, Text, UtcInstant, WebAddress, Whole, one_of,
                     postal_code_problem)

UUID_MSG = "Not a valid id (UUID)."


def Ref(**kw):
    """A reference by id; a required one may not be null (the column is NOT NULL)."""
    kw.setdefault("allow_none", not kw.get("required", False))
    return fields.UUID(error_messages={"invalid_uuid": UUID_MSG}, **kw)


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE

    # UUIDs travel as strings everywhere, so turn them back after validation (only UUIDs: a float
    # has .hex too, and came out as "2.0").
    def _uuids_to_str(self, data):
        return {k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in data.items()}

    def load(self, data, *args, **kwargs):
        loaded = super().load(data, *args, **kwargs)
        return self._uuids_to_str(loaded)


class CustomerSchema(StrictSchema):
    name = Text(200, min_length=1, required=True, allow_none=False)
    business_id = BusinessId(allow_none=True)
    kind = fields.String(validate=one_of("customer", "prospect", "reseller", "chain", "outlet"))
    parent_id = Ref()
    segment = fields.String(allow_none=True, validate=one_of("A", "B", "C", "D"))
    stage = fields.String(validate=one_of("lead", "new", "active", "occasional", "passive", "former"))
    owner_id = Ref()
    phone = Text(40)
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    website = WebAddress(300)
    street = Text(200)
    postal_code = Text(10)
    city = Text(100)
    country = fields.String(validate=validate.Regexp(r"[A-Z]{2}\Z", error="Use an ISO 3166 alpha-2 code, e.g. FI."))
    do_not_contact = Flag()
    marketing_ban = Flag()
    preferred_contact = Text(200)
    notes = Text(5000, multiline=True)
    archived = Flag()
    # Decimal degrees (WGS 84), as a phone's geolocation gives them; NaN and infinities are refused.
    latitude = fields.Float(allow_none=True, validate=validate.Range(
        -90, 90, error="Must be a latitude between -90 and 90 degrees."))
    longitude = fields.Float(allow_none=True, validate=validate.Range(
        -180, 180, error="Must be a longitude between -180 and 180 degrees."))

    @validates_schema(skip_on_field_errors=False)  # named with the other bad fields, not after them
    def _postal_code_fits_country(self, data, partial=False, **_):
        """A new record is in Finland unless it says otherwise; an edit of the code alone gets the
        general rule (the stored country is not in the op)."""
        code = data.get("postal_code")
        if code is not None:
            country = data["country"] if "country" in data else (None if partial else "FI")
            problem = postal_code_problem(code, country)
            if problem:
                raise ValidationError(problem, "postal_code")


class ContactSchema(StrictSchema):
    customer_id = Ref(required=True)
    name = Text(200, min_length=1, required=True, allow_none=False)
    role = Text(100)
    phone = Text(40)
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    marketing_ban = Flag()
    notes = Text(5000, multiline=True)


class ActivitySchema(StrictSchema):
    customer_id = Ref(required=True)
    contact_id = Ref()
    owner_id = Ref()
    type = fields.String(required=True, validate=one_of("visit", "call", "email", "training", "meeting", "other"))
    status = fields.String(validate=one_of("planned", "done", "cancelled"))
    title = Text(200, min_length=1, required=True, allow_none=False)
    starts_at = UtcInstant(allow_none=True)
    ends_at = UtcInstant(allow_none=True)
    location = Text(300)
    notes = Text(5000, multiline=True)
    outcome = Text(2000, multiline=True)
    next_step = Text(2000, multiline=True)

    @validates_schema
    def _ends_after_start(self, data, **_):
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end < start:
            raise ValidationError("Must not be before starts_at.", "ends_at")


class TaskSchema(StrictSchema):
    customer_id = Ref(required=True)
    assignee_id = Ref()
    created_by = Ref()
    kind = fields.String(validate=one_of("follow_up", "complaint", "sample_order", "spare_part", "info", "other"))
    title = Text(200, min_length=1, required=True, allow_none=False)
    due_on = Day(allow_none=True)
    remind_at = UtcInstant(allow_none=True)
    status = fields.String(validate=one_of("open", "done"))
    delivery_id = Ref()
    notes = Text(5000, multiline=True)


class LineSchema(StrictSchema):
    product = Text(200, min_length=1, required=True, allow_none=False)
    quantity = Quantity(required=True)
    unit_price = Money()

    @post_load
    def _price_as_text(self, line, **_):
        """Lines are stored as JSON: keep the price as its exact decimal string."""
        if "unit_price" in line:
            line["unit_price"] = str(line["unit_price"])
        return line


class DeliverySchema(StrictSchema):
    customer_id = Ref(required=True)
    order_no = Text(40)
    ordered_on = Day(allow_none=True)
    delivered_on = Day(allow_none=True)
    status = fields.String(validate=one_of("ordered", "delivered", "cancelled"))
    channel = fields.String(allow_none=True, validate=one_of("phone", "email", "visit", "web", "other"))
    lines = fields.List(Whole(LineSchema), validate=validate.Length(max=500))
    total = Money(allow_none=True)
    deliver_on = Day(allow_none=True)


class ConflictSchema(StrictSchema):
    """Clients may only mark a conflict resolved; everything else is server-made."""
    resolved = Flag(required=True)


SCHEMAS = {
    "customer": CustomerSchema,
    "contact": ContactSchema,
    "activity": ActivitySchema,
    "task": TaskSchema,
    "delivery": DeliverySchema,
    "conflict": ConflictSchema,
}
