"""Every word printed on the report workbook, in one place to proof-read.

exports/ may not import handlers/, so the few words shared with the chat (status names) are kept
here too; handlers/texts.py holds what the bot says."""

from __future__ import annotations

from datetime import date

from models.queries import Status

PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
STAR = "*"
TITLE = "BÁO CÁO KẾT QUẢ CÔNG TÁC TUYÊN TRUYỀN"
PERIOD_LINE = "Kỳ báo cáo: {label} (hạn báo cáo {deadline})"
RANGE_LINE = "Thời gian: {label} (cộng theo ngày diễn ra hoạt động)"
SCOPE_LINE = "Đơn vị: {unit}"
ALL_UNITS = "tất cả các đơn vị"
NO_UNITS = "Không có đơn vị báo cáo nào trong phạm vi này."

SUMMARY_SHEET = "Tổng hợp"
MISSING_SHEET = "Chưa báo cáo"
CHART_SHEET = "Biểu đồ"

STT = "STT"
UNIT = "Đơn vị"
PARENT = "Đơn vị cấp trên"
STATUS = "Tình trạng"
REPORTED_ON = "Ngày báo cáo"
GRAND_TOTAL = "TỔNG CỘNG"
NO_PARENT = "Đơn vị trực thuộc"
GROUP_DONE = "Đã báo cáo {done}/{total}"
# The review (chờ duyệt, đã duyệt, cần bổ sung) beside a unit's status, and a commune's closing.
ALL_APPROVED = "đã duyệt"
NOT_APPROVED = "chưa duyệt xong"
GROUP_CLOSED = "Đã chốt số liệu"

STATUS_NAMES = {
    Status.ON_TIME: "đúng hạn",
    Status.LATE: "muộn",
    Status.MISSING: "chưa báo cáo",
    Status.NIL: "không phát sinh",
}

# Signature block of an official sheet (nơi nhận, người lập biểu, trưởng ban).
RECIPIENTS = ["Nơi nhận:", "- Thường trực cấp ủy (để báo cáo);", "- Lưu."]
PREPARER = "NGƯỜI LẬP BIỂU"
HEAD = "TRƯỞNG BAN"
SIGN_HINT = "(Ký, ghi rõ họ tên)"

# Key figures on the summary sheet (see exports/figures.py for which kind counts what).
SESSIONS = "Số buổi phát"
BROADCAST_MINUTES = "Thời lượng (phút)"
MEETINGS = "Số cuộc"
ATTENDEES = "Số người dự"
REPORT_COUNT = "Số báo cáo"

# Detail sheets
DETAIL_TITLE = "{kind} — {label}"
RECEIPT = "Mã báo cáo"
ACTIVITY_DATE = "Ngày hoạt động"
REPORTER = "Người báo cáo"
RECEIVED = "Nhận lúc"
EDITED = "Sửa lúc"
VERSION = "Lần sửa"
PHOTOS = "Ảnh (mã tệp)"
PIN = "Vị trí {lat:.5f}, {lon:.5f}"  # a place sent as a pin: latitude, longitude

# Units that have not reported
MISSING_TITLE = "DANH SÁCH ĐƠN VỊ CHƯA BÁO CÁO — {label}"
MISSING_DEADLINE = "Hạn báo cáo: {deadline}. {scope}"
SECRETARY = "Bí thư / người báo cáo"
PHONE = "Số điện thoại"
REMINDERS = "Số lần đã nhắc"
NONE_MISSING = "Tất cả đơn vị đã báo cáo."

# Completeness chart
CHART_TITLE = "TỈ LỆ ĐƠN VỊ ĐÃ BÁO CÁO THEO ĐƠN VỊ CẤP TRÊN — {label}"
CHART_NAME = "Tình hình báo cáo theo đơn vị cấp trên"
UNITS_COUNT = "Tổng số đơn vị"
DONE_RATE = "Tỉ lệ đã báo cáo"

FOOTER = "Trang &P/&N"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


def dd_mm_yyyy(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def place_and_date(place: str, d: date) -> str:
    """'Sơn Lâm, ngày 05 tháng 02 năm 2026': a leading zero for days below 10 and for January and
    February, as official documents write it."""
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    text = f"ngày {d.day:02d} tháng {month} năm {d.year}"
    return f"{place}, {text}" if place else text.capitalize()
