/* Kiểm tra bản ghi: the page image with the OCR's word boxes, the fields beside it, keyboard
   shortcuts, and a save that sends the corrections with the version they were made on.

   Unsaved corrections are kept in sessionStorage as they are made: a refresh, a lost
   connection or a conflict with another reviewer loses nothing. */
"use strict";

(() => {
  const DATA = JSON.parse(document.getElementById("review-data").textContent);
  const PROBLEMS = JSON.parse(document.getElementById("problem-text").textContent);
  const DRAFT = `review.draft.${DATA.document_id}`;
  const SAVED = `review.saved.${DATA.document_id}`;
  const SVG = "http://www.w3.org/2000/svg";
  const $ = (id) => document.getElementById(id);

  const image = $("page-image"), overlay = $("overlay"), frame = $("frame"), imageStatus = $("image-status");
  const banner = $("banner"), saveButton = $("save"), comment = $("comment");
  const editor = $("word-editor"), wordInput = $("word-input");
  const inputs = Array.from(document.querySelectorAll("#fields input[data-path]"));

  let page = 0;
  let saving = false;
  const words = new Map();      // page → [[text, x0, y0, x1, y1, confidence], …] as read
  const wordEdits = new Map();  // "page:index" → corrected text
  let selectedWord = null;      // {page, index}
  let focusedField = null;

  // --- drafts -----------------------------------------------------------------------------------

  const dirtyFields = () => inputs.filter((i) => i.value !== i.defaultValue);
  const isDirty = () => dirtyFields().length > 0 || wordEdits.size > 0 || comment.value.trim() !== "";

  function keepDraft() {
    const draft = { fields: Object.fromEntries(dirtyFields().map((i) => [i.dataset.path, i.value])), words: Object.fromEntries(wordEdits), comment: comment.value };
    if (isDirty()) sessionStorage.setItem(DRAFT, JSON.stringify(draft));
    else sessionStorage.removeItem(DRAFT);
    inputs.forEach((i) => i.closest(".field").classList.toggle("changed", i.value !== i.defaultValue));
  }

  function restoreDraft() {
    let draft = null;
    try { draft = JSON.parse(sessionStorage.getItem(DRAFT)); } catch { draft = null; }
    if (!draft) return;
    let restored = 0;
    for (const input of inputs) {
      if (Object.hasOwn(draft.fields || {}, input.dataset.path)) { input.value = draft.fields[input.dataset.path]; restored += 1; }
    }
    for (const [key, text] of Object.entries(draft.words || {})) { wordEdits.set(key, text); restored += 1; }
    comment.value = draft.comment || "";
    keepDraft();
    if (restored) showBanner(`Đã khôi phục ${restored} chỗ sửa chưa lưu.`, "notice");
  }

  function showBanner(text, kind) {
    banner.textContent = text;
    banner.className = kind;
    banner.hidden = false;
  }

  // --- the page image and its words --------------------------------------------------------------

  async function pageWords(index) {
    if (!words.has(index)) {
      const data = await api(`/v1/documents/${DATA.document_id}/pages/${index}/words`);
      words.set(index, data.words.map((w) => [w.text, ...w.bbox, w.confidence]));
    }
    return words.get(index);
  }

  async function showPage(index) {
    if (index < 0 || index >= DATA.pages.length) return;
    const changed = index !== page || !image.src;
    page = index;
    const meta = DATA.pages[index];
    $("page-label").textContent = `Trang ${index + 1}/${DATA.pages.length}`;
    overlay.setAttribute("viewBox", `0 0 ${meta.width} ${meta.height}`);
    document.getElementById("page").style.aspectRatio = `${meta.width} / ${meta.height}`;
    if (changed) {
      imageStatus.textContent = "Đang tải ảnh trang…";
      imageStatus.hidden = false;
      image.src = `/v1/documents/${DATA.document_id}/pages/${index}/image`;
    }
    try {
      await pageWords(index);
    } catch (err) {
      showBanner("Không tải được chữ nhận dạng của trang: " + err.message, "error");
    }
    drawWords();
  }

  image.addEventListener("load", () => { imageStatus.hidden = true; });
  image.addEventListener("error", () => {
    imageStatus.hidden = false;
    imageStatus.innerHTML = "";
    imageStatus.append("Không tải được ảnh trang. ");
    const retry = document.createElement("button");
    retry.type = "button"; retry.className = "link"; retry.textContent = "Thử lại";
    retry.addEventListener("click", () => { image.src = `/v1/documents/${DATA.document_id}/pages/${page}/image?retry=${Date.now()}`; });
    imageStatus.append(retry);
  });

  function rect(x0, y0, x1, y1, cls) {
    const r = document.createElementNS(SVG, "rect");
    r.setAttribute("x", x0); r.setAttribute("y", y0);
    r.setAttribute("width", Math.max(x1 - x0, 1)); r.setAttribute("height", Math.max(y1 - y0, 1));
    r.setAttribute("class", cls);
    return r;
  }

  function drawWords() {
    overlay.replaceChildren();
    const list = words.get(page) || [];
    const showBoxes = $("show-boxes").checked;
    list.forEach((w, index) => {
      const key = `${page}:${index}`;
      const low = w[5] >= 0 && w[5] < DATA.low_confidence;
      let cls = "word";
      if (low) cls += " low";
      if (wordEdits.has(key)) cls += " fixed";
      if (selectedWord && selectedWord.page === page && selectedWord.index === index) cls += " selected";
      if (!showBoxes && !cls.includes(" ")) cls += " hidden";
      const r = rect(w[1], w[2], w[3], w[4], cls);
      r.dataset.index = index;
      const title = document.createElementNS(SVG, "title");
      title.textContent = `${wordEdits.get(key) ?? w[0]} (tin cậy ${Math.round(w[5])})`;
      r.appendChild(title);
      r.addEventListener("click", () => selectWord(page, index));
      overlay.appendChild(r);
    });
    const field = focusedField && DATA.fields.find((f) => f.path === focusedField);
    if (field && field.bbox && field.page === page) overlay.appendChild(rect(...field.bbox, "field-box"));
  }

  function scrollToBox(box) {
    const meta = DATA.pages[page];
    const scale = image.clientWidth / meta.width || 0;
    if (!scale) return;
    const top = box[1] * scale, bottom = box[3] * scale;
    if (top < frame.scrollTop || bottom > frame.scrollTop + frame.clientHeight) {
      frame.scrollTo({ top: Math.max(top - frame.clientHeight / 3, 0), behavior: "smooth" });
    }
  }

  // --- words ------------------------------------------------------------------------------

  async function selectWord(pageIndex, index) {
    if (pageIndex !== page) await showPage(pageIndex);
    const list = words.get(pageIndex) || [];
    if (!list[index]) return;
    if (!DATA.pages[pageIndex].ocred) {
      toast("Trang PDF gốc có chữ sẵn: không sửa chữ trên trang này.", "error");
      return;
    }
    selectedWord = { page: pageIndex, index };
    editor.hidden = false;
    $("word-where").textContent = `(trang ${pageIndex + 1}, từ ${index + 1}, tin cậy ${Math.round(list[index][5])}; đọc được: “${list[index][0]}”)`;
    wordInput.value = wordEdits.get(`${pageIndex}:${index}`) ?? list[index][0];
    drawWords();
    scrollToBox(list[index].slice(1, 5));
    wordInput.focus();
    wordInput.select();
  }

  function applyWord() {
    if (!selectedWord) return;
    const key = `${selectedWord.page}:${selectedWord.index}`;
    const original = words.get(selectedWord.page)[selectedWord.index][0];
    const text = wordInput.value.normalize("NFC").trim().replace(/\s+/g, " ");
    if (!text) { toast("Từ không được để trống.", "error"); return; }
    if (text === original) wordEdits.delete(key); else wordEdits.set(key, text);
    keepDraft();
    closeWord();
  }

  function closeWord() {
    editor.hidden = true;
    selectedWord = null;
    drawWords();
    (inputs.find((i) => i.dataset.path === focusedField) || frame).focus();
  }

  async function nextLowWord() {
    const start = selectedWord ? selectedWord : { page, index: -1 };
    for (let p = start.page; p < DATA.pages.length; p += 1) {
      if (!DATA.pages[p].ocred) continue;
      const list = await pageWords(p);
      const from = p === start.page ? start.index + 1 : 0;
      for (let i = from; i < list.length; i += 1) {
        if (list[i][5] >= 0 && list[i][5] < DATA.low_confidence && !wordEdits.has(`${p}:${i}`)) { await selectWord(p, i); return; }
      }
    }
    toast("Không còn từ tin cậy thấp nào chưa sửa.", "ok");
  }

  wordInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); applyWord(); }
    else if (event.key === "Escape") { event.preventDefault(); closeWord(); }
  });

  // --- fields -----------------------------------------------------------------------------

  inputs.forEach((input) => {
    input.addEventListener("focus", async () => {
      focusedField = input.dataset.path;
      document.querySelectorAll(".field.focused").forEach((el) => el.classList.remove("focused"));
      input.closest(".field").classList.add("focused");
      const field = DATA.fields.find((f) => f.path === focusedField);
      if (field && field.bbox && field.page !== null) {
        if (field.page !== page) await showPage(field.page);
        drawWords();
        scrollToBox(field.bbox);
      } else {
        drawWords();
      }
    });
    input.addEventListener("input", () => {
      input.closest(".field").querySelector(".problem").hidden = true;
      keepDraft();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.altKey && !event.ctrlKey) {
        event.preventDefault();
        acceptField(input);
      } else if (event.key === "Escape") {
        event.preventDefault();
        input.blur();
        frame.focus();
      }
    });
  });

  function acceptField(input) {
    input.closest(".field").classList.add("accepted");
    const index = inputs.indexOf(input);
    const rest = [...inputs.slice(index + 1), ...inputs.slice(0, index)];
    const next = rest.find((i) => { const f = i.closest(".field"); return f.classList.contains("flagged") && !f.classList.contains("accepted"); })
      || inputs[index + 1];
    if (next) next.focus();
    else saveButton.focus();
  }

  function moveField(step) {
    const index = inputs.findIndex((i) => i.dataset.path === focusedField);
    const next = inputs[Math.min(Math.max(index + step, 0), inputs.length - 1)];
    if (next) next.focus();
  }

  // --- save -------------------------------------------------------------------------------

  async function save() {
    if (saving) return;
    saving = true;
    saveButton.disabled = true;
    saveButton.textContent = "Đang lưu…";
    document.querySelectorAll(".field .problem").forEach((p) => { p.hidden = true; });
    document.querySelectorAll(".field.invalid").forEach((f) => f.classList.remove("invalid"));
    const body = {
      expected_version: DATA.version,
      fields: dirtyFields().map((i) => ({ key: i.dataset.path, value: i.value })),
      words: Array.from(wordEdits, ([key, text]) => { const [p, i] = key.split(":").map(Number); return { page: p, index: i, text }; }),
      comment: comment.value.trim() || null,
    };
    try {
      const saved = await api(`/v1/documents/${DATA.document_id}/corrections`, { method: "POST", body });
      sessionStorage.removeItem(DRAFT);
      sessionStorage.setItem(SAVED, String(saved.version));
      window.location.reload();
    } catch (err) {
      if (err.status === 409) {
        showBanner("Bản ghi vừa được người khác lưu thành phiên bản mới. Các chỗ bạn sửa vẫn được giữ: tải lại trang (F5) để xem bản mới rồi lưu lại.", "error");
      } else if (err.status === 422 && err.details) {
        markProblems(err.details);
        showBanner("Chưa lưu: " + err.details.map((d) => `${labelOf(d.target)}: ${PROBLEMS[d.problem] || d.problem}`).join("; "), "error");
      } else {
        showBanner("Chưa lưu: " + err.message + " Các chỗ sửa vẫn được giữ; thử lại bằng Ctrl+S.", "error");
      }
      saving = false;
      saveButton.disabled = false;
      saveButton.textContent = "Lưu và xác minh";
    }
  }

  function labelOf(target) {
    const input = inputs.find((i) => i.dataset.path === target);
    return input ? input.closest(".field").querySelector("label").firstChild.textContent.trim() : target;
  }

  function markProblems(details) {
    for (const d of details) {
      const input = inputs.find((i) => i.dataset.path === d.target);
      if (!input) continue;
      const field = input.closest(".field");
      field.classList.add("invalid");
      const p = field.querySelector(".problem");
      p.textContent = PROBLEMS[d.problem] || d.problem;
      p.hidden = false;
    }
    const first = document.querySelector(".field.invalid input");
    if (first) first.focus();
  }

  saveButton.addEventListener("click", save);

  function nextRecord() {
    if (isDirty() && !confirm("Có chỗ sửa chưa lưu (vẫn được giữ lại). Chuyển sang bản ghi tiếp theo?")) return;
    window.location.assign(DATA.next_url);
  }
  $("next-record").addEventListener("click", nextRecord);

  // --- keyboard ---------------------------------------------------------------------------

  document.addEventListener("keydown", (event) => {
    const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement || event.target instanceof HTMLSelectElement;
    const key = event.key.toLowerCase();
    if ((event.ctrlKey || event.metaKey) && key === "s") { event.preventDefault(); save(); return; }
    if (event.altKey && key === "n") { event.preventDefault(); nextRecord(); return; }
    if (event.altKey && key === "w") { event.preventDefault(); nextLowWord(); return; }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (key === "j") { event.preventDefault(); moveField(focusedField ? 1 : 0); }
    else if (key === "k") { event.preventDefault(); moveField(-1); }
    else if (key === "n") { event.preventDefault(); nextRecord(); }
    else if (key === "w") { event.preventDefault(); nextLowWord(); }
    else if (key === "[") { event.preventDefault(); showPage(page - 1); }
    else if (key === "]") { event.preventDefault(); showPage(page + 1); }
  });

  $("prev-page").addEventListener("click", () => showPage(page - 1));
  $("next-page").addEventListener("click", () => showPage(page + 1));
  $("show-boxes").addEventListener("change", drawWords);
  comment.addEventListener("input", keepDraft);
  window.addEventListener("beforeunload", (event) => {
    if (!saving && (dirtyFields().length || wordEdits.size)) { event.preventDefault(); event.returnValue = ""; }
  });

  // --- start --------------------------------------------------------------------------------

  restoreDraft();
  const justSaved = sessionStorage.getItem(SAVED);
  if (justSaved) {
    sessionStorage.removeItem(SAVED);
    showBanner(`Đã lưu phiên bản ${justSaved}: bản ghi đã được xác minh. Alt+N để sang bản ghi tiếp theo.`, "ok");
  }
  showPage(0).then(() => {
    const first = inputs.find((i) => i.closest(".field").classList.contains("flagged")) || inputs[0];
    if (first) first.focus();
  });
})();
