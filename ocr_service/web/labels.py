"""Vietnamese names for what the clerk and QA pages show: document types, fields, review reasons, statuses."""

from __future__ import annotations

import re

DOC_TYPES_VI = {
    "decision": "Quyết định",
    "official_letter": "Công văn",
    "administrative_document": "Văn bản hành chính",
    "birth_certificate": "Giấy khai sinh",
    "residence_declaration": "Tờ khai thay đổi thông tin cư trú (CT01)",
    "id_card_front": "Thẻ căn cước (mặt trước)",
    "marriage_certificate": "Giấy chứng nhận kết hôn",
    "death_extract": "Trích lục khai tử",
    "other": "Chưa rõ loại",
}

FIELD_LABELS_VI = {
    "document_type": "Loại văn bản",
    "document_number": "Số văn bản",
    "issue_date": "Ngày ban hành",
    "issue_place": "Nơi ban hành",
    "issuing_body": "Cơ quan ban hành",
    "parent_body": "Cơ quan chủ quản",
    "subject": "Trích yếu",
    "signing_authority": "Thẩm quyền ký",
    "signer_title": "Chức vụ người ký",
    "signer_name": "Người ký",
    "addressee": "Kính gửi",
    "full_name": "Họ và tên",
    "date_of_birth": "Ngày sinh",
    "date_of_birth_in_words": "Ngày sinh bằng chữ",
    "sex": "Giới tính",
    "ethnicity": "Dân tộc",
    "nationality": "Quốc tịch",
    "place_of_birth": "Nơi sinh",
    "hometown": "Quê quán",
    "id_number": "Số định danh cá nhân",
    "birth_year": "Năm sinh",
    "residence": "Nơi cư trú",
    "registration_number": "Số đăng ký",
    "registration_book": "Quyển số",
    "registration_place": "Nơi đăng ký",
    "registration_date": "Ngày đăng ký",
    "phone": "Số điện thoại",
    "email": "Email",
    "household_head_name": "Họ tên chủ hộ",
    "relation_to_head": "Quan hệ với chủ hộ",
    "household_head_id_number": "Số định danh của chủ hộ",
    "request_content": "Nội dung đề nghị",
    "current_residence": "Nơi cư trú hiện tại",
    "declaration_date": "Ngày kê khai",
    "place_of_origin": "Quê quán",
    "place_of_residence": "Nơi thường trú",
    "expiry_date": "Có giá trị đến",
    "old_id_number": "Số CMND cũ",
    "qr_payload": "Nội dung mã QR",
    "dossier_code": "Mã hồ sơ",
    "procedure_code": "Mã thủ tục hành chính",
}

_PARTS_VI = {"citizens": "Công dân", "members": "Thành viên", "recipients": "Nơi nhận", "dates": "Ngày", "mother": "Mẹ", "father": "Cha"}

REASON_CATEGORIES_VI = {
    "id_number": "Số định danh đáng ngờ",
    "validation": "Không qua kiểm tra",
    "missing": "Thiếu trường bắt buộc",
    "low_confidence": "Độ tin cậy thấp",
    "unknown_type": "Chưa rõ loại giấy tờ",
}

# Review reasons (extraction) and correction problems (extractors.review, ocr_service.review).
PROBLEMS_VI = {
    "low_confidence": "đọc với độ tin cậy thấp",
    "missing": "không tìm thấy trên giấy tờ",
    "unknown": "không nhận ra loại giấy tờ",
    "id_sex_mismatch": "số định danh không khớp giới tính",
    "id_birth_year_mismatch": "số định danh không khớp năm sinh",
    "unknown_province_code": "mã tỉnh trong số định danh không đúng",
    "implausible_birth_year": "năm sinh trong số định danh không hợp lý",
    "not_12_digits": "số định danh phải có 12 chữ số",
    "id_length": "số định danh phải có 12 chữ số (CMND cũ: 9)",
    "id_unreadable": "không đọc rõ số định danh",
    "id_boxed_digit_guessed": "có chữ số phải đoán",
    "head_id_disagrees": "khác số định danh của chủ hộ",
    "no_birth_date_to_check": "không có ngày sinh để đối chiếu",
    "id_name_conflict": "số này đang gắn với tên khác ở bản ghi khác",
    "date_in_words_disagrees": "ngày bằng chữ không khớp ngày bằng số",
    "qr_mismatch": "không khớp với mã QR trên giấy tờ",
    "name_word_count": "số chữ trong họ tên bất thường",
    "name_unknown_surname": "họ không có trong danh sách họ thường gặp",
    "name_may_be_cut": "có chữ lạ ngay trước họ tên: có thể thiếu chữ đầu",
    "degraded_page": "trang ảnh chất lượng kém (nhiều chữ không đọc được)",
    "junk_characters": "có ký tự lạ",
    "unknown_province": "tên tỉnh không có trong danh mục (có thể bị cắt dòng)",
    "unknown_title": "chức danh không có trong danh mục",
    "unknown_relation": "quan hệ không có trong danh mục",
    "relation_respelled": "đã sửa dấu của quan hệ",
    "not_a_date": "ngày không hợp lệ (nhập dd/mm/yyyy)",
    "not_a_sex": "chỉ nhập Nam hoặc Nữ",
    "not_a_year": "năm phải có 4 chữ số",
    "not_text": "giá trị không hợp lệ",
    "too_long": "quá dài",
    "no_such_field": "không có trường này",
    "corrected_twice": "bị sửa hai lần",
    "no_such_word": "không có từ này",
    "born_digital_page": "trang PDF gốc có chữ sẵn, không sửa được",
    "empty_word": "từ không được để trống",
}

DOCUMENT_STATUS_VI = {
    "uploaded": "Đã tải lên",
    "queued": "Đang chờ xử lý",
    "processing": "Đang nhận dạng",
    "done": "Đã số hóa xong",
    "failed": "Lỗi",
}

REVIEW_STATUS_VI = {"needs_review": "Cần kiểm tra", "not_required": "Không cần kiểm tra", "verified": "Đã xác minh"}

_SEGMENT = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def field_label(path: str) -> str:
    """``citizens[0].full_name`` → ``Công dân 1 · Họ và tên``."""
    parts = []
    for name, index in _SEGMENT.findall(path):
        label = _PARTS_VI.get(name) or FIELD_LABELS_VI.get(name) or name
        parts.append(f"{label} {int(index) + 1}" if index else label)
    return " · ".join(parts)


def problem_text(code: str) -> str:
    return PROBLEMS_VI.get(code, code.replace("_", " "))


def reason_text(target: str, reason: str) -> str:
    """``citizens[0].id_number``, ``id_sex_mismatch`` → ``Công dân 1 · Số định danh cá nhân: số định danh không khớp giới tính``."""
    return f"{field_label(target) if target != 'doc_type' else 'Loại giấy tờ'}: {problem_text(reason)}"


def doc_type_text(doc_type: str | None) -> str:
    return DOC_TYPES_VI.get(doc_type or "", doc_type or "Chưa rõ loại")
