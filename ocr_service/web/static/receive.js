/* Tiếp nhận hồ sơ: create the dossier, upload scans (progress per file), follow their processing.

   Nothing is lost on a double click or a refresh:
   - the dossier code is chosen here once and kept in sessionStorage, so creating twice finds the
     dossier already made instead of a second one;
   - each file gets an Idempotency-Key, kept in sessionStorage by (name, size, date, role): a retry,
     or the same file chosen again after a refresh, replays the first upload instead of a second;
   - the files on the server are listed from the dossier itself, so a refresh shows them all. */
"use strict";

(() => {
  const RULES = JSON.parse(document.getElementById("id-rules").textContent);
  const STATUS_TEXT = JSON.parse(document.getElementById("status-text").textContent);
  const ROLE_TEXT = { component: "Thành phần hồ sơ", result: "Kết quả giải quyết" };
  const STORE = { dossier: "receive.dossier", newCode: "receive.newCode", keys: "receive.keys", pending: "receive.pending" };
  const POLL_MS = 1500;

  const $ = (id) => document.getElementById(id);
  const form = $("dossier-form"), procedure = $("procedure"), applicant = $("applicant-id"), unit = $("unit");
  const createButton = $("create-dossier"), dossierError = $("dossier-error");
  const fileInput = $("file-input"), dropzone = $("dropzone"), tbody = document.querySelector("#files tbody");
  const uploadButton = $("upload-all"), connection = $("connection");

  const load = (key, fallback) => { try { return JSON.parse(sessionStorage.getItem(key)) ?? fallback; } catch { return fallback; } };
  const save = (key, value) => sessionStorage.setItem(key, JSON.stringify(value));

  let dossier = load(STORE.dossier, null);
  let rows = [];            // files chosen here: {fp, file, name, size, role, state, progress, documentId, error}
  let attachments = [];     // what the server says the dossier holds
  let creating = false, uploading = false, pollTimer = null, pollDelay = POLL_MS;

  // --- the dossier -------------------------------------------------------------------------

  let idResult = watchIdInput(applicant, $("id-hint"), RULES, {}, () => refreshCreate());
  function refreshCreate() {
    idResult = checkIdNumber(applicant.value, RULES);
    createButton.disabled = creating || !procedure.value || !unit.value || idResult.state !== "ok";
  }
  procedure.addEventListener("change", refreshCreate);
  unit.addEventListener("change", refreshCreate);

  function randomKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function newDossierCode(unitCode) {
    const now = new Date(new Date().toLocaleString("en-US", { timeZone: "Asia/Ho_Chi_Minh" }));
    const ymd = String(now.getFullYear()).slice(2) + String(now.getMonth() + 1).padStart(2, "0") + String(now.getDate()).padStart(2, "0");
    const serial = String(crypto.getRandomValues(new Uint32Array(1))[0] % 1000000).padStart(6, "0");
    return `${unitCode}-${ymd}-${serial}`;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    refreshCreate();
    if (createButton.disabled) return;
    creating = true;
    createButton.disabled = true;
    createButton.textContent = "Đang tạo hồ sơ…";
    dossierError.hidden = true;
    const request = { procedure_code: procedure.value, unit_code: unit.value, applicant_id_number: idResult.digits };
    // One code per attempt at this dossier, kept across a double click or a refresh.
    let pending = load(STORE.newCode, null);
    if (!pending || pending.applicant !== request.applicant_id_number || pending.procedure !== request.procedure_code) {
      pending = { code: newDossierCode(request.unit_code), applicant: request.applicant_id_number, procedure: request.procedure_code };
      save(STORE.newCode, pending);
    }
    try {
      let created;
      try {
        created = await api("/v1/dossiers", { method: "POST", body: { code: pending.code, ...request } });
      } catch (err) {
        if (err.status !== 409) throw err;
        created = await api(`/v1/dossiers/${encodeURIComponent(pending.code)}`);  // made by the first click
        if (created.applicant_id_number !== request.applicant_id_number) {
          sessionStorage.removeItem(STORE.newCode);
          throw err;
        }
      }
      sessionStorage.removeItem(STORE.newCode);
      const name = procedure.selectedOptions[0]?.textContent || created.procedure_name;
      dossier = { code: created.code, procedure: name, applicant: created.applicant_id_number.slice(0, 3) + "******" + created.applicant_id_number.slice(-3) };
      save(STORE.dossier, dossier);
      showDossier();
      toast("Đã tạo hồ sơ " + dossier.code, "ok");
    } catch (err) {
      dossierError.textContent = err.message || errorText(err.code);
      dossierError.hidden = false;
    } finally {
      creating = false;
      createButton.textContent = "Tạo hồ sơ";
      refreshCreate();
    }
  });

  function showDossier() {
    const open = Boolean(dossier);
    form.hidden = open;
    $("dossier-current").hidden = !open;
    dropzone.dataset.disabled = String(!open);
    fileInput.disabled = !open;
    $("drop-open").hidden = !open;
    $("drop-closed").hidden = open;
    if (open) {
      $("dossier-code").textContent = dossier.code;
      $("dossier-summary").textContent = `${dossier.procedure} · người nộp ${dossier.applicant}`;
      poll();
    }
    render();
  }

  $("new-dossier").addEventListener("click", () => {
    const busy = rows.some((r) => r.state === "uploading");
    if (busy && !confirm("Một số tệp đang tải lên. Vẫn tiếp nhận hồ sơ mới?")) return;
    Object.values(STORE).forEach((k) => sessionStorage.removeItem(k));
    dossier = null; rows = []; attachments = [];
    clearTimeout(pollTimer);
    form.reset();
    $("id-hint").textContent = "Nhập 12 chữ số.";
    refreshCreate();
    showDossier();
    procedure.focus();
  });

  // --- files ---------------------------------------------------------------------------------

  const fingerprint = (file) => `${file.name}|${file.size}|${file.lastModified}`;
  const keyOf = (row) => `${row.fp}|${row.role}`;

  function addFiles(files) {
    if (!dossier) return;
    const pending = load(STORE.pending, []);
    for (const file of files) {
      const fp = fingerprint(file);
      const known = rows.find((r) => r.fp === fp);
      if (known && known.file) continue;  // the same file dropped twice
      if (known) { known.file = file; known.state = "waiting"; continue; }  // chosen again after a refresh
      const earlier = pending.find((p) => p.fp === fp);
      rows.push({ fp, file, name: file.name, size: file.size, role: earlier ? earlier.role : "component", state: "waiting", progress: 0 });
    }
    render();
  }

  fileInput.addEventListener("change", () => { addFiles(fileInput.files); fileInput.value = ""; });
  ["dragenter", "dragover"].forEach((type) => dropzone.addEventListener(type, (event) => {
    event.preventDefault();
    if (dossier) dropzone.classList.add("over");
  }));
  ["dragleave", "drop"].forEach((type) => dropzone.addEventListener(type, () => dropzone.classList.remove("over")));
  dropzone.addEventListener("drop", (event) => { event.preventDefault(); addFiles(event.dataTransfer.files); });

  function rememberPending() {
    save(STORE.pending, rows.filter((r) => !r.documentId && r.state !== "rejected").map(({ fp, name, size, role }) => ({ fp, name, size, role })));
  }

  uploadButton.addEventListener("click", async () => {
    if (uploading) return;
    uploading = true;
    render();
    try {
      for (const row of rows.filter((r) => r.file && (r.state === "waiting" || r.state === "network"))) {
        await upload(row);
      }
    } finally {
      uploading = false;
      render();
      poll();
    }
  });

  function upload(row) {
    const keys = load(STORE.keys, {});
    const key = keys[keyOf(row)] || randomKey();
    keys[keyOf(row)] = key;
    save(STORE.keys, keys);
    rememberPending();
    row.state = "uploading";
    row.progress = 0;
    render();
    return new Promise((resolve) => {
      const body = new FormData();
      body.append("file", row.file, row.name);
      body.append("role", row.role);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", `/v1/dossiers/${encodeURIComponent(dossier.code)}/documents`);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("Idempotency-Key", key);
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) { row.progress = event.loaded / event.total; renderRow(row); }
      };
      xhr.onload = () => {
        let data = null;
        try { data = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
        if (xhr.status === 401) {
          window.location.assign("/login?reason=expired&next=/tiep-nhan");
        } else if (xhr.status === 202 && data) {
          row.state = "sent"; row.progress = 1; row.documentId = data.document_id;
        } else {
          const code = data && data.error ? data.error.code : "http_" + xhr.status;
          row.state = "rejected"; row.error = errorText(code);
        }
        rememberPending();
        render();
        resolve();
      };
      xhr.onerror = xhr.ontimeout = () => { row.state = "network"; render(); resolve(); };
      xhr.send(body);
    });
  }

  // --- what the server holds ---------------------------------------------------------------

  async function poll() {
    clearTimeout(pollTimer);
    if (!dossier) return;
    try {
      const data = await api(`/v1/dossiers/${encodeURIComponent(dossier.code)}`);
      attachments = [...data.components, ...data.results];
      connection.hidden = true;
      pollDelay = POLL_MS;
    } catch (err) {
      if (err.status === 404) {  // the dossier is gone or no longer ours: start afresh
        Object.values(STORE).forEach((k) => sessionStorage.removeItem(k));
        dossier = null; showDossier();
        return;
      }
      connection.textContent = "Mất kết nối tới máy chủ, đang thử lại…";
      connection.hidden = false;
      pollDelay = Math.min(pollDelay * 2, 15000);
    }
    render();
    const working = attachments.some((a) => ["uploaded", "queued", "processing"].includes(a.status)) || rows.some((r) => r.state === "uploading");
    if (working || !connection.hidden) pollTimer = setTimeout(poll, pollDelay);
  }

  // --- drawing -------------------------------------------------------------------------------

  function statusOf(row, attachment) {
    if (attachment) {
      if (attachment.status === "failed") return { text: "Lỗi: " + errorText(attachment.error_code), kind: "bad" };
      return { text: STATUS_TEXT[attachment.status] || attachment.status, kind: attachment.status === "done" ? "ok" : "warn" };
    }
    switch (row.state) {
      case "waiting": return { text: row.file ? "Chờ tải lên" : "Chưa tải xong: chọn lại tệp này để tải tiếp", kind: "" };
      case "uploading": return { text: `Đang tải lên ${Math.round(row.progress * 100)}%`, kind: "warn" };
      case "sent": return { text: STATUS_TEXT.queued, kind: "warn" };
      case "network": return { text: "Mất kết nối khi tải lên: bấm Tải lên để thử lại", kind: "bad" };
      case "rejected": return { text: "Bị từ chối: " + row.error, kind: "bad" };
      default: return { text: row.state, kind: "" };
    }
  }

  function rowElement(id) {
    let tr = tbody.querySelector(`tr[data-id="${CSS.escape(id)}"]`);
    if (!tr) {
      tr = document.createElement("tr");
      tr.dataset.id = id;
      tr.innerHTML = `<td class="name"></td><td class="role"></td><td class="progress-col"><progress max="1" value="0"></progress></td><td class="status" data-testid="file-status"></td>`;
      tbody.appendChild(tr);
    }
    return tr;
  }

  function renderRow(row, attachment) {
    const tr = rowElement(row.fp);
    tr.querySelector(".name").textContent = row.name;
    const roleCell = tr.querySelector(".role");
    if (row.state === "waiting" && !attachment) {
      if (!roleCell.querySelector("select")) {
        roleCell.innerHTML = "";
        const select = document.createElement("select");
        select.setAttribute("aria-label", "Vai trò của " + row.name);
        for (const [value, text] of Object.entries(ROLE_TEXT)) select.add(new Option(text, value));
        select.addEventListener("change", () => { row.role = select.value; rememberPending(); });
        roleCell.appendChild(select);
      }
      roleCell.querySelector("select").value = row.role;
    } else {
      roleCell.textContent = ROLE_TEXT[row.role];
    }
    const done = attachment ? 1 : row.progress;
    tr.querySelector("progress").value = done;
    const status = statusOf(row, attachment);
    const cell = tr.querySelector(".status");
    cell.textContent = status.text;
    cell.className = "status " + status.kind;
    tr.dataset.state = attachment ? attachment.status : row.state;
  }

  function render() {
    const seen = new Set();
    const pending = load(STORE.pending, []);
    for (const p of pending) {  // chosen before a refresh, not confirmed by the server
      if (!rows.some((r) => r.fp === p.fp)) rows.push({ ...p, file: null, state: "waiting", progress: 0 });
    }
    for (const row of rows) {
      const attachment = row.documentId ? attachments.find((a) => a.document_id === row.documentId && a.role === row.role) : null;
      renderRow(row, attachment);
      seen.add(row.fp);
      if (attachment) seen.add(attachment.document_id + "|" + attachment.role);
    }
    for (const a of attachments) {
      const id = a.document_id + "|" + a.role;
      if (seen.has(id)) continue;
      seen.add(id);
      const pseudo = { fp: id, name: a.filename + (a.reused ? " (dùng lại)" : ""), role: a.role, state: "sent", progress: 1 };
      renderRow(pseudo, a);
    }
    tbody.querySelectorAll("tr").forEach((tr) => { if (!seen.has(tr.dataset.id)) tr.remove(); });
    $("files-empty").hidden = tbody.children.length > 0;
    const sendable = rows.filter((r) => r.file && (r.state === "waiting" || r.state === "network")).length;
    uploadButton.disabled = !dossier || uploading || sendable === 0;
    uploadButton.textContent = uploading ? "Đang tải lên…" : sendable ? `Tải lên ${sendable} tệp` : "Tải lên";
  }

  window.addEventListener("beforeunload", (event) => {
    if (rows.some((r) => r.state === "uploading")) { event.preventDefault(); event.returnValue = ""; }
  });

  refreshCreate();
  showDossier();
})();
