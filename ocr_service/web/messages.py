"""Plain-Vietnamese wording of the service's stable error codes, for the pages and their scripts.

The API's own messages are English for integrators; staff read these. A test checks that every
code in ``ocr_service.errors`` has one.
"""

from __future__ import annotations

ERROR_TEXT_VI: dict[str, str] = {
    "invalid_input": "Tệp không hợp lệ.",
    "empty_file": "Tệp rỗng, không có nội dung. Hãy quét lại.",
    "unsupported_type": "Định dạng tệp không được hỗ trợ. Chỉ nhận PDF, JPEG, PNG hoặc TIFF.",
    "corrupt_file": "Tệp bị hỏng, không đọc được. Hãy quét hoặc xuất lại tệp.",
    "encrypted_pdf": "Tệp PDF có mật khẩu. Hãy gỡ mật khẩu rồi tải lên lại.",
    "file_too_large": "Tệp quá lớn. Hãy quét ở độ phân giải thấp hơn hoặc tách thành nhiều tệp.",
    "too_many_pages": "Tệp có quá nhiều trang. Hãy tách thành nhiều tệp.",
    "image_too_large": "Ảnh quá lớn. Hãy quét ở độ phân giải 300 DPI.",
    "bad_request": "Yêu cầu không hợp lệ.",
    "not_found": "Không tìm thấy, hoặc bạn không có quyền xem.",
    "conflict": "Dữ liệu đã được thay đổi ở nơi khác. Hãy tải lại trang.",
    "validation_failed": "Thông tin nhập chưa đúng. Hãy kiểm tra lại.",
    "version_conflict": "Bản ghi vừa được người khác sửa và lưu. Hãy tải lại trang để xem bản mới rồi sửa tiếp.",
    "invalid_correction": "Một số chỗ sửa chưa hợp lệ. Hãy xem các trường được đánh dấu đỏ.",
    "unauthenticated": "Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.",
    "forbidden": "Tài khoản của bạn không có quyền thực hiện thao tác này.",
    "ocr_engine_error": "Không nhận dạng được văn bản của tệp này. Hãy quét lại rõ hơn.",
    "retries_exhausted": "Xử lý thất bại nhiều lần. Hãy báo quản trị hệ thống.",
    "temporarily_unavailable": "Hệ thống đang bận. Hãy thử lại sau ít phút.",
    "storage_unavailable": "Kho lưu trữ tạm thời không truy cập được. Hãy thử lại sau ít phút.",
    "database_unavailable": "Cơ sở dữ liệu tạm thời không truy cập được. Hãy thử lại sau ít phút.",
    "queue_unavailable": "Hàng đợi xử lý tạm thời không truy cập được. Hãy thử lại sau ít phút.",
    "network": "Mất kết nối mạng. Hãy kiểm tra mạng rồi thử lại.",
}

DEFAULT_ERROR_VI = "Đã có lỗi xảy ra. Hãy thử lại."


def error_text_vi(code: str | None) -> str:
    return ERROR_TEXT_VI.get(code or "", DEFAULT_ERROR_VI)
