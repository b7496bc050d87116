"""The 25 essential online public services of Decision 06/QĐ-TTg ("25 dịch vụ công thiết yếu").

Source and certainty
    Decision 06/QĐ-TTg (6 Jan 2022), Appendix I, lists the 25 essential public services to be
    integrated with the National Population Database. Its text could not be retrieved here.
    The list below follows Directive 24/CT-TTg (2025), which made the same 25 services
    online-only from 2025-10-01, as reported by PLO (plo.vn, 2025-10-01), CafeF and Dân trí
    (2025-10-02): 13 handled by the Ministry of Public Security, 6 at commune level, and
    electricity (2), education (1), unemployment benefit (1), health insurance (1) and tax (1).
    The first 19 titles are as PLO prints them; titles DA06-19 to DA06-25 are shortened in the
    press and are given in their usual wording. The 2022 appendix may word some entries
    differently: the criminal-record certificate and the driving licence then belonged to the
    Ministries of Justice and of Transport (both moved to Public Security in 2025).

    Our codes ("DA06-01" ...) are stable slugs in the press order, not the appendix numbers.

Fields
    ``returns_paper_result``: whether the procedure ends in a result document handed to the
    citizen (a certificate, card, extract or contract), as opposed to a database update. Since
    2023-01-01 residence procedures issue no household book: the result is the updated record
    in the residence database (Law on Residence 2020; Decree 104/2022/NĐ-CP).
    ``level``: the lowest level that receives the dossier in the three-tier model of 2022–2025
    (police of the commune or district, the district tax office, the provincial department).
    From 2025-07-01 there is no district level: district intake moved to the commune or the
    province. ``typical_components``: what a citizen usually submits, not the legal checklist.
    The per-entry reasons are from general knowledge of the procedures and were not checked
    against their legal texts here, except the residence one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProcedureSeed:
    code: str  # stable slug, "DA06-01"
    name: str  # Vietnamese title
    short_name_en: str
    returns_paper_result: bool
    typical_components: tuple[str, ...]
    result_title: str | None
    level: str  # lowest level that receives it: "commune" | "district" | "province"


_PROCEDURES = (
    # The old 9-digit ID number is confirmed on a certificate (mẫu CC13).
    ProcedureSeed(
        "DA06-01",
        "Xác nhận số Chứng minh nhân dân khi đã được cấp thẻ Căn cước công dân",
        "Confirmation of the old ID-card number",
        True,
        ("Tờ khai Căn cước công dân",),
        "Giấy xác nhận số Chứng minh nhân dân",
        "district",
    ),
    # The result is the card itself.
    ProcedureSeed(
        "DA06-02",
        "Cấp lại, đổi thẻ Căn cước công dân",
        "Reissue or renewal of the citizen ID card",
        True,
        ("Tờ khai Căn cước công dân", "Thẻ Căn cước công dân cũ (khi đổi)"),
        "Thẻ Căn cước công dân",
        "district",
    ),
    # No household book since 2023: the residence database is updated, the citizen is notified.
    ProcedureSeed(
        "DA06-03",
        "Đăng ký thường trú",
        "Permanent residence registration",
        False,
        ("Tờ khai thay đổi thông tin cư trú", "Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp"),
        None,
        "commune",
    ),
    # Same as permanent residence: a database update, no temporary-residence book.
    ProcedureSeed(
        "DA06-04",
        "Đăng ký tạm trú",
        "Temporary residence registration",
        False,
        ("Tờ khai thay đổi thông tin cư trú", "Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp"),
        None,
        "commune",
    ),
    # The Law on Residence (art. 31) has the police issue a declaration slip to the citizen.
    ProcedureSeed(
        "DA06-05",
        "Khai báo tạm vắng",
        "Declaration of temporary absence",
        True,
        ("Đề nghị khai báo tạm vắng",),
        "Phiếu khai báo tạm vắng",
        "commune",
    ),
    # A notice by the host to the police; nothing is issued back.
    ProcedureSeed(
        "DA06-06",
        "Thông báo lưu trú",
        "Notice of a guest's stay",
        False,
        ("Thông tin người lưu trú (họ tên, số định danh cá nhân, thời gian lưu trú)",),
        None,
        "commune",
    ),
    # Registration certificate and number plate. Commune police register motorbikes since
    # Circular 24/2023/TT-BCA (where the province assigns it), hence "commune".
    ProcedureSeed(
        "DA06-07",
        "Đăng ký, cấp biển số mô tô, xe gắn máy",
        "Motorbike registration and number plate",
        True,
        ("Giấy khai đăng ký xe", "Chứng từ nguồn gốc xe", "Chứng từ lệ phí trước bạ"),
        "Giấy chứng nhận đăng ký xe",
        "commune",
    ),
    # A payment: the receipt is electronic.
    ProcedureSeed(
        "DA06-08",
        "Thu tiền nộp phạt xử lý vi phạm hành chính trong lĩnh vực giao thông đường bộ"
        " qua thiết bị ghi hình (phạt nguội)",
        "Payment of camera-detected traffic fines",
        False,
        ("Quyết định xử phạt vi phạm hành chính",),
        None,
        "district",
    ),
    ProcedureSeed(
        "DA06-09",
        "Đăng ký khai sinh",
        "Birth registration",
        True,
        ("Tờ khai đăng ký khai sinh", "Giấy chứng sinh"),
        "Giấy khai sinh",
        "commune",
    ),
    ProcedureSeed(
        "DA06-10",
        "Đăng ký khai tử",
        "Death registration",
        True,
        ("Tờ khai đăng ký khai tử", "Giấy báo tử"),
        "Trích lục khai tử",
        "commune",
    ),
    # Both spouses sign the register and receive the certificate in person.
    ProcedureSeed(
        "DA06-11",
        "Đăng ký kết hôn",
        "Marriage registration",
        True,
        ("Tờ khai đăng ký kết hôn", "Giấy xác nhận tình trạng hôn nhân (khi đăng ký ngoài nơi cư trú)"),
        "Giấy chứng nhận kết hôn",
        "commune",
    ),
    # Passports are issued by the provincial immigration office.
    ProcedureSeed(
        "DA06-12",
        "Cấp, cấp lại, sửa đổi, bổ sung hộ chiếu phổ thông",
        "Ordinary passport issue, reissue or amendment",
        True,
        ("Tờ khai đề nghị cấp hộ chiếu phổ thông", "Ảnh chân dung", "Hộ chiếu cũ (nếu có)"),
        "Hộ chiếu phổ thông",
        "province",
    ),
    # The seal comes with a certificate of seal-specimen registration.
    ProcedureSeed(
        "DA06-13",
        "Thủ tục làm con dấu mới và cấp giấy chứng nhận đã đăng ký mẫu con dấu",
        "New seal and seal-specimen registration",
        True,
        ("Văn bản thành lập hoặc giấy phép hoạt động của tổ chức", "Giấy giới thiệu người đến làm thủ tục"),
        "Giấy chứng nhận đã đăng ký mẫu con dấu",
        "district",
    ),
    ProcedureSeed(
        "DA06-14",
        "Thủ tục làm con dấu thu nhỏ, dấu nổi, dấu xi và cấp giấy chứng nhận đã đăng ký mẫu con dấu",
        "Reduced, embossed or wax seal and seal-specimen registration",
        True,
        ("Văn bản đề nghị của tổ chức", "Giấy giới thiệu người đến làm thủ tục"),
        "Giấy chứng nhận đã đăng ký mẫu con dấu",
        "district",
    ),
    # Birth certificate on paper; residence is a database update, the health card is digital.
    ProcedureSeed(
        "DA06-15",
        "Liên thông thủ tục hành chính: Đăng ký khai sinh - Đăng ký thường trú"
        " - Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
        "Linked birth registration, residence and health insurance for under-6s",
        True,
        ("Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "Tờ khai thay đổi thông tin cư trú"),
        "Giấy khai sinh",
        "commune",
    ),
    ProcedureSeed(
        "DA06-16",
        "Liên thông thủ tục hành chính: Đăng ký khai tử - Xóa đăng ký thường trú - Trợ cấp mai táng phí",
        "Linked death registration, residence removal and funeral allowance",
        True,
        ("Tờ khai đăng ký khai tử", "Giấy báo tử", "Tờ khai đề nghị hưởng trợ cấp mai táng"),
        "Trích lục khai tử",
        "commune",
    ),
    # Renewal extends the card's validity in the database; the digital card (VssID, VNeID) is
    # valid, so no new paper card is needed.
    ProcedureSeed(
        "DA06-17",
        "Tích hợp tính giảm trừ mức đóng trong gia hạn thẻ bảo hiểm y tế theo hộ gia đình",
        "Household health-insurance renewal with contribution discount",
        False,
        ("Tờ khai tham gia, điều chỉnh thông tin bảo hiểm xã hội, bảo hiểm y tế",),
        None,
        "district",
    ),
    # The tax office issues a tax-code notice.
    ProcedureSeed(
        "DA06-18",
        "Đăng ký thuế lần đầu, đăng ký thay đổi thông tin đăng ký thuế đối với người nộp thuế"
        " là hộ gia đình, cá nhân",
        "Tax registration of households and individuals",
        True,
        ("Tờ khai đăng ký thuế",),
        "Thông báo mã số thuế",
        "district",
    ),
    # The change is endorsed on the land-use certificate (or a new one is issued).
    ProcedureSeed(
        "DA06-19",
        "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        "Registration of changes in land-use rights",
        True,
        (
            "Đơn đăng ký biến động đất đai, tài sản gắn liền với đất",
            "Giấy chứng nhận đã cấp",
            "Hợp đồng, văn bản chuyển nhượng, tặng cho, thừa kế",
        ),
        "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        "commune",
    ),
    # The power company signs a supply contract with the customer (the district "Điện lực").
    ProcedureSeed(
        "DA06-20",
        "Cấp điện mới từ lưới điện hạ áp",
        "New low-voltage electricity connection",
        True,
        (
            "Giấy đề nghị mua điện",
            "Giấy tờ tùy thân của người mua điện",
            "Giấy tờ chứng minh quyền sử dụng nhà, đất tại nơi mua điện",
        ),
        "Hợp đồng mua bán điện",
        "district",
    ),
    ProcedureSeed(
        "DA06-21",
        "Thay đổi chủ thể hợp đồng mua bán điện",
        "Change of the electricity contract holder",
        True,
        ("Giấy đề nghị thay đổi chủ thể hợp đồng", "Giấy tờ chứng minh quyền sử dụng nhà, đất"),
        "Hợp đồng mua bán điện",
        "district",
    ),
    # An exam registration; the results come later, from another process.
    ProcedureSeed(
        "DA06-22",
        "Đăng ký dự thi tốt nghiệp trung học phổ thông và xét tuyển đại học, cao đẳng",
        "High-school graduation exam and university admission registration",
        False,
        ("Phiếu đăng ký dự thi",),
        None,
        "province",
    ),
    # The provincial labour department decides the benefit.
    ProcedureSeed(
        "DA06-23",
        "Giải quyết hưởng trợ cấp thất nghiệp",
        "Unemployment benefit",
        True,
        (
            "Đề nghị hưởng trợ cấp thất nghiệp",
            "Quyết định thôi việc hoặc giấy tờ chấm dứt hợp đồng lao động",
            "Sổ bảo hiểm xã hội",
        ),
        "Quyết định hưởng trợ cấp thất nghiệp",
        "province",
    ),
    ProcedureSeed(
        "DA06-24",
        "Cấp Phiếu lý lịch tư pháp",
        "Criminal record certificate",
        True,
        ("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",),
        "Phiếu lý lịch tư pháp",
        "province",
    ),
    ProcedureSeed(
        "DA06-25",
        "Cấp đổi giấy phép lái xe",
        "Driving licence renewal or exchange",
        True,
        ("Đơn đề nghị đổi giấy phép lái xe", "Giấy khám sức khỏe của người lái xe", "Giấy phép lái xe cũ"),
        "Giấy phép lái xe",
        "province",
    ),
)

_BY_CODE = {p.code: p for p in _PROCEDURES}


def all_procedures() -> tuple[ProcedureSeed, ...]:
    return _PROCEDURES


def by_code(code: str) -> ProcedureSeed:
    """The procedure with this code; KeyError if there is none."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(f"no Decision 06 procedure with code {code!r}") from None
