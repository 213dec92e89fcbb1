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
