"""Every word of the board's web page and of its login from the chat, in one place to proof-read."""

from __future__ import annotations

# -- the chat side (/web) ---------------------------------------------------------------------
MENU_WEB = "Mở trang quản lý (web)"
WEB_LINK = (
    "Bấm liên kết để mở trang quản lý trên trình duyệt (dùng được 1 lần, trong {minutes} phút, "
    "không chia sẻ cho người khác):\n{url}"
)
WEB_OFF = "Trang quản lý trên web chưa được bật. Hãy báo quản trị viên đặt PUBLIC_URL."

# -- the page ---------------------------------------------------------------------------------
TITLE = "Trang quản lý báo cáo"
NAV_GRID = "Tình hình báo cáo"
NAV_DOCUMENTS = "Văn bản, báo cáo"
NAV_ROSTER = "Danh sách cán bộ"
NAV_REVIEW = "Duyệt báo cáo"
NAV_DIRECTIVES = "Hướng dẫn, thông báo"
LOGOUT = "Đăng xuất"

LOGIN_TITLE = "Đăng nhập"
LOGIN_BUTTON = "Vào trang quản lý"
LOGIN_HINT = "Đang mở trang quản lý… Nếu trang không tự chuyển, hãy bấm nút."
LINK_USED = "Liên kết này đã được dùng. Mỗi liên kết chỉ mở được một lần."
LINK_EXPIRED = "Liên kết này đã hết hạn (chỉ dùng được trong 10 phút)."
LINK_BAD = "Liên kết không hợp lệ: có thể bị sao chép thiếu hoặc sửa đổi."
LINK_AGAIN = "Hãy gõ /web trong cuộc trò chuyện với bot để nhận liên kết mới."
LOGGED_OUT = "Bạn đã đăng xuất."
NEED_LOGIN = "Phiên làm việc đã hết hạn hoặc chưa đăng nhập."
NOT_FOUND = "Không tìm thấy trang này, hoặc trang nằm ngoài phạm vi bạn theo dõi."
FORBIDDEN = "Chức năng này dành cho quản trị viên."
BAD_FORM = "Biểu mẫu đã cũ hoặc không hợp lệ. Hãy tải lại trang rồi làm lại."

STATUS_NAMES = {
    "on_time": "Đúng hạn",
    "late": "Muộn",
    "nil": "Không phát sinh",
    "missing": "Chưa báo cáo",
    "not_due": "Chưa đến hạn",
}
GRID_TITLE = "Tình hình báo cáo năm {year}"
GRID_YEAR = "Năm"
GRID_SCOPE = "Đơn vị"
GRID_SHOW = "Xem"
GRID_UNIT = "Đơn vị"
GRID_RATE = "Tỷ lệ"
GRID_EXPAND = "Mở/đóng"
GRID_ALL = "Mở tất cả các cấp"
GRID_FOLD = "Thu gọn"
GRID_HELP = "Ô của đơn vị cấp trên: số đơn vị đã báo cáo / số đơn vị phải báo cáo."
MONTH = "T{m}"
GRID_APPROVED = "Đã duyệt"
GRID_CLOSED = "Đã chốt số liệu"

UNIT_TITLE = "{unit} — {period}"
UNIT_DEADLINE = "Hạn báo cáo: {deadline}"
UNIT_STATUS = "Tình trạng"
UNIT_NO_REPORTS = "Không có báo cáo nào trong kỳ này."
UNIT_NIL = "Đã báo cáo không phát sinh lúc {at}, người báo cáo: {who}."
UNIT_CHILDREN = "Các đơn vị trực thuộc"
REPORT_RECEIPT = "Báo cáo {receipt}"
REPORT_KIND = "Loại hoạt động"
REPORT_BY = "Người báo cáo"
REPORT_CHANNEL = "Gửi qua"
REPORT_AT = "Gửi lúc"
REPORT_VERSION = "Phiên bản"
REPORT_DELETED = "Đã xóa lúc {at}"
REPORT_PHOTOS = "Ảnh"
HISTORY = "Lịch sử sửa đổi, duyệt"
HISTORY_ACTIONS = {
    "create": "Tạo",
    "edit": "Sửa",
    "delete": "Xóa",
    "approve": "Duyệt",
    "send_back": "Trả lại để bổ sung",
}
REPORT_REVIEW = "Kết quả duyệt"
REVIEW_BY = "{who}, lúc {at}"
UNIT_CLOSED = "{unit} đã chốt số liệu kỳ này."
BACK_TO_GRID = "« Về bảng tình hình"

DOCS_TITLE = "Văn bản, báo cáo"
DOCS_NEW = "Tạo văn bản mới"
DOCS_MAKE = "Tạo"
DOCS_RECENT = "Đã tạo gần đây"
DOCS_NONE = "Chưa có văn bản nào."
DOCS_PENDING = "Đang tạo…"
DOCS_FAILED = "Có lỗi khi tạo, hãy thử lại."
DOCS_DOWNLOAD = "Tải về"
DOCS_DOWNLOAD_WORD = "Tải báo cáo Word"
DOC_SPAN = "Kỳ (ví dụ: quý 4/2026, 6 tháng 2/2026, năm 2026)"
DOC_DOCX = "Kèm dự thảo báo cáo Word"
DOC_BAD_SPAN = "Chưa hiểu kỳ, hoặc kỳ chưa tới. Hãy gõ như: quý 4/2026, 6 tháng 2/2026, năm 2026."
DOC_KINDS = {
    "month": "Báo cáo Excel theo tháng",
    "range": "Báo cáo Excel theo khoảng ngày",
    "review": "Sơ kết, tổng kết (quý, 6 tháng, năm)",
    "directive": "Kết quả thực hiện hướng dẫn",
    "invites": "Danh sách mã mời",
}
DOC_MONTH = "Tháng"
DOC_FROM = "Từ ngày"
DOC_TO = "Đến ngày"
DOC_DIRECTIVE = "Hướng dẫn"
DOC_BAD_MONTH = "Hãy chọn một tháng đã tới."
DOC_BAD_RANGE = "Khoảng ngày không hợp lệ: ngày bắt đầu phải trước ngày kết thúc, trong 1 năm."
DOC_BAD_DIRECTIVE = "Không tìm thấy hướng dẫn này trong phạm vi của bạn."
DOC_SUMMARY = "{units} đơn vị, {activities} hoạt động, {missing} chưa báo cáo"
DOC_RESULTS_SUMMARY = "{activities} hoạt động, {done}/{units} đơn vị đã thực hiện"

ROSTER_TITLE = "Danh sách cán bộ"
ROSTER_HELP = (
    "Tải lên tệp Excel (.xlsx, tối đa {mb} MB) có 2 trang DonVi và NguoiDung như mẫu. "
    "Tệp có lỗi thì không dòng nào được ghi."
)
ROSTER_TEMPLATE = "Tải tệp mẫu"
ROSTER_FILE = "Tệp danh sách"
ROSTER_UPLOAD = "Tải lên"
ROSTER_ERRORS = "Tệp có lỗi, chưa ghi gì. Hãy sửa các dòng sau rồi tải lên lại:"
ROSTER_DONE = "Đã nhập danh sách."
ROSTER_INVITES = "Tải danh sách {n} mã mời"
ROSTER_NOT_XLSX = "Chỉ nhận tệp Excel .xlsx."
ROSTER_TOO_BIG = "Tệp quá lớn (tối đa {mb} MB)."
ROSTER_NO_FILE = "Hãy chọn tệp trước khi tải lên."

DIRECTIVES_TITLE = "Hướng dẫn, thông báo"
DIRECTIVES_NONE = "Chưa có hướng dẫn nào."
NOTICES_TITLE = "Thông báo"
NOTICES_NONE = "Chưa có thông báo nào."
DIRECTIVE_WINDOW = "Thực hiện {start} – {end}"
DIRECTIVE_WITHDRAWN = "Đã thu hồi"
DIRECTIVE_RESULTS = "Tạo bảng kết quả"

# The review queue's page (bot/web/review.py, with the review of issue 14).
REVIEW_TITLE = "Báo cáo chờ duyệt"
REVIEW_VERSION = "lần sửa {version}"
REVIEW_REASON = "Lý do trả lại"
REVIEW_MORE = "Trang sau »"
