"""The import pages: upload, mapping with the first rows, dry run, run (inline and in its thread), summary."""
import io
import time

import pytest
from office_helpers import csrf_token, desk
from sqlalchemy import func, select

from server.extensions import db
from server.models import AuditEntry, Contact, Customer, ImportJob
from server.office import import_jobs

pytestmark = pytest.mark.usefixtures("own_contexts")

# Line 1 the header, 2 a customer with a contact, 3 a bad segment, 4 already in the register
# (same name and city), 5 blank, 6 a new customer with a Business ID. Column 11 is not a field.
CSV = ("Asiakas;Y-tunnus;Katuosoite;Postinumero;Postitoimipaikka;Puhelin;Yhteyshenkilö;Titteli;Luokka;Myyjä;Vapaa sarake\r\n"
       "Kahvila Aalto Oy;;Hämeenkatu 1;33100;Tampere;03 123 456;Anna Aalto;Omistaja;B;rep@example.com;x\r\n"
       "Leipomo Kuu;;Kauppakatu 2;40100;Jyväskylä;;;;Z;;\r\n"
       "Salonki Sointu;;;;Oulu;;;;A;;\r\n"
       ";;;;;;;;;;\r\n"
       "Konepaja Oy;0737546-2;;;Turku;;;;C;;\r\n").encode()
BOUNDARY = "kentta-import-test"
GUESSED = {0: "customer.name", 1: "customer.business_id", 2: "customer.street", 3: "customer.postal_code",
           4: "customer.city", 5: "customer.phone", 6: "contact.name", 7: "contact.role", 8: "customer.segment",
           9: "customer.owner_email"}


def upload(client, data=CSV, filename="asiakkaat.csv", **extra):
    """POST the file as a browser does (encoded here: the test client spools a big body to an unclosed temp file)."""
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in extra.items()]
    parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode())
    return client.post("/office/imports", data=b"".join(parts), content_type=f"multipart/form-data; boundary={BOUNDARY}")


def mapping_form(mapping=GUESSED, duplicates="skip", width=11):
    return {**{f"col-{i}": mapping.get(i, "") for i in range(width)}, "duplicates": duplicates}


def names() -> list:
    db.session.expire_all()
    return sorted(db.session.scalars(select(Customer.name)))


@pytest.fixture
def office(app, users, create_record):
    create_record("customer", name="Salonki Sointu", city="Oulu")
    app.config["IMPORT_JOBS_INLINE"] = True
    return desk(app, users.manager)


def uploaded(office) -> str:
    response = upload(office)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


def test_upload_keeps_the_file_and_shows_the_guessed_mapping_over_the_first_rows(office):
    job_id = uploaded(office)
    job = db.session.get(ImportJob, job_id)
    assert job.data == CSV and job.status == "uploaded" and job.options["rows"] == 4
    page = office.get(f"/office/imports/{job_id}").get_data(as_text=True)
    assert '<select name="col-0"' in page and '<option value="customer.name" selected>Customer name' in page
    assert '<option value="contact.role" selected>' in page and '<option value="customer.owner_email" selected>' in page
    assert '<select name="col-10"' in page and page.count(" selected>") == len(GUESSED)  # the extra column: ignored
    assert "<td>Hämeenkatu 1</td>" in page and "<td>Konepaja Oy</td>" in page
    assert 'value="skip" checked' in page
    listing = office.get("/office/imports").get_data(as_text=True)
    assert "asiakkaat.csv" in listing and "Not run yet" in listing and "Manager" in listing


@pytest.mark.parametrize("filename, data, says", [
    ("kuva.pdf", b"%PDF-1.4", "not a .csv or .xlsx file"),
    ("asiakkaat.xlsx", b"PK\x03\x04 broken", "Not a readable Excel workbook"),
    ("tyhja.csv", b"Nimi;Kaupunki\r\n", "has column names but no rows"),
])
def test_an_unreadable_file_is_refused_with_a_reason_and_makes_no_job(office, filename, data, says):
    response = upload(office, data, filename)
    assert response.status_code == 422 and says in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 0


def test_no_file_chosen_is_named(office):
    response = office.post("/office/imports", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "File: choose a .csv or .xlsx file" in response.get_data(as_text=True)


def test_dry_run_saves_the_mapping_shows_invalid_rows_first_and_writes_nothing(office):
    job_id = uploaded(office)
    mapping = {**GUESSED, 9: ""}  # the owner's column ignored: "rep@example.com" would then not count
    response = office.post(f"/office/imports/{job_id}/preview", data=mapping_form(mapping))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<td class="num" data-count="created">2</td>' in page and '<td class="num" data-count="skipped">1</td>' in page
    assert '<td class="num" data-count="invalid">1</td>' in page and '<td class="num" data-count="updated">0</td>' in page
    rows = page[page.index('data-testid="preview-rows"'):]
    assert rows.index("Luokka (segment)") < rows.index("Kahvila Aalto Oy") < rows.index("Salonki Sointu")
    assert names() == ["Salonki Sointu"]
    assert db.session.get(ImportJob, job_id).options["mapping"] == {str(k): v for k, v in mapping.items() if v}
    again = office.get(f"/office/imports/{job_id}").get_data(as_text=True)
    assert '<option value="customer.owner_email" selected>' not in again and again.count(" selected>") == len(GUESSED) - 1


def test_a_mapping_without_a_name_or_with_a_field_twice_is_refused_and_kept(office):
    job_id = uploaded(office)
    response = office.post(f"/office/imports/{job_id}/preview", data=mapping_form({**GUESSED, 0: ""}, "update"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Choose the column that holds the customer&#39;s name" in page
    assert 'value="update" checked' in page and '<option value="customer.city" selected>' in page
    twice = office.post(f"/office/imports/{job_id}/preview", data=mapping_form({**GUESSED, 10: "customer.city"}))
    assert twice.status_code == 422
    assert "Column Vapaa sarake: City is already taken by column Postitoimipaikka." in twice.get_data(as_text=True)
    bad_mode = office.post(f"/office/imports/{job_id}/preview", data=mapping_form(GUESSED, "merge"))
    assert bad_mode.status_code == 422 and "Duplicates: choose skip, update or create." in bad_mode.get_data(as_text=True)
    assert db.session.get(ImportJob, job_id).options.get("previewed") is None


def test_run_imports_once_and_the_page_shows_the_summary(office, users):
    job_id = uploaded(office)
    assert "Make a dry run first" in office.post(f"/office/imports/{job_id}/run", follow_redirects=True).get_data(as_text=True)
    office.post(f"/office/imports/{job_id}/preview", data=mapping_form())
    assert office.post(f"/office/imports/{job_id}/run").status_code == 302
    assert names() == ["Kahvila Aalto Oy", "Konepaja Oy", "Salonki Sointu"]
    aalto = db.session.scalar(select(Customer).filter_by(name="Kahvila Aalto Oy"))
    assert aalto.owner_id == users.rep.id and aalto.segment == "B" and aalto.city == "Tampere"
    assert db.session.scalar(select(Contact.role).filter_by(customer_id=aalto.id, name="Anna Aalto")) == "Omistaja"
    job = db.session.get(ImportJob, job_id)
    assert job.status == "done" and (job.done, job.total) == (4, 4) and job.finished_at
    assert job.data == b"" and job.options["sample"] == []  # the people in the file are not kept
    assert job.result == {"counts": {"created": 2, "updated": 0, "skipped": 1, "invalid": 1},
                          "invalid": [{"line": 3, "reason": "Luokka (segment): Must be one of: A, B, C, D.",
                                       "problems": {"Luokka (segment)": "Must be one of: A, B, C, D."}}]}
    [entry] = db.session.scalars(select(AuditEntry).filter_by(action="import")).all()
    assert entry.actor_id == users.manager.id and entry.target_id == job_id
    page = office.get(f"/office/imports/{job_id}").get_data(as_text=True)
    assert 'data-testid="summary"' in page and '<td class="num">3</td><td>Luokka (segment)' in page
    assert 'href="/office/customers"' in page and "<select" not in page
    finnish = office.get(f"/office/imports/{job_id}", headers={"Accept-Language": "fi"}).get_data(as_text=True)
    assert "Luokka (segment): Pitää olla jokin näistä: A, B, C, D." in finnish  # the reason in the reader's words
    again = office.post(f"/office/imports/{job_id}/run", follow_redirects=True).get_data(as_text=True)
    assert "started already" in again and names() == ["Kahvila Aalto Oy", "Konepaja Oy", "Salonki Sointu"]
    assert office.get(f"/office/imports/{job_id}/status").json == {
        "status": "done", "done": 4, "total": 4, "result": job.result, "error": None}


def test_a_failing_import_is_marked_failed_and_imports_nothing(office, monkeypatch):
    def broken(job_id, done, total):
        if done:
            raise RuntimeError("disk full")
    monkeypatch.setattr(import_jobs, "_note", broken)
    job_id = uploaded(office)
    office.post(f"/office/imports/{job_id}/preview", data=mapping_form())
    office.post(f"/office/imports/{job_id}/run")
    assert names() == ["Salonki Sointu"]
    job = db.session.get(ImportJob, job_id)
    assert (job.status, job.error, job.result, job.data) == ("failed", "disk full", None, b"")
    page = office.get(f"/office/imports/{job_id}").get_data(as_text=True)
    assert "The import failed" in page and "disk full" in page and "Nothing was imported" in page
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_the_background_thread_runs_the_import_and_status_follows_it(app, office):
    app.config["IMPORT_JOBS_INLINE"] = False
    job_id = uploaded(office)
    office.post(f"/office/imports/{job_id}/preview", data=mapping_form())
    office.post(f"/office/imports/{job_id}/run")
    seen = []
    for _ in range(400):  # polls as office.js does; the bound only stops a hung test
        state = office.get(f"/office/imports/{job_id}/status").json
        seen.append(state["status"])
        if state["status"] != "running":
            break
        time.sleep(0.025)
    assert state["status"] == "done" and set(seen) <= {"running", "done"}
    assert (state["done"], state["total"]) == (4, 4) and state["result"]["counts"]["created"] == 2
    assert names() == ["Kahvila Aalto Oy", "Konepaja Oy", "Salonki Sointu"]


def test_status_of_a_running_job_reads_this_process_s_progress(office, users):
    job_id = uploaded(office)
    assert import_jobs.claim(job_id, users.manager.id) and not import_jobs.claim(job_id, users.manager.id)
    import_jobs._progress[job_id] = (500, 1200)
    try:
        state = office.get(f"/office/imports/{job_id}/status").json
        assert state == {"status": "running", "done": 500, "total": 1200, "result": None, "error": None}
        assert "<progress max=\"1200\" value=\"500\"" in office.get(f"/office/imports/{job_id}").get_data(as_text=True)
    finally:
        import_jobs._progress.pop(job_id)


@pytest.mark.parametrize("role", ["rep", "service"])
def test_only_managers_open_the_import_pages(app, users, role, office):
    job_id = uploaded(office)
    client = desk(app, getattr(users, role))
    for method, path in [("get", "/office/imports"), ("post", "/office/imports"), ("get", f"/office/imports/{job_id}"),
                         ("post", f"/office/imports/{job_id}/preview"), ("post", f"/office/imports/{job_id}/run"),
                         ("get", f"/office/imports/{job_id}/status")]:
        assert getattr(client, method)(path).status_code == 403, path
    assert db.session.get(ImportJob, job_id).status == "uploaded"


def test_every_post_needs_the_csrf_token(app, office, csrf_on):
    assert upload(office).status_code == 400
    token = csrf_token(office, "/office/imports")
    response = upload(office, csrf_token=token)
    assert response.status_code == 302
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    assert office.post(f"/office/imports/{job_id}/preview", data=mapping_form()).status_code == 400
    assert office.post(f"/office/imports/{job_id}/preview", data={**mapping_form(), "csrf_token": token}).status_code == 200
    assert office.post(f"/office/imports/{job_id}/run").status_code == 400
    assert db.session.get(ImportJob, job_id).status == "uploaded"


def test_the_body_cap_is_raised_on_the_upload_only(office, csrf_on):
    # With CSRF on, as in production: its check reads the form before any view hook could raise the cap.
    row = "Asiakas %06d;;Pitkäkatu 1;00100;Helsinki;;Yhteyshenkilö Pitkänimi;;B;;" + "x" * 60 + "\r\n"
    big = (CSV.decode().split("\r\n", 1)[0] + "\r\n" + "".join(row % i for i in range(25_000))).encode()
    assert 2 * 1024 * 1024 < len(big) < 20 * 1024 * 1024
    response = upload(office, big, "iso.csv", csrf_token=csrf_token(office, "/office/imports"))
    assert response.status_code == 302
    assert db.session.get(ImportJob, response.headers["Location"].rsplit("/", 1)[1]).options["rows"] == 25_000
    small = office.post("/office/settings", data={"x": "y" * (3 * 1024 * 1024)})
    assert small.status_code == 413 and "at most 2 MiB" in small.get_data(as_text=True)
    big = upload(office, b"x" * (21 * 1024 * 1024), "liian-iso.csv")
    assert big.status_code == 413 and "at most 20 MiB" in big.get_data(as_text=True)  # the route's own cap


def test_an_xlsx_upload_maps_its_first_sheet_and_the_list_runs_the_same_queries_for_1_or_5_jobs(office, count_queries):
    import openpyxl  # only here: it takes a moment to import

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Asiakkaat"
    sheet.append(["Company", "City", "Business ID"])
    sheet.append(["Konepaja Oy", "Turku", "0737546-2"])
    buffer = io.BytesIO()
    book.save(buffer)
    job_id = upload(office, buffer.getvalue(), "register.xlsx").headers["Location"].rsplit("/", 1)[1]
    page = office.get(f"/office/imports/{job_id}").get_data(as_text=True)
    assert "sheet Asiakkaat" in page and "<td>0737546-2</td>" in page
    assert '<option value="customer.business_id" selected>' in page
    with count_queries() as one:
        assert office.get("/office/imports").status_code == 200
    for _ in range(4):
        uploaded(office)
    with count_queries() as five:
        listing = office.get("/office/imports").get_data(as_text=True)
    assert listing.count("asiakkaat.csv") == 4 and five[0] == one[0]


def test_the_pages_render_in_finnish(app, users, office):
    job_id = uploaded(office)
    finnish = desk(app, users.manager, language="fi")
    assert finnish.get("/office/imports").status_code == 200
    assert finnish.get(f"/office/imports/{job_id}").status_code == 200
    assert finnish.post(f"/office/imports/{job_id}/preview", data=mapping_form()).status_code == 200
