"""Back-office test helpers: log a browser-like test client in, read the CSRF token of a page."""
import re

from conftest import PASSWORD


def csrf_token(client, path="/office/login") -> str:
    """The CSRF token a page's forms carry ("" when CSRF is off, as in TestConfig)."""
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    return found.group(1) if found else ""


def office_login(client, user, password=PASSWORD, **kw):
    return client.post("/office/login", data={"email": user.email, "password": password,
                                              "csrf_token": csrf_token(client)}, **kw)


def desk(app, user, language="en"):
    """A fresh test client logged in as `user`, asking for pages in `language`."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    response = office_login(client, user)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
