"""What the review page calls fields, record types and fixed choices, in the reader's language."""
from flask_babel import lazy_gettext as _l

LABELS = {
    "name": _l("Name"), "business_id": _l("Business ID"), "kind": _l("Kind"), "parent_id": _l("Chain"),
    "segment": _l("Segment"), "stage": _l("Stage"), "owner_id": _l("Owner"), "phone": _l("Phone"),
    "email": _l("E-mail"), "website": _l("Website"), "street": _l("Street address"),
    "postal_code": _l("Postal code"), "city": _l("City"), "country": _l("Country"),
    "do_not_contact": _l("Do not contact"), "marketing_ban": _l("No marketing"),
    "preferred_contact": _l("Preferred contact"), "notes": _l("Notes"), "archived": _l("Archived"),
    "customer_id": _l("Customer"), "role": _l("Role"), "contact_id": _l("Contact"), "type": _l("Type"),
    "status": _l("Status"), "title": _l("Title"), "starts_at": _l("Starts"), "ends_at": _l("Ends"),
    "location": _l("Location"), "outcome": _l("Outcome"), "next_step": _l("Next step"),
    "assignee_id": _l("Assignee"), "created_by": _l("Created by"), "due_on": _l("Due"),
    "remind_at": _l("Reminder"), "delivery_id": _l("Order"), "order_no": _l("Order number"),
    "ordered_on": _l("Ordered on"), "delivered_on": _l("Delivered on"), "deliver_on": _l("Delivery day"),
    "channel": _l("Channel"), "lines": _l("Order lines"), "total": _l("Total"),
    "product": _l("Product"), "quantity": _l("Quantity"), "unit_price": _l("Unit price"),
    "deleted": _l("Deleted or not"), "resolved": _l("Resolved"),
}
_KINDS = {"customer": _l("Customer"), "prospect": _l("Prospect"), "reseller": _l("Reseller"), "chain": _l("Chain"),
          "outlet": _l("Outlet"), "follow_up": _l("Follow-up"), "complaint": _l("Complaint"),
          "sample_order": _l("Sample order"), "spare_part": _l("Spare part"), "info": _l("Information"),
          "other": _l("Other")}
_TYPES = {"visit": _l("Visit"), "call": _l("Call"), "email": _l("E-mail"), "training": _l("Training"),
          "meeting": _l("Meeting"), "other": _l("Other")}
# The values of the fixed choices as people say them (the stored codes stay English).
CHOICES = {
    "kind": _KINDS, "type": _TYPES,
    "channel": {"phone": _l("Phone"), "email": _l("E-mail"), "visit": _l("Visit"), "web": _l("Web"), "other": _l("Other")},
    "status": {"planned": _l("Planned"), "done": _l("Done"), "cancelled": _l("Cancelled"), "open": _l("Open"),
               "ordered": _l("Ordered"), "delivered": _l("Delivered")},
    "stage": {"lead": _l("Lead"), "new": _l("New"), "active": _l("Active"), "occasional": _l("Occasional"),
              "passive": _l("Passive"), "former": _l("Former")},
}
ENTITY_LABELS = {"customer": _l("Customer"), "contact": _l("Contact"), "activity": _l("Activity"),
                 "task": _l("Task"), "delivery": _l("Order"), "conflict": _l("Conflict")}


def label(name: str) -> str:
    """A field's name as people say it (an unknown one as written, without underscores)."""
    return LABELS.get(name) or name.replace("_", " ")
