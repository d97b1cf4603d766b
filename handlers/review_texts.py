"""Every word of the review loop (queue, approve, send back, closing, checks), beside texts.py so
that one person proof-reads them together. Each message stays within 300 characters."""

from __future__ import annotations

# -- the reporter: checks before saving --------------------------------------------------------
SUSPICIOUS = "{label}: {value}. Số này lớn hơn nhiều so với các lần trước, đồng chí kiểm tra lại?"
KEEP = "Đúng, giữ nguyên"
FIX_VALUE = "Sửa lại"
CLOSED = (
    "Số liệu {period} của {unit} đã chốt, chưa lưu được. Đề nghị cán bộ xã mở lại (/chotso) "
    "rồi lưu; hoặc gõ Hủy."
)
CLOSED_NO_DELETE = (
    "Số liệu {period} của {unit} đã chốt, không xóa được. Đề nghị cán bộ xã mở lại (/chotso)."
)
STATE_NAMES = {"pending": "chờ duyệt", "approved": "đã duyệt", "returned": "cần bổ sung"}
MINE_STATE = "Tình trạng: {state}."
MINE_REASON = "Lý do trả lại: {reason}"
EDITED_BY = "Sửa lần cuối: {name}."
RESUBMITTED = "Báo cáo đã gửi lại để duyệt."

# -- the supervisor: the queue -----------------------------------------------------------------
MENU_REVIEW = "Duyệt báo cáo"
QUEUE = "{n} báo cáo chờ duyệt (cũ nhất trước). Chọn để xem:"
QUEUE_EMPTY = "Không có báo cáo nào chờ duyệt."
QUEUE_ITEM = "{receipt} · {date} · {unit}{flag}"
CLOSE_MENU = "Chốt số liệu {period}"
REOPEN_MENU = "Mở lại số liệu {period}"
ITEM_HEAD = "{receipt} · {unit} · {kind} (lần sửa {version})"
LAST_REASON = "Đã trả lại lần trước: {reason}"
FLAG_FIGURES = "⚠ Số lớn bất thường, vẫn giữ: {figures}."
FLAG_PHOTO = "⚠ Ảnh giống ảnh của {receipt} ({unit})."
DECIDE = "Duyệt hay trả lại?"
APPROVE = "✔ Duyệt"
SEND_BACK = "↩ Trả lại"
ASK_REASON = "Lý do trả lại {receipt}? Gõ vài chữ, ví dụ: thiếu ảnh"
REASON_EMPTY = "Hãy gõ lý do trả lại, vài chữ là đủ."

# -- outcomes of the actions (the chat and a web page read the same) ---------------------------
APPROVED = "Đã duyệt {receipt}."
ALREADY_APPROVED = "{receipt} đã được duyệt rồi (lần sửa {version})."
STALE = (
    "Chưa duyệt: {receipt} vừa được sửa thành lần sửa {version} sau khi đồng chí mở. "
    "Hãy xem bản mới trước khi duyệt."
)
SENT_BACK = "Đã trả lại {receipt} cho {name}: {reason}"
ALREADY_RETURNED = "{receipt} đã được trả lại rồi."
GONE = "Báo cáo {receipt} không còn nữa (đã bị xóa)."
NOT_YOURS = "Báo cáo {receipt} không thuộc đơn vị đồng chí theo dõi."
NOT_A_REVIEWER = "Chức năng này dành cho cán bộ theo dõi và quản trị."

# -- closing a period's figures ----------------------------------------------------------------
CLOSE_CONFIRM = (
    "Chốt số liệu {period} của {unit}? Sau khi chốt, sửa báo cáo phải mở lại. "
    "{reported}/{total} đơn vị đã báo cáo."
)
CLOSE_YES = "✔ Chốt số liệu"
REOPEN_CONFIRM = "Số liệu {period} của {unit} đã chốt ngày {date}. Mở lại để các chi bộ sửa?"
REOPEN_YES = "Mở lại"
NO = "Không"
CLOSED_DONE = "Đã chốt số liệu {period} của {unit}. Tỉnh thấy xã đã chốt."
ALREADY_CLOSED = "Số liệu {period} của {unit} đã chốt rồi."
NOT_CLOSED = "Số liệu {period} của {unit} chưa chốt."
REOPENED = "Đã mở lại số liệu {period} của {unit}. Chốt lại sau khi duyệt xong."
OPEN_REVIEWS = "Chưa chốt được: còn {pending} báo cáo chờ duyệt, {returned} cần bổ sung ({period})."
NOT_A_COMMUNE = "{unit} không có chi bộ báo cáo trực thuộc, không có số liệu để chốt."

# -- /chuabaocao ---------------------------------------------------------------------------------
REVIEW_LINE = "Đã duyệt hết: {done}/{reported} đơn vị đã báo cáo."
REVIEW_OPEN = "Chưa duyệt xong: {units}."
CLOSED_LINE = "Đã chốt số liệu: {units}."

# -- notifications through the outbox ------------------------------------------------------------
NOTIFY_NEW = "Báo cáo mới chờ duyệt: {receipt} · {unit} · {kind} {date}.{flag} Gõ /duyet để xem."
NOTIFY_FIXED = (
    "{receipt} ({unit}) đã được sửa theo yêu cầu (lần sửa {version}), chờ duyệt.{flag} "
    "Gõ /duyet để xem."
)
NOTIFY_FLAG = " Có điểm cần xem ⚠."
DIGEST = "Có {n} báo cáo chờ duyệt{fixed}, cũ nhất từ {oldest}. Gõ /duyet để xem."
DIGEST_FIXED = " ({n} báo cáo đã sửa lại)"
RETURNED = "Báo cáo {receipt} ({kind} {date}) bị trả lại: {reason}. Đồng chí sửa rồi lưu lại nhé."
CHASE = (
    "Nhắc: báo cáo {receipt} ({kind} {date}) bị trả lại ngày {returned} ({reason}), chưa sửa. "
    "Đồng chí sửa rồi lưu lại nhé."
)
FIX = "✎ Sửa báo cáo"
APPROVED_DIGEST = "Đã duyệt {n} báo cáo của {unit}: {receipts}."
FIX_GONE = "Báo cáo này không còn sửa được (đã xóa, hoặc kỳ đã khóa sổ)."
