/* The dashboard's operations panel refreshes itself: every 10 s it reads /v1/stats/operations
   (the figures /metrics serves) and updates the numbers in place. Uses api() from app.js. */
"use strict";

(function () {
  const panel = document.querySelector("[data-testid=operations]");
  if (!panel) return;
  const PERIOD_MS = 10000;

  const fmt = (value, digits = 0) =>
    Number(value).toLocaleString("vi-VN", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  const set = (name, text) => {
    const el = panel.querySelector(`[data-op="${name}"]`);
    if (el) el.textContent = text;
  };
  const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

  function show(ops) {
    const at = new Date(ops.at);
    set("at", "cập nhật " + at.toLocaleTimeString("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit", second: "2-digit" }) + " " + viDate(ops.at));
    set("queue_depth", ops.queue_depth >= 0 ? fmt(ops.queue_depth) : "không kết nối");
    set("pages_per_minute", fmt(ops.pages_per_minute, 2));
    set("latency", ops.latency_p50_seconds === null ? "—" : `${fmt(ops.latency_p50_seconds, 1)} s / ${fmt(ops.latency_p95_seconds, 1)} s`);
    set("review_backlog", fmt(ops.review_backlog));
    set("review_age", ops.review_oldest_age_seconds === null ? "không có" : `cũ nhất ${fmt(ops.review_oldest_age_seconds / 3600, 1)} giờ`);
    set("workers", `${ops.workers_healthy}/${ops.workers.length}`);
    set("workers_detail", ops.workers.map((w) => `${w.name}: ${w.state}`).join(", "));
    const failures = Object.entries(ops.failed_by_error_code);
    set("failed_total", fmt(failures.reduce((sum, [, n]) => sum + n, 0)));
    const body = panel.querySelector('[data-op="failures"]');
    if (body) {
      body.innerHTML = failures.length
        ? failures.map(([code, n]) => `<tr><td><code>${escape(code)}</code></td><td>${escape(errorText(code))}</td><td class="num">${fmt(n)}</td></tr>`).join("")
        : '<tr><td colspan="3" class="empty">Không có tài liệu lỗi.</td></tr>';
    }
    panel.dataset.refreshed = String(Number(panel.dataset.refreshed || 0) + 1);
  }

  async function refresh() {
    try {
      show(await api("/v1/stats/operations"));
    } catch (err) {
      toast(err.message, "error");
    }
  }

  setInterval(refresh, PERIOD_MS);
  refresh();
})();
