// Every authorised request goes through here: the bearer token read from the store, one rule for
// a refused token and one error type. A 401 on any request (a sync, the profile, push
// subscriptions) tells the app once, through onUnauthorized, so the login screen is asked for in
// one place and the outbox is kept; the caller still gets the error to stop what it was doing.
// fetch is injected, so the node tests and the service worker use the same code.

/** Why a request failed: "offline" (no answer), "auth" (no or refused token) or "error" (any other). */
export class ApiError extends Error {
  constructor(kind, message, { status = null, retryAfterMs = null } = {}) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Make the app's request functions over `fetch`, with the token from `token()` (async). */
export function createApi({ fetch, token, baseUrl = "", onUnauthorized = () => {} }) {
  /** Send one request; resolve with the Response, or reject with an ApiError (offline or auth).
   *
   * `auth: false` sends no token and leaves a 401 to the caller (the login form's wrong password).
   * `bearer` sends that token instead of the stored one (logging out while the store is cleared).
   * `quiet: true` does not report a 401 (logging out with a token the server already dropped).
   */
  async function request(method, path, { body, auth = true, bearer: given, quiet = false } = {}) {
    const headers = {};
    if (auth) {
      const bearer = given || await token();
      if (!bearer) throw new ApiError("auth", "Not logged in");
      headers.Authorization = `Bearer ${bearer}`;
    }
    const init = { method, headers };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(baseUrl + path, init);
    } catch (err) {
      throw new ApiError("offline", (err && err.message) || "Network error");
    }
    if (auth && res.status === 401) {
      const refused = new ApiError("auth", await errorMessage(res, "Please log in again"), { status: 401 });
      if (!quiet) onUnauthorized(refused);
      throw refused;
    }
    return res;
  }

  /** Send one request and resolve with its JSON body; any answer but 2xx JSON is an ApiError. */
  async function json(method, path, options) {
    return readJson(await request(method, path, options));
  }

  return { request, json };
}

/** The JSON body of a 2xx answer; otherwise an ApiError("error") with the server's message. */
export async function readJson(res) {
  if (!res.ok) {
    const seconds = Number(res.headers && res.headers.get && res.headers.get("Retry-After"));
    throw new ApiError("error", await errorMessage(res, `HTTP ${res.status}`),
      { status: res.status, retryAfterMs: seconds > 0 ? seconds * 1000 : null });
  }
  try {
    return await res.json();
  } catch {
    // e.g. a captive portal's HTML page answering in the server's place
    throw new ApiError("error", "The server's answer was not JSON", { status: res.status });
  }
}

/** The message of the §4 error shape, or `fallback` when the body is not that. */
export async function errorMessage(res, fallback) {
  try {
    const body = await res.json();
    return (body && body.error && body.error.message) || fallback;
  } catch {
    return fallback;
  }
}
