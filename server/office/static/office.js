// Back-office behaviour, kept out of the pages: the CSP allows no inline event handlers.
for (const input of document.querySelectorAll("input[data-select-on-focus]")) {
  input.addEventListener("focus", () => input.select()); // one tap selects the whole link to copy
}

// Orders and production (h4-orders): a Print button, and "Add line" on an order form, which copies
// the last line row empty with the next number (without script the form's five empty rows still work).
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
for (const button of document.querySelectorAll("[data-add-line]")) {
  button.addEventListener("click", () => {
    const body = button.closest("form").querySelector("[data-lines]");
    const last = body.querySelector("tr[data-line]:last-of-type");
    const index = body.querySelectorAll("tr[data-line]").length;
    const row = last.cloneNode(true);
    for (const input of row.querySelectorAll("input")) {
      input.name = input.name.replace(/^line-\d+-/, `line-${index}-`);
      input.value = "";
      input.removeAttribute("aria-invalid");
      const label = input.getAttribute("aria-label");
      if (label) input.setAttribute("aria-label", label.replace(/\d+$/, String(index + 1)));
    }
    for (const error of row.querySelectorAll(".error")) error.remove();
    row.querySelector("[data-line-number]").textContent = String(index + 1);
    body.append(row);
    row.querySelector("input").focus();
  });
}

// ---- Customers (issue 14 item 3): a search-as-you-type customer picker, for any form. ----
// Markup (no script of your own needed):
//   <input type="search" data-customer-lookup="customer_id" value="{{ shown name }}" autocomplete="off">
//   <input type="hidden" name="customer_id" value="{{ id or '' }}">
// The attribute's value names the hidden input in the same form ("customer_id" when empty). Typing
// asks GET /office/customers/lookup?q= (service and up; JSON [{id, name, city}], at most 20) and
// offers the answers in a <datalist>; picking one fills the hidden id. Text that matches no answer
// clears the id and marks the input invalid, so the form cannot be sent with a stale id.
for (const [n, input] of [...document.querySelectorAll("input[data-customer-lookup]")].entries()) {
  const form = input.form;
  const hidden = form && form.querySelector(`input[type=hidden][name="${input.dataset.customerLookup || "customer_id"}"]`);
  if (!hidden) continue;
  const list = document.createElement("datalist");
  list.id = `customer-lookup-${n}`;
  input.after(list);
  input.setAttribute("list", list.id);
  const known = new Map(); // shown label -> id
  if (input.value && hidden.value) known.set(input.value, hidden.value);
  const message = input.dataset.lookupMessage || "Choose a customer from the list.";
  let timer = null;
  let asked = "";
  const settle = () => {
    const id = known.get(input.value);
    hidden.value = id || "";
    input.setCustomValidity(input.value.trim() && !id ? message : "");
  };
  const ask = async () => {
    const q = input.value.trim();
    if (q.length < 2 || q === asked) return;
    asked = q;
    const response = await fetch(`/office/customers/lookup?q=${encodeURIComponent(q)}`, {credentials: "same-origin"});
    if (!response.ok || asked !== q) return;
    list.replaceChildren();
    for (const c of await response.json()) {
      const label = c.city ? `${c.name} – ${c.city}` : c.name;
      known.set(label, c.id);
      list.append(new Option(label, label));
    }
    settle();
  };
  input.addEventListener("input", () => {
    settle();
    clearTimeout(timer);
    timer = setTimeout(ask, 200);
  });
  input.addEventListener("change", settle);
}

// ---- Import (issue 15 item 2): the upload's size check and a running import's progress bar. ----
// <input type=file data-max-bytes data-too-large>: a file over the cap is refused before it is sent.
for (const input of document.querySelectorAll("input[type=file][data-max-bytes]")) {
  input.addEventListener("change", () => {
    const file = input.files[0];
    input.setCustomValidity(file && file.size > Number(input.dataset.maxBytes) ? input.dataset.tooLarge : "");
    input.reportValidity();
  });
}
// <progress data-import-status="/office/imports/<id>/status">: asks every 500 ms for {status, done,
// total}; when the job is no longer running the page reloads and the server shows the summary.
for (const bar of document.querySelectorAll("progress[data-import-status]")) {
  const done = document.querySelector("[data-import-done]");
  const total = document.querySelector("[data-import-total]");
  const digits = new Intl.NumberFormat(document.documentElement.lang || undefined);
  const poll = async () => {
    let state = null;
    try {
      const response = await fetch(bar.dataset.importStatus, {credentials: "same-origin", headers: {Accept: "application/json"}});
      if (response.ok) state = await response.json();
    } catch (_err) { /* a dropped request: ask again */ }
    if (state && state.status !== "running") {
      bar.max = Math.max(state.total, 1);
      bar.value = state.status === "done" ? bar.max : state.done;
      window.location.reload();
      return;
    }
    if (state) {
      bar.max = Math.max(state.total, 1);
      bar.value = state.done;
      if (done) done.textContent = digits.format(state.done);
      if (total) total.textContent = digits.format(state.total);
    }
    setTimeout(poll, 500);
  };
  setTimeout(poll, 500);
}
