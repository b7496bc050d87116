/* The structure of a personal ID number (extractors/identity.py), checked as it is typed.
   PPP C YY NNNNNN: birth-province code, century and sex, the birth year's last two digits.
   The server checks again; this only tells the clerk at once what is wrong. */
"use strict";

function checkIdNumber(text, rules, { allowCmnd = false } = {}) {
  const digits = (text || "").replace(/[\s.]/g, "");
  if (!digits) return { state: "empty", digits, message: allowCmnd ? "Nhập 12 chữ số (CMND cũ: 9 chữ số)." : "Nhập 12 chữ số." };
  if (/\D/.test(digits)) return { state: "bad", digits, message: "Chỉ nhập chữ số." };
  if (allowCmnd && digits.length === 9) return { state: "ok", digits, message: "Số CMND cũ (9 chữ số)." };
  if (digits.length < 12) return { state: "typing", digits, message: `Còn thiếu ${12 - digits.length} chữ số.` };
  if (digits.length > 12) return { state: "bad", digits, message: `Thừa ${digits.length - 12} chữ số: số định danh có 12 chữ số.` };
  const province = digits.slice(0, 3);
  if (!rules.provinces.includes(province)) return { state: "bad", digits, message: `Mã tỉnh ${province} không đúng (3 chữ số đầu).` };
  const centurySex = Number(digits[3]);
  if (centurySex > 5) return { state: "bad", digits, message: "Chữ số thứ 4 (thế kỷ và giới tính) không hợp lệ." };
  const year = 1900 + Math.floor(centurySex / 2) * 100 + Number(digits.slice(4, 6));
  if (year > rules.this_year) return { state: "bad", digits, message: `Năm sinh ${year} theo số định danh là năm chưa tới.` };
  const sex = centurySex % 2 === 0 ? "Nam" : "Nữ";
  return { state: "ok", digits, message: `Hợp lệ · ${sex}, sinh năm ${year}.`, sex, year };
}

/** Wire an input to a hint element; calls onChange(result) on every keystroke. */
function watchIdInput(input, hint, rules, options = {}, onChange = () => {}) {
  const update = () => {
    const result = checkIdNumber(input.value, rules, options);
    hint.textContent = result.message;
    hint.className = "hint " + (result.state === "ok" ? "ok" : result.state === "bad" ? "error" : "muted");
    input.setAttribute("aria-invalid", result.state === "bad" ? "true" : "false");
    onChange(result);
    return result;
  };
  input.addEventListener("input", update);
  return update;
}
