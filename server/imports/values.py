"""A cell's text as the wire value of its field: yes/no words, Y-tunnus forms, Finnish choice names.

Only what a spreadsheet writes differently from the API is translated here; the entity schemas
(server/schemas/entities.py) still validate every value, so there is one validator. Numbers reach
us only as text cells (a postal code Excel stored as a number lost its leading zeros, which are put
back for Finland; a Finnish sheet writes a coordinate with a decimal comma, 60,1699).
"""
import re

TRUE = {"kylla", "kyllä", "k", "x", "1", "yes", "y", "true", "tosi", "on", "✓"}
FALSE = {"ei", "e", "0", "no", "n", "false", "epätosi", "epatosi", "off", "-"}

KINDS = {"asiakas": "customer", "prospekti": "prospect", "mahdollinen asiakas": "prospect",
         "jälleenmyyjä": "reseller", "jalleenmyyja": "reseller", "ketju": "chain", "myymälä": "outlet",
         "myymala": "outlet", "toimipiste": "outlet"}
STAGES = {"liidi": "lead", "uusi": "new", "aktiivinen": "active", "satunnainen": "occasional",
          "passiivinen": "passive", "entinen": "former"}
COUNTRIES = {"suomi": "FI", "finland": "FI", "ruotsi": "SE", "sverige": "SE", "sweden": "SE", "norja": "NO",
             "norway": "NO", "norge": "NO", "tanska": "DK", "denmark": "DK", "viro": "EE", "eesti": "EE",
             "estonia": "EE", "saksa": "DE", "germany": "DE", "deutschland": "DE", "venäjä": "RU", "russia": "RU"}
_BID_DIGITS = re.compile(r"(?:FI)?([0-9]{7})-?([0-9])\Z", re.IGNORECASE)


class BadValue(ValueError):
    """A cell that cannot be this field's value; the message is for the user."""


def flag(text: str) -> bool:
    """kyllä/ei, x, 1/0, yes/no, true/false (any case) as a boolean."""
    word = text.strip().casefold()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise BadValue(f"{text!r} is not a yes/no value (use kyllä/ei, x, 1/0, yes/no or true/false).")


def business_id(text: str) -> str:
    """1234567-8 from the forms people write it in: with spaces, without the hyphen, as FI12345678."""
    compact = re.sub(r"\s+", "", text)
    match = _BID_DIGITS.match(compact)
    return f"{match.group(1)}-{match.group(2)}" if match else text.strip()


def choice(text: str, names: dict) -> str:
    """An English choice as is (lower case), or its Finnish name translated."""
    word = " ".join(text.split()).casefold()
    return names.get(word, word)


def country(text: str) -> str:
    word = text.strip()
    return COUNTRIES.get(word.casefold(), word.upper())


def postal_code(text: str, country_code: str | None) -> str:
    """Excel drops a Finnish code's leading zeros (00100 → 100): put them back."""
    code = text.strip()
    if code.isdigit() and len(code) < 5 and (country_code or "FI") == "FI":
        return code.zfill(5)
    return code


def coordinate(text: str):
    """A number of degrees, with a decimal point or a Finnish comma; other text as it is (the schema names it)."""
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return text


def convert(field: str, text: str, row: dict):
    """The wire value of one non-blank cell of `field` ("customer.city"); `row` has the row's other cells."""
    entity, name = field.split(".", 1)
    if name in ("do_not_contact", "marketing_ban"):
        return flag(text)
    if entity == "customer":
        if name == "business_id":
            return business_id(text)
        if name == "kind":
            return choice(text, KINDS)
        if name == "stage":
            return choice(text, STAGES)
        if name == "segment":
            return text.strip().upper()
        if name == "country":
            return country(text)
        if name in ("latitude", "longitude"):
            return coordinate(text)
        if name == "postal_code":
            given = row.get("customer.country")
            return postal_code(text, country(given) if given else None)
    if name == "email":
        return text.strip()
    return text
