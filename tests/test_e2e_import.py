"""The import in Chromium at a desk (the CSP enforced): a manager uploads a CSV, keeps the guessed mapping,
makes a dry run, imports with the progress bar, reads the summary; a rep's phone then finds the customer."""
import threading

import pytest
from e2e_support import login

from server.office import import_jobs

pytestmark = pytest.mark.e2e

# Line 3 has a segment that does not exist: the dry run and the summary name it.
CSV = ("Asiakas;Postitoimipaikka;Yhteyshenkilö;Puhelin;Luokka;Myyjä;Vapaa sarake\r\n"
       "Kahvila Karpalo Oy;Lahti;Kaisa Karpalo;03 555 0101;B;rep1@example.com;asiakas vuodesta 2019\r\n"
       "Leipomo Lumme;Kuopio;;;Z;;\r\n"
       "Konditoria Kaneli;Porvoo;;;A;;\r\n").encode()


@pytest.fixture
def held_at_the_end(monkeypatch):
    """Hold the import's thread after its last batch (before the commit), so the page shows the full bar."""
    gate, real = threading.Event(), import_jobs._note

    def note(job_id, done, total):
        real(job_id, done, total)
        if done and done == total:
            gate.wait(15)
    monkeypatch.setattr(import_jobs, "_note", note)
    yield gate
    gate.set()


def test_a_manager_imports_a_csv_and_a_rep_finds_the_customer(live, desk, phone, held_at_the_end):
    manager = desk("manager")
    manager.click("nav >> text=Import")
    manager.set_input_files("input[name=file]", files=[{"name": "asiakkaat.csv", "mimeType": "text/csv", "buffer": CSV}])
    manager.click("[data-testid=upload-form] button[type=submit]")
    manager.wait_for_selector("[data-testid=mapping]")
    guessed = [manager.input_value(f"select[name=col-{i}]") for i in range(7)]
    assert guessed == ["customer.name", "customer.city", "contact.name", "customer.phone", "customer.segment",
                       "customer.owner_email", ""]
    assert "Kaisa Karpalo" in manager.inner_text("[data-testid=mapping] tbody")

    manager.click("[data-testid=dry-run]")
    manager.wait_for_selector("[data-testid=preview]")
    counts = {key: manager.inner_text(f"[data-testid=preview-counts] [data-count={key}]")
              for key in ("created", "updated", "skipped", "invalid")}
    assert counts == {"created": "2", "updated": "0", "skipped": "0", "invalid": "1"}
    assert "Luokka (segment)" in manager.inner_text("[data-testid=preview-rows] tbody tr:first-child")

    manager.click("[data-testid=run-import]")
    manager.wait_for_selector("progress[data-import-status][max='3'][value='3']")  # 100 %, not yet committed
    assert manager.inner_text("[data-testid=job-status]") == "Running"
    held_at_the_end.set()
    manager.wait_for_selector("[data-testid=summary]")  # office.js saw "done" and reloaded the page
    assert manager.inner_text("[data-testid=summary-counts] [data-count=created]") == "2"
    assert "Luokka (segment)" in manager.inner_text("[data-testid=invalid-rows]")
    manager.click("text=Open the customer register")
    manager.wait_for_selector("[data-testid=customers] >> text=Kahvila Karpalo Oy")

    _, rep = phone()
    login(rep, live, "rep1")
    rep.goto(live.url + "/#/customers")
    rep.fill("[data-testid=customer-search]", "Karpalo")
    row = rep.locator("[data-testid=customer-results] [data-testid=customer-row]", has_text="Kahvila Karpalo Oy")
    row.wait_for()
    assert "Lahti" in row.inner_text()
    assert rep.locator("[data-testid=customer-results] [data-testid=customer-row]", has_text="Leipomo Lumme").count() == 0
