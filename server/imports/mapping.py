"""Which column is which field: the importable fields and a guess from Finnish or English headers.

Headers are compared folded: case, accents, spaces and punctuation do not count ("Sähköposti",
"SAHKOPOSTI" and "sähkö-posti" are one). A contact's columns say so ("Yhteyshenkilön puhelin",
"Contact email"); a bare "Puhelin" is the customer's. Unknown columns are left out.
"""
import unicodedata

CUSTOMER = ("name", "business_id", "kind", "segment", "stage", "phone", "email", "website", "street",
            "postal_code", "city", "country", "preferred_contact", "notes", "do_not_contact",
            "marketing_ban", "owner_email", "latitude", "longitude")
CONTACT = ("name", "role", "phone", "email", "marketing_ban", "notes")

FIELDS = [f"customer.{name}" for name in CUSTOMER] + [f"contact.{name}" for name in CONTACT]
BOOLEAN_FIELDS = {"customer.do_not_contact", "customer.marketing_ban", "contact.marketing_ban"}

# English labels of the fields (the UI translates them; the CLI prints them as they are).
LABELS = {
    "customer.name": "Customer name", "customer.business_id": "Business ID (Y-tunnus)",
    "customer.kind": "Kind", "customer.segment": "Segment", "customer.stage": "Stage",
    "customer.phone": "Phone", "customer.email": "E-mail", "customer.website": "Website",
    "customer.street": "Street address", "customer.postal_code": "Postal code", "customer.city": "City",
    "customer.country": "Country", "customer.preferred_contact": "Preferred contact",
    "customer.notes": "Notes", "customer.do_not_contact": "Do not contact",
    "customer.marketing_ban": "Marketing ban", "customer.owner_email": "Owner (e-mail)",
    "customer.latitude": "Latitude", "customer.longitude": "Longitude",
    "contact.name": "Contact person", "contact.role": "Contact's role", "contact.phone": "Contact's phone",
    "contact.email": "Contact's e-mail", "contact.marketing_ban": "Contact's marketing ban",
    "contact.notes": "Contact's notes",
}

_SYNONYMS = {
    "customer.name": ["nimi", "asiakas", "asiakkaan nimi", "asiakasnimi", "yritys", "yrityksen nimi", "yritysnimi",
                      "toiminimi", "company", "company name", "customer", "customer name", "name", "organisation",
                      "organization", "account", "account name"],
    "customer.business_id": ["y-tunnus", "ytunnus", "y tunnus", "business id", "business identity code",
                             "vat id", "company id", "org nr", "registration number"],
    "customer.kind": ["tyyppi", "asiakastyyppi", "laji", "kind", "type", "customer type"],
    "customer.segment": ["luokka", "asiakasluokka", "segmentti", "abc", "abc-luokka", "segment", "class"],
    "customer.stage": ["vaihe", "tila", "elinkaari", "stage", "status", "lifecycle stage"],
    "customer.phone": ["puhelin", "puhelinnumero", "puh", "vaihde", "phone", "telephone", "tel", "phone number"],
    "customer.email": ["sahkoposti", "sposti", "email", "e-mail", "mail"],
    "customer.website": ["www", "kotisivu", "kotisivut", "verkkosivu", "verkkosivut", "website", "web", "url",
                         "homepage"],
    "customer.street": ["katuosoite", "osoite", "lahiosoite", "postiosoite", "street", "street address",
                        "address", "address line 1"],
    "customer.postal_code": ["postinumero", "postinro", "postinro.", "postal code", "postcode", "zip", "zip code"],
    "customer.city": ["postitoimipaikka", "kaupunki", "paikkakunta", "kunta", "toimipaikka", "city", "town",
                      "post town"],
    "customer.country": ["maa", "country", "country code"],
    "customer.preferred_contact": ["yhteydenottotapa", "toivottu yhteydenotto", "preferred contact",
                                   "preferred contact method"],
    "customer.notes": ["lisatiedot", "huomiot", "muistiinpanot", "kommentit", "notes", "comments", "remarks"],
    "customer.do_not_contact": ["ei yhteydenottoja", "ala ota yhteytta", "do not contact", "dnc"],
    "customer.marketing_ban": ["markkinointikielto", "suoramarkkinointikielto", "marketing ban", "no marketing",
                               "opt out"],
    "customer.owner_email": ["myyja", "myyjan sahkoposti", "vastuumyyja", "omistaja", "vastuuhenkilo",
                             "owner", "owner email", "account owner", "sales rep", "salesperson"],
    "customer.latitude": ["leveysaste", "lat", "latitude"],
    "customer.longitude": ["pituusaste", "lon", "lng", "longitude"],
    "contact.name": ["yhteyshenkilo", "yhteyshenkilon nimi", "kontakti", "contact", "contact person",
                     "contact name"],
    "contact.role": ["titteli", "rooli", "tehtava", "asema", "nimike", "role", "title", "job title", "position"],
    "contact.phone": ["yhteyshenkilon puhelin", "gsm", "matkapuhelin", "kannykka", "contact phone", "mobile",
                      "contact person phone"],
    "contact.email": ["yhteyshenkilon sahkoposti", "contact email", "contact e-mail", "contact person email"],
    "contact.marketing_ban": ["yhteyshenkilon markkinointikielto", "contact marketing ban"],
    "contact.notes": ["yhteyshenkilon lisatiedot", "contact notes"],
}


def fold(text: str) -> str:
    """A header as compared: no accents, case, spaces or punctuation ("Sähkö-posti" → "sahkoposti")."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.casefold() if ch.isalnum())


_BY_FOLDED = {fold(s): name for name, words in _SYNONYMS.items() for s in words}
_BY_FOLDED.update({fold(name): name for name in FIELDS})  # "customer.city" maps to itself


def guess_mapping(headers: list) -> dict:
    """{column index: field} for the headers we recognise; each field taken by its first column."""
    mapping, taken = {}, set()
    for index, header in enumerate(headers):
        field = _BY_FOLDED.get(fold(header))
        if field and field not in taken:
            mapping[index] = field
            taken.add(field)
    return mapping


def check_mapping(mapping: dict, width: int) -> str | None:
    """Why a mapping cannot be used (None: it can): an unknown field, a column out of range, a field twice, no name."""
    seen = set()
    for index, field in mapping.items():
        if field not in FIELDS:
            return f"Unknown field {field!r}."
        if not 0 <= int(index) < width:
            return f"Column {int(index) + 1} is not in the file."
        if field in seen:
            return f"Two columns are mapped to {field}."
        seen.add(field)
    if "customer.name" not in seen:
        return "No column is mapped to the customer's name (customer.name): every row needs one."
    return None
