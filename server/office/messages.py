"""Field error messages in the reader's language.

The schemas, the merge and the permission rule word their errors in English once, for every door
(the API answers integrations in English). A desk page shows the same messages to people, so
here each known message, or its pattern with the numbers and names taken out, is given a
catalogue entry; a message not listed stays as it came, rather than being lost.
"""
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

EXACT = {
    "Missing data for required field.": _l("Required."),
    "Field may not be null.": _l("Required."),
    "Unknown field.": _l("Unknown field."),
    "Not a valid string.": _l("Must be text."),
    "Not a valid integer.": _l("Must be a whole number."),
    "Not a valid number.": _l("Must be a number."),
    "Not a valid list.": _l("Must be a list."),
    "Not a valid id (UUID).": _l("Not a valid id."),
    "Not a valid email address.": _l("Not a valid e-mail address."),
    "Not a valid boolean.": _l("Must be yes or no."),
    "Not a valid mapping type.": _l("Not a valid value."),
    "Must not be empty.": _l("Must not be empty."),
    "Must be true or false.": _l("Must be yes or no."),
    "Must be one line, without line breaks, tabs or control characters.":
        _l("Must be one line, without line breaks, tabs or control characters."),
    "Must not contain control characters (line breaks and tabs are fine).":
        _l("Must not contain control characters (line breaks and tabs are fine)."),
    "Not a valid date and time; use ISO 8601, e.g. 2026-11-20T08:15:00Z.": _l("Not a valid date and time."),
    "Give the time zone, e.g. 2026-11-20T08:15:00Z.": _l("Not a valid date and time."),
    "Not a valid date; use ISO 8601, e.g. 2026-11-20.": _l("Not a valid date; use the form 20.11.2026."),
    "Give an amount in euros, e.g. 24.90 (at most two decimals).":
        _l("Give an amount in euros, e.g. 24.90 (at most two decimals)."),
    "Must be between 0 and 999999999999.99.": _l("Must be between 0 and 999999999999.99."),
    "Give a number, e.g. 2 or 1.5 (at most three decimals).": _l("Give a number, e.g. 2 or 1.5 (at most three decimals)."),
    "Must be more than 0 and at most 1000000000.": _l("Must be more than 0 and at most 1000000000."),
    "Must not be before starts_at.": _l("Must not be before the start."),
    "Use the form 1234567-8 (Y-tunnus).": _l("Use the form 1234567-8 (Y-tunnus)."),
    "The check digit of this Y-tunnus is wrong.": _l("The check digit of this Y-tunnus is wrong."),
    "Another customer already has this Y-tunnus.": _l("Another customer already has this Y-tunnus."),
    "A Finnish postal code is five digits, e.g. 00100.": _l("A Finnish postal code is five digits, e.g. 00100."),
    "Use the postal code as written in the address: letters, digits, spaces or hyphens, with a digit.":
        _l("Use the postal code as written in the address: letters, digits, spaces or hyphens, with a digit."),
    "Use an ISO 3166 alpha-2 code, e.g. FI.": _l("Use a two-letter country code, e.g. FI."),
    "Must be a web address, e.g. https://www.example.fi.": _l("Must be a web address, e.g. https://www.example.fi."),
    "A record cannot refer to itself.": _l("A record cannot refer to itself."),
    "This field is set by the server.": _l("This field is set by the server."),
    "Only customer service and managers can assign tasks to others.":
        _l("Only customer service and managers can assign tasks to others."),
    "Only customer service and managers can change or delete orders and deliveries.":
        _l("Only customer service and managers can change or delete orders and deliveries."),
    "Only managers can delete customers; archive it instead.": _l("Only managers can delete customers; archive it instead."),
    "You can only change your own activities.": _l("You can only change your own activities."),
    "You can only change your own tasks.": _l("You can only change your own tasks."),
    "You can only delete your own activities.": _l("You can only delete your own activities."),
    "You can only delete your own tasks.": _l("You can only delete your own tasks."),
    "You can only plan activities for yourself.": _l("You can only plan activities for yourself."),
    "You can only resolve your own conflicts.": _l("You can only resolve your own conflicts."),
}

# (pattern, the message in the catalogue's words, given the pattern's named groups)
PATTERNS = (
    (re.compile(r"Must be one of: (?P<choices>.*)\.$"), lambda g: _("Must be one of: %(choices)s.", **g)),
    (re.compile(r"Must be at most (?P<max>\d+) characters \(got (?P<got>\d+)\)\.$"),
     lambda g: _("Must be at most %(max)s characters (you gave %(got)s).", **g)),
    (re.compile(r"Must be at least (?P<min>\d+) characters\.$"),
     lambda g: _("Must be at least %(min)s characters.", **g)),
    (re.compile(r"Must be between the years (?P<low>\d+) and (?P<high>\d+)\.$"),
     lambda g: _("Must be between the years %(low)s and %(high)s.", **g)),
    (re.compile(r"No \w+ with this id exists\.$"), lambda g: _("The chosen record does not exist.")),
    (re.compile(r"This \w+ is already above the chosen one; the chain would go round in a loop\.$"),
     lambda g: _("The chosen record is already below this one; the chain would go round in a loop.")),
)


def translate(message: str) -> str:
    """One message in the current locale (unknown ones unchanged)."""
    if not isinstance(message, str):
        return message
    if message in EXACT:
        return str(EXACT[message])
    for pattern, words in PATTERNS:
        found = pattern.match(message)
        if found:
            return words(found.groupdict())
    return message


def translate_errors(errors):
    """A field error structure ({field: [messages]}, nested for lists) with every message translated."""
    if isinstance(errors, dict):
        return {key: translate_errors(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [translate_errors(item) for item in errors]
    return translate(errors)
