"""Every word a user reads, in one file so that one person can proof-read them all.

Short sentences: reporters read these on small phones, often in their second language."""

from __future__ import annotations

from datetime import date, datetime

from models.periods import VN_TZ

# -- parsing errors --------------------------------------------------------------------------
BAD_DATE = "Chưa hiểu ngày. Hãy gõ như 12/11 hoặc 12/11/2026, hay chọn Hôm nay / Hôm qua."
FUTURE_DATE = "Ngày này chưa tới (hôm nay là {today}). Hãy nhập ngày đã diễn ra."
LOCKED_PERIOD = "Kỳ báo cáo {period} đã khóa sổ sau ngày {locked}. Hãy nhập ngày trong kỳ đang mở."
BAD_NUMBER = "Chưa hiểu số. Hãy gõ một số, ví dụ: 3"
ONE_NUMBER = "Hãy gõ một số thôi, ví dụ: 3"
WHOLE_NUMBER = "Hãy gõ số nguyên, không có phần lẻ, ví dụ: 3"
NEGATIVE_NUMBER = "Số không được âm. Hãy gõ lại, ví dụ: 3"
NUMBER_TOO_SMALL = "Số nhỏ nhất là {low} {unit}"
NUMBER_TOO_BIG = "Số quá lớn: tối đa {high} {unit}. Hãy kiểm tra và gõ lại."
EMPTY_TEXT = "Nội dung đang trống. Hãy gõ vài chữ."
TEXT_TOO_LONG = "Nội dung quá dài ({length} ký tự, tối đa {max}). Hãy viết ngắn hơn."
CHOICE_OUT_OF_RANGE = "Chỉ có các số từ 1 đến {n}."
PICK_SOMETHING = "Hãy chọn ít nhất một mục."
UNKNOWN_CHOICE_PART = "Chưa hiểu “{part}”. Hãy gõ số thứ tự, ví dụ: 1, 3"
NOT_A_CHOICE = "Chưa hiểu câu trả lời. Hãy chọn một trong các mục dưới đây (gõ số hoặc tên)."

# -- navigation ------------------------------------------------------------------------------
BACK = "« Quay lại"
CANCEL = "✖ Hủy"
SKIP = "Bỏ qua"
DONE = "Xong"
TODAY = "Hôm nay"
YESTERDAY = "Hôm qua"
CANCELLED = "Đã hủy. Không có gì được lưu."
NOTHING_TO_CANCEL = "Không có việc gì đang làm dở."
STALE_BUTTON = "Nút này đã cũ, không còn dùng được. Hãy trả lời câu hỏi mới nhất:"
UNKNOWN_COMMAND = "Không có lệnh {command}. Gõ /help để xem hướng dẫn."
UNSUPPORTED = "Bot chưa đọc được {what}. Hãy trả lời bằng chữ hoặc số."
PHOTO_NOT_NOW = "Bước này chưa cần ảnh. Hãy trả lời câu hỏi:"
IN_PROGRESS = "Bạn đang làm dở {what}. Trả lời tiếp câu hỏi dưới đây, hoặc gõ Hủy để bỏ."
MAIN_MENU = "Chọn việc cần làm:"
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
MENU_EXPORT = "Xuất báo cáo Excel"
WHAT_REPORT = "báo cáo {kind}"
WHAT_A_REPORT = "một báo cáo"
WHAT_NIL = "báo cáo không phát sinh"
WHAT_OTHER = "một việc"

HELP = (
    "Bot giúp chi bộ báo cáo công tác tuyên truyền.\n"
    "• Chọn loại hoạt động (Phát thanh loa, Cổ động trực quan, Hội họp) rồi trả lời từng câu.\n"
    "• Trả lời bằng số thứ tự hoặc gõ chữ, có dấu hay không dấu đều được.\n"
    "• Gõ “quay lại” để sửa câu trước, “hủy” để bỏ báo cáo đang làm.\n"
    "• Kỳ này không có hoạt động: chọn “Không phát sinh”.\n"
    "• Xem, sửa, xóa báo cáo đã gửi: chọn “Báo cáo của tôi”.\n"
    "Báo cáo làm dở được giữ lại, lúc nào nhắn tiếp cũng được."
)

# -- registration ----------------------------------------------------------------------------
STRANGER = (
    "Xin chào! Đây là bot báo cáo công tác tuyên truyền của chi bộ.\n"
    "Để dùng bot, hãy gửi mã mời (8 ký tự) do Ban Tuyên giáo cấp cho bạn."
)
STRANGER_PHONE_HINT = "Hoặc bấm nút chia sẻ số điện thoại nếu số của bạn đã có trong danh sách."
BAD_INVITE = "Mã mời không đúng hoặc đã hết hạn. Hãy kiểm tra lại, hoặc hỏi Ban Tuyên giáo mã mới."
PHONE_NOT_FOUND = "Số điện thoại này chưa có trong danh sách. Hãy gửi mã mời do Ban Tuyên giáo cấp."
TOO_MANY_ATTEMPTS = "Bạn đã thử quá nhiều lần. Hãy đợi đến ngày mai hoặc liên hệ Ban Tuyên giáo."
WELCOME = "Chào {name}! Bạn đã được ghi nhận là {role} của {unit}."
ALREADY_REGISTERED = "Bạn đã đăng ký rồi, không cần gửi mã nữa."
ROLE_NAMES = {"reporter": "người báo cáo", "supervisor": "cán bộ theo dõi", "admin": "quản trị"}

# -- reports ---------------------------------------------------------------------------------
ASK_PREFIX = "{kind} · câu {n}/{total}\n"
OPTIONAL_HINT = " (không bắt buộc)"
TOPICS_HINT = "Gõ số thứ tự các chủ đề, cách nhau bởi dấu phẩy (ví dụ: 1, 3)."
TOPICS_PICKED = "Đã chọn: {topics}. Chọn thêm hoặc bấm Xong."
PHOTOS_HINT = "Gửi ảnh chụp (một hoặc nhiều ảnh). Gửi xong bấm Xong; không có ảnh thì Bỏ qua."
PHOTO_RECEIVED = "Đã nhận {n} ảnh. Gửi thêm, hoặc bấm Xong."
PHOTO_DUPLICATE = "Ảnh này đã gửi trước đó, bot chỉ lưu một lần."
PHOTO_ONLY = "Bước này cần ảnh. Gửi ảnh, hoặc bấm Xong / Bỏ qua."
PLACE_HINT = "Gõ tên nơi, hoặc gửi vị trí 📍 đang đứng."
PLACE_RECEIVED = "Đã nhận vị trí."
LOCATION_NOT_NOW = "Bước này chưa cần vị trí. Hãy trả lời câu hỏi:"
BAD_LOCATION = "Vị trí này không đọc được. Hãy gửi lại vị trí, hoặc gõ tên nơi."
SUMMARY = "Kiểm tra lại báo cáo {kind}:"
SAVE = "✔ Lưu báo cáo"
SAVE_CHANGES = "✔ Lưu thay đổi"
EDIT_FIELD = "✎ Sửa một mục"
PICK_FIELD = "Chọn mục cần sửa:"
SAVED = "Đã lưu báo cáo {kind}.\nMã báo cáo: {receipt}\nKỳ: {period}. Cảm ơn đồng chí!"
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

# -- my reports ------------------------------------------------------------------------------
MINE_EMPTY = "Đơn vị chưa có báo cáo nào trong các kỳ đang mở."
MINE_LIST = "Báo cáo của {unit} trong các kỳ đang mở. Chọn một báo cáo để xem, sửa hoặc xóa:"
MINE_NIL_LINE = "Kỳ {period}: đã báo không phát sinh."
MINE_ITEM = "{receipt} · {kind} · {date}"
ITEM_ACTIONS = "Chọn việc với báo cáo này:"
EDIT = "✎ Sửa"
DELETE = "🗑 Xóa"
CONFIRM_DELETE = "Xóa báo cáo {receipt}? Việc này không hoàn tác được."
YES_DELETE = "Xóa"
NO_KEEP = "Không, giữ lại"
DELETED = "Đã xóa báo cáo {receipt}."
REPORT_GONE = "Báo cáo này không còn nữa."

# -- supervisors -----------------------------------------------------------------------------
LATE_HEADER = "Đơn vị chưa báo cáo {period} (hạn {deadline}), thuộc {unit}:"
LATE_NONE = "Tất cả đơn vị thuộc {unit} đã báo cáo {period}."
LATE_MORE = "… và {n} đơn vị khác."
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
    "xuatbaocao": "Xuất báo cáo Excel và Word, ví dụ /xuatbaocao 11/2026 hoặc quý 4/2026",
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
ZL_ANSWER_MANY = "Trả lời một số từ 1 đến {n}, hoặc gõ tên mục."
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


def zalo_answer_hint(n: int) -> str:
    """'Trả lời 1, 2 hoặc 3.' under a numbered list of n options on Zalo."""
    if n <= 1:
        return ""
    if n <= 5:
        return ZL_ANSWER_FEW.format(numbers=", ".join(str(i) for i in range(1, n)), last=n)
    return ZL_ANSWER_MANY.format(n=n)
