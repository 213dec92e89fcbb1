// Every authorised request goes through here: the bearer token read from the store, one rule for
// a refused token and one error type. A 401 on any request (a sync, the profile, push
// subscriptions) tells the app once, through onUnauthorized, so the login screen is asked for in
// one place and the outbox is kept; the caller still gets the error to stop what it was doing.
// fetch is injected, so the node tests and the service worker use the same code.

/** Why a request failed: "offline" (no answer), "auth" (no or refused token) or "error" (any other).
 *
 * `message` is the server's (English, for integrations) or the browser's; `code` is the §4 error's
 * code. The screens word it for the rep with i18n.js errorText(err): by code, then by message.
 */
export class ApiError extends Error {
  constructor(kind, message, { status = null, retryAfterMs = null, code = null } = {}) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
    this.code = code;
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
      const { message, code } = await errorOf(res, "Please log in again");
      const refused = new ApiError("auth", message, { status: 401, code: code || "unauthorized" });
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
    const { message, code } = await errorOf(res, `HTTP ${res.status}`);
    throw new ApiError("error", message, { status: res.status, code, retryAfterMs: seconds > 0 ? seconds * 1000 : null });
  }
  try {
    return await res.json();
  } catch {
    // e.g. a captive portal's HTML page answering in the server's place
    throw new ApiError("error", "The server's answer was not JSON", { status: res.status });
  }
}

/** The message and code of the §4 error shape; `fallback` and no code when the body is not that. */
async function errorOf(res, fallback) {
  try {
    const body = await res.json();
    return { message: (body && body.error && body.error.message) || fallback, code: body?.error?.code || null };
  } catch {
    return { message: fallback, code: null };
  }
}

/** The message of the §4 error shape, or `fallback` when the body is not that. */
export async function errorMessage(res, fallback) {
  return (await errorOf(res, fallback)).message;
}
