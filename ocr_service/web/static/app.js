/* Shared helpers for the staff pages: JSON API calls with the session cookie, Vietnamese error
   text for the service's error codes, toasts, forms that submit once. No build step, no CDN. */
"use strict";

const ERROR_TEXT_VI = JSON.parse(document.getElementById("error-text-vi")?.textContent || "{}");

function errorText(code) {
  return ERROR_TEXT_VI[code] || ERROR_TEXT_VI["_default"] || "Đã có lỗi xảy ra.";
}

class ApiError extends Error {
  constructor(status, code, message, details = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;  // [{target, problem}] for errors that name what is wrong (invalid_correction)
  }
}

/** Call the JSON API. Resolves with the parsed body; rejects with ApiError (Vietnamese message). */
async function api(path, { method = "GET", body, headers = {} } = {}) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json", ...headers } };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, "network", errorText("network"));
  }
  if (response.status === 401) {
    window.location.assign("/login?reason=expired&next=" + encodeURIComponent(location.pathname + location.search));
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const code = data && data.error ? data.error.code : "http_" + response.status;
    throw new ApiError(response.status, code, errorText(code), data && data.error ? data.error.details || null : null);
  }
  return data;
}

function toast(message, kind = "info") {
  const el = document.getElementById("toast");
  if (!el) return;
  el.textContent = message;
  el.className = "toast " + kind;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 5000);
}

/** dd/mm/yyyy from an ISO date or timestamp, in Vietnam time. */
function viDate(iso) {
  if (!iso) return "";
  const d = iso.length === 10 ? new Date(iso + "T00:00:00+07:00") : new Date(iso);
  return d.toLocaleDateString("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric" });
}

// A form marked data-once submits once: a double click does not send it twice.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-once")) return;
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
  form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; b.setAttribute("aria-busy", "true"); });
});
