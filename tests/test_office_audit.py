"""Office audit log: who did what when, newest first, paged, filtered by action and person; managers only."""
import re
from datetime import datetime, timedelta

import pytest

from office_helpers import desk
from server.extensions import db
from server.models import AuditEntry

pytestmark = pytest.mark.usefixtures("own_contexts")
ROW = re.compile(r'<tr data-action="([^"]+)">\s*<td>[^<]*</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>')
T0 = datetime(2026, 12, 1, 8, 0)


def _entries(users, count=3):
    """`count` entries a minute apart: the manager's GDPR actions, an admin's role change, the command line's import."""
    kinds = [(users.manager, "gdpr.erase", "contact"), (users.admin, "user.role", "user"), (None, "import", None)]
    for n in range(count):
        actor, action, target = kinds[n % 3]
        db.session.add(AuditEntry(at=T0 + timedelta(minutes=n), actor_id=actor.id if actor else None,
                                  actor_label=actor.email if actor else "command line", action=action,
                                  target_type=target, target_id=users.rep.id if target == "user" else None,
                                  summary=f"Entry {n}"))
    db.session.commit()


def rows(page):
    return ROW.findall(page.get_data(as_text=True))


def test_only_managers_and_admins_read_the_log(app, users):
    for user in (users.rep, users.service):
        assert desk(app, user).get("/office/audit").status_code == 403
    for user in (users.manager, users.admin):
        assert desk(app, user).get("/office/audit").status_code == 200


def test_newest_first_with_actions_in_words(app, users):
    _entries(users)
    page = desk(app, users.manager).get("/office/audit")
    assert rows(page) == [("import", "Command line", "Import"), ("user.role", "admin@example.com", "Role changed"),
                          ("gdpr.erase", "manager@example.com", "Personal data erased")]
    assert "Entry 2" in page.get_data(as_text=True)


def test_filters_by_action_and_person(app, users):
    _entries(users, 6)
    office = desk(app, users.manager)
    assert [r[0] for r in rows(office.get("/office/audit?action=gdpr.erase"))] == ["gdpr.erase"] * 2
    assert [r[1] for r in rows(office.get(f"/office/audit?person={users.admin.id}"))] == ["admin@example.com"] * 2
    assert [r[0] for r in rows(office.get("/office/audit?person=cli"))] == ["import"] * 2
    assert rows(office.get(f"/office/audit?person={users.admin.id}&action=import")) == []


def test_pages_of_fifty(app, users, count_queries):
    _entries(users, 55)
    office = desk(app, users.manager)
    with count_queries() as queries:
        first = office.get("/office/audit")
    second = office.get("/office/audit?page=2")
    assert len(rows(first)) == 50 and "Entry 54" in first.get_data(as_text=True)
    assert len(rows(second)) == 5 and "Entry 4<" in second.get_data(as_text=True)
    assert "Page 2 of 2" in second.get_data(as_text=True)
    assert len(rows(office.get("/office/audit?page=9"))) == 5  # past the end: the last page
    with count_queries() as again:
        office.get("/office/audit?page=2")
    assert again[0] == queries[0]  # the same few queries for 50 rows as for 5: none per row


def test_bad_filters_are_named(app, users):
    office = desk(app, users.manager)
    for query, name in (("action=nonsense", "action"), ("person=nobody", "person"), ("page=x", "page"),
                        ("page=0", "page")):
        page = office.get(f"/office/audit?{query}")
        assert page.status_code == 400 and f"The parameter &#39;{name}&#39; is not valid" in page.get_data(as_text=True)
