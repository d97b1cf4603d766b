"""Every word a user reads, in one file so that one person can proof-read them all.

Short sentences: reporters read these on small phones, often in their second language."""

from __future__ import annotations

from datetime import date, datetime

from models.periods import VN_TZ

# -- parsing errors --------------------------------------------------------------------------
BAD_DATE = "Chưa hiểu ngày. Hãy gõ như 12/11 hoặc 12/11/2026, hay chọn Hôm nay / Hôm qua."
FUTURE_DATE = "Ngày này chưa tới (hôm nay là {today}). Hãy nhập ngày đã diễn ra."
LOCKED_PERIOD = "Kỳ báo cáo {period} đã khóa sổ sau ngày {locked}. Hãy nhập ngày trong kỳ đang mở."
BAD_MONTH = "Không có tháng {month}. Hãy gõ ngày như 12/11."
NO_SUCH_DAY = "Tháng {month} không có ngày {day}. Hãy gõ lại ngày."
BAD_NUMBER = "Chưa hiểu số. Hãy gõ một số, ví dụ: 3"
DIGITS_ONLY = "Hãy gõ số bằng chữ số 0–9, ví dụ: 3"
WRONG_UNIT = "Câu này hỏi số {unit}, không phải số {got}. Hãy gõ lại."
ONE_NUMBER = "Hãy gõ một số thôi, ví dụ: 3"
WHOLE_NUMBER = "Hãy gõ số nguyên, không có phần lẻ, ví dụ: 3"
NEGATIVE_NUMBER = "Số không được âm. Hãy gõ lại, ví dụ: 3"
NUMBER_TOO_SMALL = "Số nhỏ nhất là {low} {unit}"
NUMBER_TOO_BIG = "Số quá lớn: tối đa {high} {unit}. Hãy kiểm tra và gõ lại."
EMPTY_TEXT = "Nội dung đang trống. Hãy gõ vài chữ."
NO_WORDS = "Chưa có chữ nào. Hãy gõ bằng chữ, ví dụ: Cụm loa bản Nà Khum"
REQUIRED = "Mục này cần trả lời, không bỏ qua được."
TEXT_TOO_LONG = "Nội dung quá dài ({length} ký tự, tối đa {max}). Hãy viết ngắn hơn."
CHOICE_OUT_OF_RANGE = "Chỉ có các số từ 1 đến {n}."
PICK_SOMETHING = "Hãy chọn ít nhất một mục."
UNKNOWN_CHOICE_PART = "Chưa hiểu “{part}”. Hãy gõ số theo danh sách, ví dụ: 1, 3"
NOT_A_CHOICE = "Chưa hiểu. Hãy gõ số hoặc tên một mục."

# -- navigation ------------------------------------------------------------------------------
BACK = "« Quay lại"
CANCEL = "✖ Hủy"
SKIP = "Bỏ qua"
DONE = "Xong"
TODAY = "Hôm nay"
YESTERDAY = "Hôm qua"
CANCELLED = "Đã hủy. Không có gì được lưu."
NOTHING_TO_CANCEL = "Không có việc gì đang làm dở."
STALE_BUTTON = "Nút này đã cũ. Hãy trả lời câu hỏi mới nhất:"
UNKNOWN_COMMAND = "Không có lệnh {command}. Gõ /help để xem hướng dẫn."
UNSUPPORTED = "Bot chưa đọc được {what}. Hãy trả lời bằng chữ hoặc số."
PHOTO_NOT_NOW = "Bước này chưa cần ảnh. Hãy trả lời câu hỏi:"
IN_PROGRESS = "Đồng chí đang làm dở {what}. Trả lời tiếp, hoặc gõ Hủy để bỏ."
MAIN_MENU = "Chọn việc, hoặc gõ cả báo cáo trong một tin (gõ ? để xem cách):"
MAIN_MENU_SHORT = "Chọn việc cần làm:"
BLOCKED_MEMBER = "Tài khoản của bạn đã bị tạm khóa. Hãy liên hệ Ban Tuyên giáo."
TRY_AGAIN = "Có lỗi khi lưu. Chưa có gì thay đổi, hãy thử lại sau ít phút."

UNSUPPORTED_KINDS = {
    "sticker": "nhãn dán (sticker)",
    "voice": "tin nhắn thoại",
    "video": "video",
    "file": "tệp này",
    "other": "loại tin nhắn này",
}

# -- menu ------------------------------------------------------------------------------------
MENU_NIL = "Không phát sinh"
MENU_MINE = "Báo cáo của tôi"
MENU_LATE = "Đơn vị chưa báo cáo"
MENU_HELP = "Hướng dẫn"
MENU_REPEAT = "Như lần trước"
MENU_EXPORT = "Xuất báo cáo Excel"
WHAT_REPORT = "báo cáo {kind}"
WHAT_A_REPORT = "một báo cáo"
WHAT_NIL = "báo cáo không phát sinh"
WHAT_OTHER = "một việc"

# Help comes in pages of at most 300 characters, each with "Xem tiếp" to the next.
HELP_PAGES = [
    "Gõ cả báo cáo trong một tin, có dấu hay không đều được, ví dụ:\n"
    "• pt hom qua 2 buoi 45 phut\n"
    "• 3 bang ron 2 khau hieu 10/11 nga ba ban\n"
    "• hop chi bo 14/11 25 nguoi 1 tieng ruoi\n"
    "Bot hỏi thêm mục còn thiếu, rồi cho xem lại trước khi lưu.",
    "• “Như lần trước”: chép báo cáo gần nhất, ngày hôm nay.\n"
    "• Hoặc chọn loại hoạt động, trả lời từng câu.\n"
    "• “quay lại”: sửa câu trước; “hủy”: bỏ báo cáo đang làm.\n"
    "• Kỳ này không có hoạt động: “Không phát sinh”.\n"
    "• Xem, sửa, xóa: “Báo cáo của tôi”.",
]
HELP = HELP_PAGES[0]
CONSOLE_HELP = "• Gửi ảnh: /anh đường/dẫn/ảnh.jpg"
CONSOLE_NO_FILE = "Không thấy tệp {path}. Gõ: /anh đường/dẫn/ảnh.jpg"
CONSOLE_NOT_IMAGE = "Tệp {name} không phải ảnh (JPEG, PNG, GIF, WebP), bot không nhận."
HELP_MORE = "Xem tiếp"
HELP_MENU = "☰ Menu chính"

# -- registration ----------------------------------------------------------------------------
STRANGER = (
    "Xin chào! Đây là bot báo cáo công tác tuyên truyền của chi bộ.\n"
    "Để dùng bot, hãy gửi mã mời (8 ký tự) do Ban Tuyên giáo cấp cho bạn."
)
STRANGER_PHONE_HINT = "Hoặc bấm nút chia sẻ số điện thoại nếu số của bạn đã có trong danh sách."
BAD_INVITE = (
    "Mã mời “{code}” không đúng hoặc đã hết hạn. Hãy kiểm tra lại, hoặc hỏi Ban Tuyên giáo mã mới."
)
PHONE_NOT_FOUND = "Số điện thoại này chưa có trong danh sách. Hãy gửi mã mời do Ban Tuyên giáo cấp."
TOO_MANY_ATTEMPTS = "Bạn đã thử quá nhiều lần. Hãy đợi đến ngày mai hoặc liên hệ Ban Tuyên giáo."
WELCOME = "Chào {name}! Bạn đã được ghi nhận là {role} của {unit}."
ALREADY_REGISTERED = "Bạn đã đăng ký rồi, không cần gửi mã nữa."
ROLE_NAMES = {"reporter": "người báo cáo", "supervisor": "cán bộ theo dõi", "admin": "quản trị"}

# -- reports ---------------------------------------------------------------------------------
ASK_PREFIX = "{kind} · câu {n}/{total}\n"
OPTIONAL_HINT = " (không bắt buộc)"
TOPICS_HINT = "Gõ số, ví dụ: 1, 3."
TOPICS_PICKED = "Đã chọn: {topics}. Chọn thêm hoặc Xong."
MORE_TOPICS = "Chủ đề khác"
OTHER_TOPIC = "Khác (ghi rõ)"
ASK_OTHER_TOPIC = "Chủ đề khác đó là gì? Gõ ngắn gọn."
FORMS_PICKED = "Đã ghi: {forms}. Thêm hình thức khác hoặc Xong."
FORM_HOW_MANY = "Bao nhiêu {form}?"
FORM_NEED_QUANTITY = "Hãy ghi cả số lượng, ví dụ: 3 {form}"
FORM_UNKNOWN = "Chưa hiểu hình thức “{part}”. Có: {options}."
PHOTOS_HINT = "Gửi ảnh (một hoặc nhiều). Xong thì gõ Xong; không có ảnh thì Bỏ qua."
PHOTO_RECEIVED = "Đã nhận {n} ảnh."
PHOTO_DUPLICATE = "Ảnh này đã gửi trước đó, bot chỉ lưu một lần."
PHOTO_ONLY = "Bước này cần ảnh. Gửi ảnh, hoặc gõ Xong / Bỏ qua."
PLACE_HINT = "Gõ tên nơi, hoặc gửi vị trí 📍."
PLACE_RECEIVED = "Đã nhận vị trí."
LOCATION_NOT_NOW = "Bước này chưa cần vị trí. Hãy trả lời câu hỏi:"
BAD_LOCATION = "Vị trí này không đọc được. Hãy gửi lại vị trí, hoặc gõ tên nơi."
SUMMARY = "Kiểm tra báo cáo {kind}:"
SUMMARY_ADD_BOTH = "Gửi ảnh, ghi chú nếu cần, rồi chọn Lưu."
SUMMARY_ADD_PHOTO = "Gửi ảnh nếu có, rồi chọn Lưu."
SUMMARY_MORE = "Gửi thêm, hoặc chọn Lưu."
NOTE_SAVED = "Đã ghi chú."
KIND_GONE = "Loại báo cáo này không còn dùng nữa. Không có gì được lưu."
KIND_CHANGED = "Câu hỏi của loại báo cáo này vừa được đổi. Mời trả lời tiếp:"
SUMMARY_NOT_UNDERSTOOD = "Chưa hiểu. Chọn Lưu, Sửa, hoặc gõ Hủy."
COPIED_FROM = "Chép từ {receipt}."
TWO_DATES = "Có hai ngày khác nhau, bot chưa biết ngày nào."
TWO_NUMBERS = "Có hai số cho {label}, bot chưa biết số nào."
UNIT_NOT_ASKED = "“{text}”: báo cáo này không hỏi số đó, bot không ghi."
HELP_IN_FLOW = "Trả lời câu hỏi dưới đây. Gõ “quay lại” để sửa câu trước, “hủy” để bỏ."
LEFTOVER = "Phần “{text}” bot chưa hiểu, không ghi."
PICK_KIND = "Báo cáo hoạt động nào?"
NOT_A_REPORT_UNIT = "{unit} không phải đơn vị báo cáo hằng kỳ."
REPEAT_NONE = "Đơn vị chưa có báo cáo nào để chép. Hãy chọn loại hoạt động."
SAVE = "✔ Lưu"
SAVE_CHANGES = "✔ Lưu thay đổi"
EDIT_FIELD = "✎ Sửa"
PICK_FIELD = "Chọn mục cần sửa:"
SAVED = "Đã lưu {receipt} ({kind}, {period}). Cảm ơn đồng chí!"
UPDATED = "Đã lưu thay đổi báo cáo {receipt} (lần sửa {version})."
NIL_REPLACED = "Báo cáo “không phát sinh” trước đó của kỳ {period} đã được thay bằng báo cáo này."
EDIT_CONFLICT = (
    "Báo cáo {receipt} vừa được sửa hoặc xóa ở nơi khác. Hãy mở lại để xem bản mới nhất."
)
NOT_EDITABLE = "Báo cáo {receipt} thuộc kỳ đã khóa sổ, không sửa hay xóa được nữa."
NO_FIELDS = "Loại báo cáo này chưa có câu hỏi nào. Hãy báo Ban Tuyên giáo."

# -- nil report ------------------------------------------------------------------------------
NIL_WHICH_PERIOD = "Báo cáo không phát sinh cho kỳ nào?"
NIL_CONFIRM = (
    "Xác nhận: {unit} không có hoạt động tuyên truyền nào trong {period}?\n"
    "(Nếu sau đó có hoạt động, cứ báo cáo bình thường.)"
)
NIL_YES = "✔ Xác nhận không phát sinh"
NIL_SAVED = (
    "Đã ghi nhận {unit} không phát sinh hoạt động trong {period}.\n"
    "Mã báo cáo: {receipt}. Cảm ơn đồng chí!"
)
NIL_ALREADY = "{unit} đã báo không phát sinh cho {period} rồi."
NIL_HAS_REPORTS = "{unit} đã có {n} báo cáo trong {period}, nên không báo “không phát sinh” được."
NIL_WITHDRAW = "Rút lại “không phát sinh” {period}"
NIL_WITHDRAWN = "Đã rút lại báo cáo không phát sinh {period}."

# -- my reports ------------------------------------------------------------------------------
MINE_EMPTY = "Đơn vị chưa có báo cáo nào trong các kỳ đang mở."
MINE_LIST = "Báo cáo các kỳ đang mở. Chọn để xem, sửa hoặc xóa:"
MORE = "Xem thêm"
MINE_NIL_LINE = "Kỳ {period}: đã báo không phát sinh."
MINE_NIL_ONLY = "Đơn vị chưa có báo cáo hoạt động nào trong các kỳ đang mở. Chọn để rút lại:"
MINE_ITEM = "{receipt} · {date} · {kind}"
ITEM_ACTIONS = "Chọn việc với báo cáo này:"
EDIT = "✎ Sửa"
DELETE = "🗑 Xóa"
CONFIRM_DELETE = "Xóa báo cáo {receipt}? Việc này không hoàn tác được."
YES_DELETE = "Xóa"
NO_KEEP = "Không, giữ lại"
DELETED = "Đã xóa báo cáo {receipt}."
REPORT_GONE = "Báo cáo này không còn nữa."

# -- supervisors -----------------------------------------------------------------------------
LATE_HEADER = "{n} đơn vị chưa báo cáo {period} (hạn {deadline}):"
LATE_NONE = "Tất cả đơn vị thuộc {unit} đã báo cáo {period}."
LATE_MORE = "… và {n} đơn vị khác."
LATE_NOBODY = "chưa có người báo cáo"
NOT_ALLOWED = "Chức năng này dành cho cán bộ theo dõi và quản trị."

STATUS_NAMES = {
    "on_time": "đúng hạn",
    "late": "muộn",
    "missing": "chưa báo cáo",
    "nil": "không phát sinh",
}


def fmt_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def fmt_datetime(dt: datetime) -> str:
    return dt.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")


def period_label(start: date, end: date) -> str:
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    y = start.year
    if months == 1:
        return f"tháng {start.month:02d}/{y}"
    if months == 3:
        return f"quý {['I', 'II', 'III', 'IV'][(start.month - 1) // 3]}/{y}"
    if months == 6:
        return f"6 tháng {'đầu' if start.month == 1 else 'cuối'} năm {y}"
    if months == 12:
        return f"năm {y}"
    return f"{fmt_date(start)} - {fmt_date(end)}"


# -- Telegram (what the Telegram adapter itself shows) ---------------------------------------
TG_SHARE_PHONE = "📱 Chia sẻ số điện thoại"
TG_MENU_BUTTON = "☰ Menu chính"
TG_HELP_BUTTON = "❓ Hướng dẫn"
TG_INPUT_PLACEHOLDER = "Bấm nút hoặc gõ câu trả lời"
TG_PRESSED = "👉 Đã chọn: {label}"
TG_CONTACT_NOT_OWN = (
    "Đây không phải số điện thoại của bạn. Hãy bấm nút “📱 Chia sẻ số điện thoại” bên dưới."
)
TG_FILE_TOO_BIG = "Tệp quá lớn (tối đa 20 MB), bot không nhận được. Hãy gửi ảnh nhỏ hơn."
TG_DOWNLOAD_FAILED = "Chưa tải được ảnh về. Hãy gửi lại sau ít phút."
SLOW_WORK_FAILED = "Có lỗi khi chuẩn bị kết quả. Hãy thử lại sau ít phút."
# The command list behind Telegram's "Menu" button (command: description).
TG_COMMANDS = {
    "menu": "Menu chính",
    "baocao": "Báo cáo hoạt động",
    "khongphatsinh": "Báo cáo không phát sinh",
    "cuatoi": "Báo cáo của tôi",
    "chuabaocao": "Đơn vị chưa báo cáo (cán bộ theo dõi)",
    "duyet": "Duyệt báo cáo (cán bộ theo dõi)",
    "chotso": "Chốt số liệu của xã (cán bộ theo dõi)",
    "xuatbaocao": "Xuất báo cáo Excel và Word, ví dụ /xuatbaocao 11/2026 hoặc quý 4/2026",
    "web": "Mở trang quản lý trên trình duyệt (cán bộ theo dõi)",
    "huongdan": "Hướng dẫn",
    "huy": "Hủy việc đang làm",
}

# -- Excel export (/xuatbaocao) --------------------------------------------------------------
EXPORT_STARTED = "Đang tạo báo cáo…"
EXPORT_BAD_MONTH = (
    "Chưa hiểu kỳ “{text}”. Hãy gõ sau lệnh một tháng, quý, 6 tháng hoặc năm, ví dụ: "
    "/xuatbaocao 11/2026, /xuatbaocao quý 4/2026, /xuatbaocao 6 tháng 2/2026, /xuatbaocao năm 2026"
)
EXPORT_FUTURE_MONTH = (
    "Tháng {month} chưa tới nên chưa có gì để xuất. Hãy chọn tháng này hoặc tháng trước."
)
EXPORT_FUTURE_SPAN = "{label} chưa tới nên chưa có gì để xuất."
EXPORT_READY = (
    "Báo cáo {period} của {unit}: {units} đơn vị, {activities} hoạt động, "
    "{missing} đơn vị chưa báo cáo."
)
EXPORT_DOCX_READY = "Dự thảo báo cáo (Word) kèm theo: sửa phần phương hướng rồi trình ký."
EXPORT_FAILED = "Chưa tạo được báo cáo. Hãy thử lại sau ít phút."

# -- reminders -------------------------------------------------------------------------------
REMIND = (
    "Nhắc báo cáo {period}: {unit} chưa gửi báo cáo công tác tuyên truyền. {when}\n"
    "Nếu kỳ này không có hoạt động, chọn “Không phát sinh”."
)
REMIND_LEFT = "Hạn nộp {deadline}, còn {days} ngày."
REMIND_TODAY = "Hôm nay ({deadline}) là hạn cuối."
REMIND_OVERDUE = "Đã quá hạn {days} ngày (hạn {deadline}); sổ khóa sau ngày {locks}."
REMIND_NOW = "Báo cáo ngay"
SNOOZE = "Nhắc tôi sau"
SNOOZED = "Được, bot sẽ nhắc lại sau {hours} giờ."
REMIND_BUSY = "(Bạn đang làm dở một báo cáo: trả lời tiếp câu hỏi trước đó là được.)"
REMIND_STALE = "Kỳ báo cáo này đã khóa sổ, không cần báo cáo nữa."
ESCALATE = (
    "Báo cáo {period} (hạn {deadline}): {n} đơn vị thuộc {parent} chưa báo cáo, "
    "đã quá hạn {days} ngày:\n{units}\nĐề nghị đồng chí đôn đốc."
)
DIGEST = (
    "Tổng hợp báo cáo {period} thuộc {unit} (hạn {deadline}): {reported}/{total} đơn vị đã "
    "báo cáo — {on_time} đúng hạn, {late} muộn, {nil} không phát sinh; {missing} chưa báo cáo."
)

# -- Zalo (what the Zalo adapters themselves show) -------------------------------------------
ZL_ANSWER_FEW = "Trả lời {numbers} hoặc {last}."
ZL_ANSWER_MANY = "Trả lời số 1–{n} hoặc tên mục."
ZL_PHOTO_TOO_BIG = "Ảnh quá lớn (tối đa {mb} MB), bot không nhận được. Hãy gửi ảnh nhỏ hơn."
ZL_PHOTO_FAILED = "Chưa tải được ảnh về. Hãy gửi lại sau ít phút."
ZL_FILE_LINK = "Tải tệp {name} tại đây (liên kết dùng được đến {until}):\n{url}"
ZL_FILE_UNAVAILABLE = "Chưa gửi được tệp qua Zalo. Hãy nhờ quản trị viên lấy tệp trên máy chủ."
# For the admins (written to the outbox once the reminders work connects the hook).
ZL_QUOTA_WARNING = (
    "Bot Zalo {bot}{unit} đã gửi {sent}/{quota} tin nhắn trong tháng {month}, sắp hết hạn mức. "
    "Hãy tạo thêm bot hoặc chuyển bớt người dùng sang kênh khác."
)
ZL_QUOTA_EXHAUSTED = (
    "Bot Zalo {bot}{unit} đã hết hạn mức tin nhắn (tháng {month}): tin nhắn qua bot này "
    "tạm thời không gửi được."
)
ZL_RATE_LIMITED = (
    "Bot Zalo {bot}{unit} bị Zalo giới hạn tốc độ gửi (lỗi 429) suốt hơn 1 giờ, dù mới gửi "
    "{sent}/{quota} tin trong tháng {month}. Tin nhắn qua bot này đang bị chậm; hãy kiểm tra "
    "gói dịch vụ của bot."
)
ZL_TOKEN_INVALID = (
    "Bot Zalo {bot}{unit}: Zalo không nhận token (lỗi 401), bot này không gửi, không nhận được "
    "tin. Hãy lấy token mới trong Zalo Bot Manager, sửa ZALO_BOT_TOKENS rồi khởi động lại."
)
ZL_OA_NO_PAID_ACCOUNT = (
    "Zalo OA {oa}: tin nhắn gửi sau 48 giờ kể từ lần cuối người dùng nhắn bị từ chối "
    "(lỗi {code}: chưa có tài khoản Zalo Cloud trả phí). Bot gửi qua kênh khác của người đó."
)
# For the operator at start-up (terminal and log): Vietnamese, then English.
ZL_WEBHOOK_FAILED = (
    "Zalo không gọi được webhook {url} của bot {bot} ({detail}). Hãy kiểm tra PUBLIC_URL là địa "
    "chỉ https công khai trỏ tới máy chủ này và ZALO_BOT_WEBHOOK_SECRET. / Zalo's check request "
    "to the webhook {url} of bot {bot} failed ({detail}): PUBLIC_URL must be a public https "
    "address that reaches this server."
)


def zalo_answer_hint(n: int) -> str:
    """'Trả lời 1, 2 hoặc 3.' under a numbered list of n options on Zalo."""
    if n <= 1:
        return ""
    if n <= 5:
        return ZL_ANSWER_FEW.format(numbers=", ".join(str(i) for i in range(1, n)), last=n)
    return ZL_ANSWER_MANY.format(n=n)
