"""The sample roster workbook an admin fills in for `baocao import-roster` (invented names)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

UNITS = [
    ("Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Cấp", "Báo cáo", "Địa bàn"),
    ("TU", "Tỉnh ủy Bắc Vân", "", "Tỉnh ủy", "không", ""),
    ("X01", "Đảng ủy xã Nậm Vân", "TU", "Đảng ủy xã", "không", ""),
    ("X01-NK", "Chi bộ bản Nà Khum", "X01", "Chi bộ", "có", "bản Nà Khum"),
    ("X01-PL", "Chi bộ bản Phiêng Lọng", "X01", "Chi bộ", "", "bản Phiêng Lọng"),
]
PEOPLE = [
    ("Họ và tên", "Số điện thoại", "Vai trò", "Mã đơn vị"),
    ("Lò Văn Sáng", "0900 000 011", "báo cáo viên", "X01-NK"),
    ("Tòng Thị Mai", "0900000012", "báo cáo viên", "X01-PL"),
    ("Quàng Văn Thắng", "0900000010", "theo dõi", "X01"),
    ("Nguyễn Thị Demo", "0900000001", "quản trị", "TU"),
]
NOTES = [
    ("Cột", "Ý nghĩa"),
    ("Mã đơn vị", "Mã ngắn, không trùng, chỉ chữ không dấu, số, - _ . (tối đa 32 ký tự)."),
    ("Mã đơn vị cấp trên", "Để trống với đơn vị cao nhất. Cây đơn vị có thể nhiều cấp."),
    ("Báo cáo", "có/không: đơn vị có phải báo cáo hằng kỳ. Để trống: đơn vị cấp cuối báo cáo."),
    (
        "Địa bàn",
        "Nơi chi bộ thường hoạt động (thôn, bản). Báo cáo lấy nơi này nếu không ghi nơi khác.",
    ),
    ("Số điện thoại", "Số di động Việt Nam, có thể có dấu cách hoặc +84."),
    ("Vai trò", "báo cáo viên (bí thư chi bộ), theo dõi (đảng ủy xã), quản trị (Ban Tuyên giáo)."),
    ("Nhập lại", "Đơn vị trùng mã, người trùng số điện thoại được cập nhật, không tạo mới."),
]


def write_roster_template(path: Path) -> None:
    wb = Workbook()
    for title, rows, widths in (
        ("DonVi", UNITS, [12, 34, 20, 14, 10]),
        ("NguoiDung", PEOPLE, [26, 16, 16, 12]),
        ("HuongDan", NOTES, [20, 90]),
    ):
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for i, width in enumerate(widths):
            ws.column_dimensions[chr(65 + i)].width = width
        ws.freeze_panes = "A2"
    del wb["Sheet"]
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
