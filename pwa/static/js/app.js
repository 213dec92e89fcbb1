// Entry point: load the language, open the local data, register the service worker, route.
import { boot } from "./router.js";

boot().catch((err) => {
  document.getElementById("view").textContent = `Kenttä could not start: ${err.message}`;
  console.error(err);
});
