"""Every word a user reads about directives ("hướng dẫn") and notices ("thông báo"). Beside
texts.py, for the same proof-reader. Each message stays under 300 characters for Zalo."""

from __future__ import annotations

# -- menu and commands ----------------------------------------------------------------------
MENU_DIRECTIVES = "Ban hành hướng dẫn, thông báo"
HOME = "Văn bản chỉ đạo gửi {unit}. Chọn việc:"
NEW_DIRECTIVE = "＋ Ban hành hướng dẫn mới"
NEW_NOTICE = "＋ Gửi thông báo"
ITEM_LABEL = "{number}: {title}"
WITHDRAWN_MARK = " (đã thu hồi)"

# -- creating a directive --------------------------------------------------------------------
ASK_NUMBER = (
    "Hướng dẫn mới · câu 1/6\nSố, ký hiệu và ngày ban hành?\nVí dụ: 122-HD/BTGTU 23/06/2023"
)
ASK_TITLE = "Hướng dẫn mới · câu 2/6\nTrích yếu (tên văn bản), tối đa {max} ký tự?"
ASK_SUMMARY = "Hướng dẫn mới · câu 3/6\nTóm tắt nội dung cần làm, tối đa {max} ký tự?"
ASK_TOPICS = (
    "Hướng dẫn mới · câu 4/6\nChủ đề tuyên truyền của văn bản? Chọn chủ đề có sẵn, "
    "hoặc gõ tên chủ đề mới; nhiều chủ đề cách nhau bởi dấu chấm phẩy."
)
TOPICS_CHOSEN = "Đã chọn: {topics}. Chọn thêm hoặc bấm Xong."
ASK_WINDOW = (
    "Hướng dẫn mới · câu 5/6\nThực hiện từ ngày nào đến ngày nào?\nVí dụ: 01/07/2026 - 31/12/2026"
)
ASK_FILE = (
    "Hướng dẫn mới · câu 6/6\nGửi tệp PDF hoặc DOCX của văn bản (gửi dạng tệp đính kèm), "
    "hoặc chọn Bỏ qua."
)
CONFIRM = (
    "Kiểm tra lại:\n• {number}, ngày {issued}\n• {title}\n• Thực hiện: {start} – {end}\n"
    "• Chủ đề: {topics}\n• Tệp: {file}\nSẽ gửi tới {n} người thuộc {unit}."
)
SEND = "✔ Ban hành và gửi"
SENT = "Đã ban hành {number}. Bot đang gửi tới {n} người; ai bấm “Đã nhận” sẽ được ghi lại."
NO_FILE = "—"

BAD_NUMBER = "Chưa đọc được số hiệu và ngày. Hãy gõ như: 122-HD/BTGTU 23/06/2023"
NUMBER_TAKEN = "Đã có văn bản số {number}. Hãy kiểm tra lại số hiệu."
BAD_WINDOW = "Chưa đọc được thời gian. Hãy gõ như: 01/07/2026 - 31/12/2026"
WINDOW_ORDER = "Ngày kết thúc phải sau ngày bắt đầu. Hãy gõ lại."
WINDOW_PAST = "Thời gian thực hiện đã qua (hôm nay {today}). Hãy gõ lại."
NO_TOPICS = "Hãy chọn hoặc gõ ít nhất một chủ đề."
TOPIC_TOO_LONG = "Tên chủ đề quá dài (tối đa {max} ký tự): “{name}…”"
FILE_KIND = "Chỉ nhận tệp PDF hoặc DOCX (Word). Hãy gửi lại, hoặc chọn Bỏ qua."
FILE_TOO_BIG = "Tệp quá lớn ({mb} MB, tối đa {max} MB). Hãy gửi bản nhỏ hơn."
FILE_RECEIVED = "Đã nhận tệp {name}."
FILE_NOT_NOW = "Bước này chưa cần tệp. Hãy trả lời câu hỏi:"

# -- what a member receives ------------------------------------------------------------------
HEADER = "📄 {issuer} ban hành Hướng dẫn số {number} ngày {issued}:\n{title}\nThực hiện: {start} – {end}."
ACK_ASK = "Đồng chí đã nhận văn bản chưa? Bấm “Đã nhận” (hoặc gõ: đã nhận)."
ACK_BUTTON = "✔ Đã nhận"
ACK_BUSY = "(Đang làm dở một việc: trả lời tiếp câu trước; xong rồi gõ “đã nhận”.)"
ACK_THANKS = "Đã ghi nhận đồng chí đã nhận Hướng dẫn số {number}. Cảm ơn đồng chí!"
ACK_ALREADY = "Đồng chí đã xác nhận nhận Hướng dẫn số {number} rồi."
ACK_NOTHING = "Không có văn bản nào đang chờ đồng chí xác nhận."
ACK_GONE = "Văn bản này đã được thu hồi."
REMIND_ACK = "🔔 Nhắc: đồng chí chưa xác nhận đã nhận Hướng dẫn số {number} ({title})."
NOTICE_HEADER = "📢 Thông báo của {issuer}:\n{text}"

# -- the issuer's actions on one directive ---------------------------------------------------
ITEM = "{number} ({issued}): {title}\nThực hiện {start} – {end}. Đã nhận: {acked}/{total} người."
UNACKED = "👥 Ai chưa nhận"
REMIND = "🔔 Nhắc người chưa nhận"
RESULTS = "📊 Kết quả thực hiện (Excel)"
EDIT_WINDOW = "✎ Sửa thời gian thực hiện"
EDIT_SUMMARY = "✎ Sửa tóm tắt"
ASK_NEW_SUMMARY = "Tóm tắt mới (tối đa {max} ký tự)? Người đã nhận văn bản không được gửi lại."
SUMMARY_SAVED = "Đã sửa tóm tắt {number}."
WITHDRAW = "🗑 Thu hồi"
UNACKED_NONE = "Tất cả {total} người đã xác nhận nhận {number}."
UNACKED_HEAD = "Chưa xác nhận nhận {number} ({n}/{total} người):"
UNACKED_MORE = "… và {n} người khác."
NOT_SENT_MARK = " (chưa gửi được)"
PENDING_MARK = " (đang chờ gửi)"
REMINDED = "Đã xếp lịch nhắc {n} người chưa xác nhận {number}."
REMINDED_NONE = "Không có ai cần nhắc (hoặc đã nhắc hôm nay)."
ASK_NEW_WINDOW = "Thời gian thực hiện mới? Ví dụ: 01/07/2026 - 31/12/2026"
WINDOW_SAVED = "Đã sửa thời gian thực hiện {number}: {start} – {end}."
CONFIRM_WITHDRAW = "Thu hồi {number}? Tin chưa gửi sẽ không gửi nữa; báo cáo đã gắn vẫn giữ."
YES_WITHDRAW = "Thu hồi"
WITHDRAWN = "Đã thu hồi {number}; {n} tin chưa gửi đã được hủy."
GONE = "Văn bản này không còn hoặc không thuộc phạm vi của đồng chí."
RESULTS_STARTED = "Đang lập bảng kết quả thực hiện, đồng chí chờ ít phút…"
RESULTS_READY = (
    "Kết quả thực hiện {number}: {activities} hoạt động của {done}/{units} đơn vị; "
    "{acked}/{total} người đã nhận."
)
RESULTS_FAILED = "Chưa lập được bảng kết quả. Hãy thử lại sau ít phút."
RESULT_UNKNOWN = "Không có văn bản số “{number}” trong phạm vi của đồng chí."
RESULT_HOW = "Gõ /ketqua kèm số hiệu, ví dụ: /ketqua 122-HD/BTGTU"

# -- notices ---------------------------------------------------------------------------------
ASK_NOTICE = "Nội dung thông báo (tối đa {max} ký tự)?"
ASK_NOTICE_FILE = "Kèm tệp PDF hoặc DOCX? Gửi tệp, hoặc chọn Bỏ qua."
CONFIRM_NOTICE = "Gửi thông báo này tới {n} người thuộc {unit}?\n“{text}”\nTệp: {file}"
SEND_NOTICE = "✔ Gửi thông báo"
NOTICE_SENT = "Đã xếp lịch gửi thông báo tới {n} người."
NOBODY = "Chưa có ai thuộc {unit} kết nối với bot để nhận."

# -- a reporter reads the directives running for their unit ---------------------------------
MENU_READ = "Văn bản chỉ đạo"
READ_NONE = "Hiện không có hướng dẫn nào đang thực hiện cho {unit}."
READ_LIST = "Hướng dẫn đang thực hiện cho {unit}. Chọn một văn bản để xem:"
READ_ACTIONS = "Chọn việc với văn bản này:"
TIE = "🔗 Báo cáo đã gửi thuộc văn bản này"
TIE_PICK = "Báo cáo nào thực hiện {number}? (báo cáo trong thời gian thực hiện, chưa gắn)"
TIE_NONE = "Đơn vị chưa có báo cáo nào khác trong thời gian thực hiện {number}."
TIE_ITEM = "{receipt} · {kind} · {date}"
TIED = "Đã ghi báo cáo {receipt} là kết quả thực hiện {number}."


def short(text: str, limit: int) -> str:
    """`text` cut at a word to fit `limit` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.-")
    return head + "…"
