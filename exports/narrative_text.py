"""Every word of the narrative report (.docx), in one place to proof-read. The board edits the
draft before signing: these are the sentences it starts from."""

from __future__ import annotations

TITLE = "BÁO CÁO"
SUBJECT = "Kết quả công tác tuyên truyền {label}"
NUMBER_LINE = "Số      -BC/{symbol}"
WE = "Ban Tuyên giáo và Dân vận"
INTRO = (
    "Thực hiện chế độ thông tin, báo cáo về công tác tuyên truyền, {body} báo cáo kết quả "
    "công tác tuyên truyền {label} của {scope} như sau:"
)

H_RESULTS = "I. KẾT QUẢ THỰC HIỆN"
PERIOD_DONE = "Có {done}/{total} đơn vị đã báo cáo (đạt {pct}%)"
AMONG = ", trong đó "
ON_TIME = "{n} đơn vị báo cáo đúng hạn"
LATE = "{n} đơn vị báo cáo muộn"
NIL = "{n} đơn vị báo cáo không phát sinh"
NOT_DUE_YET = " {n} đơn vị chưa báo cáo nhưng chưa đến hạn."
REVIEW_DONE = "Có {full}/{total} đơn vị đã báo cáo đủ các kỳ đến hạn (đạt {pct}%)."
RANGE_DONE = "Số liệu cộng theo ngày diễn ra hoạt động của {total} đơn vị."
KIND_LINE = "{n}. {kind}: {units}/{total} đơn vị có báo cáo ({pct}%); {figures}."
KIND_BEST = " Đơn vị có kết quả cao nhất: {unit} ({what}: {value})."
TOPICS_LINE = "Nội dung tuyên truyền tập trung nhiều nhất vào: {topics}."
TOPIC_ITEM = "{topic} ({n} hoạt động)"
COMPARED = "So với {label}: {parts}."
UP = "tăng"
DOWN = "giảm"

H_SHORTCOMINGS = "II. HẠN CHẾ, TỒN TẠI"
MISSING_LINE = "Còn {n} đơn vị chưa báo cáo: {names}."
LATE_LINE = "{n} đơn vị báo cáo muộn: {names}."
ALL_ON_TIME = "Tất cả các đơn vị đã báo cáo đúng hạn."
AND_MORE = " và {n} đơn vị khác"
SHORTCOMING_NOTE = (
    "Một số nơi hình thức tuyên truyền chưa phong phú, nội dung báo cáo còn sơ sài, ảnh hoạt "
    "động gửi kèm còn ít."
)

H_DIRECTION = "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"
DIRECTION = [
    "Tiếp tục đẩy mạnh tuyên truyền về công tác xây dựng Đảng và hệ thống chính trị trên hệ "
    "thống loa phát thanh cơ sở, cổ động trực quan và trong sinh hoạt chi bộ, họp thôn, bản.",
    "Các đơn vị chưa báo cáo hoặc báo cáo muộn cần khắc phục, báo cáo đầy đủ, đúng hạn trong "
    "kỳ tới.",
]

RECIPIENTS = "Nơi nhận:"

APPENDIX = "PHỤ LỤC"
APPENDIX_SUBJECT = "Số liệu kết quả công tác tuyên truyền {label}"
APPENDIX_OF = "(Kèm theo Báo cáo số      -BC/{symbol}, ngày      /     /{year} của {body})"
APPENDIX_NOTE = "Chi tiết từng báo cáo xem tệp Excel kèm theo."
STT = "STT"
UNIT = "Đơn vị"
PARENT = "Đơn vị cấp trên"
REPORTED = "Đã báo cáo"
UNITS_DONE = "Đơn vị đã báo cáo"
DONE_MARK = "x"
TOTAL = "TỔNG CỘNG"

PHOTOS = "PHỤ LỤC HÌNH ẢNH"
PHOTO_CAPTION = "{unit}, ngày {date} — {kind}"
