"""Every word printed on the report workbook, in one place to proof-read.

exports/ may not import handlers/, so the few words shared with the chat (status names) are kept
here too; handlers/texts.py holds what the bot says."""

from __future__ import annotations

from datetime import date

from models.queries import Status

PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
STAR = "*"
TITLE = "BÁO CÁO"
SUBJECT = "Kết quả công tác tuyên truyền {label}"  # the summary line under the title
NUMBER_LINE = "Số      -BC/{symbol}"  # the number is left blank for the clerk
RECIPIENTS_HEAD = "Nơi nhận:"
MULTI_LINE = "Thời gian: {label} ({first} - {last}), tình trạng báo cáo theo từng kỳ"
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
GROUP_DONE_ALL = "Báo cáo đủ các kỳ: {done}/{total}"
# The review (chờ duyệt, đã duyệt, cần bổ sung) beside a unit's status, and a commune's closing.
ALL_APPROVED = "đã duyệt"
NOT_APPROVED = "chưa duyệt xong"
GROUP_CLOSED = "Đã chốt số liệu"

STATUS_NAMES = {
    Status.ON_TIME: "đúng hạn",
    Status.LATE: "muộn",
    Status.MISSING: "chưa báo cáo",
    Status.NIL: "không phát sinh",
    Status.NOT_DUE: "chưa đến hạn",
}
NIL_LATE = "không phát sinh (muộn)"
# One letter per period on the sheet of statuses by period, with its legend.
STATUS_SHORT = {
    Status.ON_TIME: "Đ",
    Status.LATE: "M",
    Status.MISSING: "C",
    Status.NIL: "K",
    Status.NOT_DUE: "-",
}
STATUS_LEGEND = "Đ: đúng hạn; M: muộn; K: không phát sinh; C: chưa báo cáo; -: chưa đến hạn."
PERIODS_DONE = "Số kỳ đã báo cáo"
PERIODS_LATE = "Số kỳ muộn"
PERIODS_MISSING = "Kỳ chưa báo cáo"


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
PHOTOS = "Số ảnh"
NO_REPORTS = "Không có báo cáo"
PIN = "Vị trí {lat:.5f}, {lon:.5f}"  # a place sent as a pin: latitude, longitude

# Units that have not reported
MISSING_TITLE = "DANH SÁCH ĐƠN VỊ CHƯA BÁO CÁO — {label}"
MISSING_DEADLINE = "Hạn báo cáo: {deadline}. {scope}"
SECRETARY = "Bí thư / người báo cáo"
REMINDERS = "Số lần đã nhắc"
NONE_MISSING = "Tất cả đơn vị đã báo cáo."
MISSING_PERIODS = "Kỳ chưa báo cáo"
# The internal sheet, left out unless asked for: phone numbers must not leave the board.
CONTACTS_SHEET = "Liên hệ (nội bộ)"
CONTACTS_TITLE = "LIÊN HỆ ĐƠN VỊ CHƯA BÁO CÁO — {label} — TÀI LIỆU NỘI BỘ, KHÔNG GỬI ĐI"
PHONE = "Số điện thoại"

# Quarters, halves, years: statuses per period, figures per month, comparisons
PERIODS_SHEET = "Báo cáo từng kỳ"
PERIODS_TITLE = "TÌNH HÌNH BÁO CÁO TỪNG KỲ — {label}"
MONTHS_SHEET = "Theo tháng, so sánh"
MONTHS_TITLE = "SỐ LIỆU THEO THÁNG VÀ SO SÁNH — {label}"
MONTH = "Tháng {month:02d}/{year}"
MONTHS_HEAD = "Thời gian"
UNITS_DONE = "Đơn vị đã báo cáo"
NOT_DUE_NOTE = " (chưa đến hạn)"
THIS_TOTAL = "Cộng {label}"
BEFORE = "Kỳ trước ({label})"
YEAR_BEFORE = "Cùng kỳ năm trước ({label})"
CHANGE = "Tăng, giảm so với {what} (%)"
WHAT_BEFORE = "kỳ trước"
WHAT_YEAR_BEFORE = "cùng kỳ"

# Counts per directive topic and per form
TOPICS_SHEET = "Chủ đề, hình thức"
TOPICS_TITLE = "SỐ LIỆU THEO CHỦ ĐỀ VÀ HÌNH THỨC — {label}"
TOPIC = "Chủ đề tuyên truyền"
ACTIVITIES = "Số hoạt động"
TOPIC_SESSIONS = "Số buổi phát thanh"
TOPIC_MINUTES = "Thời lượng (phút)"
FORMS_TITLE = "Theo hình thức"
FORM = "Hình thức"
FORM_COUNT = "Số lượng"

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


def short_period(start: date, end: date) -> str:
    """A period as a narrow column names it: "T10/2026", "Q4/2026", "6T2/2026", "2026"."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if months == 1:
        return f"T{start.month}/{start.year}"
    if months == 3:
        return f"Q{(start.month - 1) // 3 + 1}/{start.year}"
    if months == 6:
        return f"6T{(start.month - 1) // 6 + 1}/{start.year}"
    return str(start.year)
