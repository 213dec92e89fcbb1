"""What a reminder says: payload JSON, Topic, Urgency and TTL, in the user's language (pure)."""
import base64
import json
import uuid
from datetime import date

MAX_PAYLOAD_BYTES = 3 * 1024  # well under the 4 KiB push services accept after encryption
TASK_TTL = 24 * 3600          # a phone offline for a day still gets the reminder
MIN_TTL = 3600

TEXTS = {
    "fi": {
        "task_title": "Muistutus: {title}",
        "task_body": "{customer} – eräpäivä {due}",
        "task_body_nodue": "{customer}",
        "nudge_title": "Sulje viime viikon käynnit",
        "nudge_body": "{count} mennyttä käyntiä on yhä suunniteltuna. Merkitse ne tehdyiksi tai perutuiksi "
                      "puoleenpäivään mennessä.",
        "nudge_body_one": "1 mennyt käynti on yhä suunniteltuna. Merkitse se tehdyksi tai perutuksi "
                          "puoleenpäivään mennessä.",
    },
    "en": {
        "task_title": "Reminder: {title}",
        "task_body": "{customer} – due {due}",
        "task_body_nodue": "{customer}",
        "nudge_title": "Close last week's visits",
        "nudge_body": "{count} past visits are still planned. Mark them done or cancelled by noon.",
        "nudge_body_one": "1 past visit is still planned. Mark it done or cancelled by noon.",
    },
}


def language(locale) -> str:
    """The user's language among those we have texts for; Finnish by default."""
    lang = (locale or "fi").split("-")[0].split("_")[0].lower()
    return lang if lang in TEXTS else "fi"


def _day(d: date, lang: str) -> str:
    return f"{d.day}.{d.month}.{d.year}" if lang == "fi" else d.isoformat()


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def task_topic(task_id: str) -> str:
    """A Topic per task (<= 32 url-safe chars): a newer reminder of it replaces an undelivered one."""
    return base64.urlsafe_b64encode(uuid.UUID(task_id).bytes).rstrip(b"=").decode()


def task_message(task: dict, customer_name: str | None, locale) -> dict:
    """{payload, topic, urgency, ttl} for a task's reminder; `task` has id, title, due_on, customer_id."""
    lang = language(locale)
    t = TEXTS[lang]
    customer = customer_name or ""
    due = task.get("due_on")
    body = t["task_body"].format(customer=customer, due=_day(due, lang)) if due else \
        t["task_body_nodue"].format(customer=customer)
    payload = {"title": _clip(t["task_title"].format(title=task["title"]), 120), "body": _clip(body, 300),
               "url": f"/#/customers/{task['customer_id']}", "task_id": task["id"], "lang": lang,
               "customer_id": task["customer_id"], "kind": "task"}
    return {"payload": fit(payload), "topic": task_topic(task["id"]), "urgency": "high", "ttl": TASK_TTL}


def nudge_message(count: int, week: str, locale, ttl: int) -> dict:
    """{payload, topic, urgency, ttl} for the Monday nudge about `count` past planned visits."""
    lang = language(locale)
    t = TEXTS[lang]
    body = t["nudge_body_one"] if count == 1 else t["nudge_body"].format(count=count)
    payload = {"title": t["nudge_title"], "body": body, "url": "/#/today", "task_id": None, "lang": lang,
               "kind": "nudge", "count": count}
    return {"payload": fit(payload), "topic": f"nudge-{week}", "urgency": "normal", "ttl": max(MIN_TTL, ttl)}


def encode(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def fit(payload: dict) -> dict:
    """Shorten the body until the encoded JSON is under MAX_PAYLOAD_BYTES."""
    while len(encode(payload)) >= MAX_PAYLOAD_BYTES and len(payload["body"]) > 1:
        payload = {**payload, "body": _clip(payload["body"], len(payload["body"]) // 2)}
    return payload
