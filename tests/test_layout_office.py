"""The back office's templates and static files live beside its code; the PWA's cache holds none of them."""
import re
from pathlib import Path

from conftest import PASSWORD
from server.pwa import shell

ROOT = Path(__file__).resolve().parent.parent


def test_the_office_pages_load_their_own_css_and_script(client, users):
    page = client.get("/office/login").get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="(/office/static/[^"]+)"', page)
    assert sorted(assets) == ["/office/static/office.css", "/office/static/office.js"]
    for url, kind in zip(sorted(assets), ("text/css", "text/javascript")):
        with client.get(url) as response:
            assert response.status_code == 200 and response.mimetype == kind
            assert response.data == (ROOT / "server" / "office" / "static" / url.rsplit("/", 1)[1]).read_bytes()


def test_the_office_templates_are_found_in_server_office(client, users):
    assert not (ROOT / "pwa" / "templates" / "office").exists() and not (ROOT / "pwa" / "static" / "office").exists()
    client.post("/office/login", data={"email": users.service.email, "password": PASSWORD})
    page = client.get("/office/reminders", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "/office/static/office.css" in page and "Reminders" in page


def test_the_pwa_precaches_its_shell_and_nothing_of_the_office(app, client):
    _version, urls = shell()  # what /sw.js is given to precache
    assert "/static/js/app.js" in urls and "/static/css/app.css" in urls
    assert [url for url in urls if "office" in url] == []
    for url in urls:
        with client.get(url) as response:
            assert response.status_code == 200, url
