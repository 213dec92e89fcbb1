// Back-office behaviour, kept out of the pages: the CSP allows no inline event handlers.
for (const input of document.querySelectorAll("input[data-select-on-focus]")) {
  input.addEventListener("focus", () => input.select()); // one tap selects the whole link to copy
}
