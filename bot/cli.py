"""`baocao`: the one command line of the product."""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import sys
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path

from pydantic import ValidationError

from bot.config import Settings, get_settings
from bot.db import close_db, init_db, migrate
from bot.exporter import configure as configure_exports
from exports.lines import Letterhead
from handlers.catalog import seed_catalog
from handlers.engine import Engine, utcnow

log = logging.getLogger("baocao")


def _letterhead(settings: Settings) -> Letterhead:
    return Letterhead(settings.board_name, settings.board_place)


def _engine(settings: Settings) -> Engine:
    return Engine(settings.rules, settings.media_dir)


async def _open(settings: Settings) -> None:
    await init_db(settings.database_url)
    await seed_catalog()
    # /xuatbaocao prints the board's own name, in the console and in `run` alike.
    configure_exports(settings.board_name, settings.board_place)


def _print_demo(result_invites: list[tuple[str, str, str]]) -> None:
    if result_invites:
        print("Mã mời demo (thử đăng ký: .venv/bin/baocao chat --new, rồi gửi mã):")
        for name, unit, code in result_invites:
            print(f"  {code}  {name} — {unit}")


async def cmd_migrate(settings: Settings, args: argparse.Namespace) -> None:
    await migrate(settings.database_url)
    print(f"Cơ sở dữ liệu đã cập nhật: {settings.database_url.split('@')[-1]}")


async def cmd_demo(settings: Settings, args: argparse.Namespace) -> None:
    from bot.demo import demo_invites, seed_demo

    await _open(settings)
    try:
        result = await seed_demo(settings.rules, utcnow())
        print("Đã tạo dữ liệu demo." if result.created else "Dữ liệu đã có sẵn, không tạo thêm.")
        _print_demo(await demo_invites(utcnow()))
    finally:
        await close_db()


async def _console(
    settings: Settings, phone: str | None, new: bool, reminders: bool = False
) -> None:
    from bot.channels.console import ConsoleDeliverer, run_console
    from handlers.registration import link_identity
    from models import Member

    if new:
        external_id = "guest-" + secrets.token_hex(4)
    else:
        member = await Member.get_or_none(phone=phone, active=True)
        if member is None:
            print(f"Không có thành viên nào có số điện thoại {phone}.", file=sys.stderr)
            raise SystemExit(2)
        external_id = phone or ""
        await link_identity(member, "console", external_id)
    engine = _engine(settings)
    scheduler = None
    if reminders:  # the demo shows reminders too, printed in the terminal
        from bot.app import start_reminders

        scheduler = start_reminders(settings, engine, [ConsoleDeliverer()])
    try:
        await run_console(engine, external_id)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)


async def cmd_chat(settings: Settings, args: argparse.Namespace) -> None:
    from bot.demo import DEMO_PHONE

    await _open(settings)
    try:
        await _console(settings, args.as_phone or DEMO_PHONE, args.new)
    finally:
        await close_db()


async def cmd_run(settings: Settings, args: argparse.Namespace) -> None:
    from bot.demo import DEMO_PHONE, demo_invites, seed_demo

    await _open(settings)
    try:
        if not settings.has_real_channels:
            result = await seed_demo(settings.rules, utcnow())
            if result.created:
                print("Chưa cấu hình kênh nào (.env): chạy bản demo trên dòng lệnh.")
            _print_demo(await demo_invites(utcnow()))
            print(
                "Gõ câu trả lời rồi Enter; ? để xem hướng dẫn; /anh đường/dẫn/ảnh.jpg để gửi ảnh;"
                " Ctrl-C hoặc Ctrl-D để thoát.\n"
            )
            await _console(settings, DEMO_PHONE, False, reminders=True)
            return
        from bot.app import serve

        await serve(settings)
    finally:
        await close_db()


async def cmd_import_roster(settings: Settings, args: argparse.Namespace) -> None:
    from exports.invites import write_invites
    from handlers.roster import import_roster

    await _open(settings)
    try:
        result = await import_roster(Path(args.file), settings.rules, utcnow())
        print(result.report())
        if not result.ok:
            raise SystemExit(1)
        if args.codes_out and result.invites:
            write_invites(Path(args.codes_out), result.invites)
            print(f"Đã ghi {len(result.invites)} mã mời vào {args.codes_out}")
    finally:
        await close_db()


async def cmd_catalog_export(settings: Settings, args: argparse.Namespace) -> None:
    from exports.catalog import write_catalog
    from handlers.catalog_io import catalog_rows

    await _open(settings)
    try:
        write_catalog(Path(args.output), await catalog_rows())
        print(f"Đã ghi danh mục vào {args.output}: sửa rồi chạy `baocao catalog-import`.")
    finally:
        await close_db()


async def cmd_catalog_import(settings: Settings, args: argparse.Namespace) -> None:
    from handlers.catalog_io import import_catalog

    await _open(settings)
    try:
        result = await import_catalog(Path(args.file))
        print(result.report())
        if not result.ok:
            raise SystemExit(1)
    finally:
        await close_db()


async def cmd_roster_template(settings: Settings, args: argparse.Namespace) -> None:
    from exports.roster_template import write_roster_template

    write_roster_template(Path(args.output))
    print(f"Đã ghi tệp mẫu {args.output}: điền trang DonVi và NguoiDung rồi chạy import-roster.")


def _day(text: str) -> date:
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise SystemExit(f"Ngày không hợp lệ: {text} (cần DD/MM/YYYY)") from None


async def cmd_export(settings: Settings, args: argparse.Namespace) -> None:
    from exports.report import ReportScope, write_report
    from handlers import texts as T
    from handlers.exporting import parse_month
    from models import Unit
    from models.periods import bounds_for, focus_bounds, period_for, vn_today

    if args.period and (args.date_from or args.date_to):
        raise SystemExit("Dùng --period, hoặc --from và --to, không dùng cả hai.")
    if bool(args.date_from) != bool(args.date_to):
        raise SystemExit("Khoảng thời gian cần cả --from và --to.")
    today = vn_today(utcnow())
    await _open(settings)
    try:
        root = None
        if args.unit:
            root = await Unit.get_or_none(code=args.unit)
            if root is None:
                raise SystemExit(f"Không có đơn vị mã {args.unit}.")
        if args.date_from:
            start, end = _day(args.date_from), _day(args.date_to)
            if start > end:
                raise SystemExit("--from phải trước hoặc bằng --to.")
            period = None
        else:
            month = parse_month(args.period) if args.period else None
            if args.period and month is None:
                raise SystemExit(f"Tháng không hợp lệ: {args.period} (cần MM/YYYY)")
            bounds = (
                bounds_for(month, settings.rules) if month else focus_bounds(today, settings.rules)
            )
            start, end = bounds.start, bounds.end
            period = await period_for(start, settings.rules)
        scope = ReportScope(start, end, period, root, T.period_label(start, end))
        result = await write_report(Path(args.output), scope, _letterhead(settings), today)
        print(
            f"Đã ghi {result.path}: {scope.label}, {result.units} đơn vị, "
            f"{result.activities} hoạt động, {result.missing} đơn vị chưa báo cáo."
        )
    finally:
        await close_db()


async def cmd_remind(settings: Settings, args: argparse.Namespace) -> None:
    from handlers.reminders import sweep

    await _open(settings)
    try:
        now = utcnow()
        result = await sweep(now, settings.rules, settings.reminder_plan, dry_run=args.dry_run)
        if not args.dry_run:  # the review's notices due now (new reports, chases) too
            from handlers.reviewing import notify

            gathered = settings.review_notify == "gathered"
            await notify(now, settings.reminder_plan, gathered, settings.review_digest_hour)
        if result.day_off:
            print("Hôm nay là ngày nghỉ: không nhắc ai.")
            return
        verb = "Sẽ nhắc" if args.dry_run else "Đã ghi vào hàng đợi"
        print(f"{verb} {len(result.planned)} tin:")
        for p in result.planned:
            print(f"  [{p.category}] {p.member_name}: {p.text.splitlines()[0]}")
        if args.dry_run:
            return
        if settings.has_real_channels:
            print("Bot đang chạy (baocao run) sẽ gửi các tin này trong vòng 15 giây.")
            return
        # No chat channel configured: the console's members get theirs here and now.
        from bot.channels.console import ConsoleDeliverer
        from bot.sender import OutboxSender

        sender = OutboxSender(
            _engine(settings), [ConsoleDeliverer()], settings.reminder_plan, utcnow
        )
        counts = await sender.drain()
        print("Kết quả gửi: " + (", ".join(f"{k} {v}" for k, v in counts.items()) or "—"))
    finally:
        await close_db()


async def cmd_doctor(settings: Settings, args: argparse.Namespace) -> None:
    from bot.doctor import FAIL, report, run_checks

    checks = await run_checks(settings)
    print(report(checks))
    if any(c.status == FAIL for c in checks):
        raise SystemExit(1)


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], Awaitable[None]]] = {
    "doctor": cmd_doctor,
    "run": cmd_run,
    "demo": cmd_demo,
    "chat": cmd_chat,
    "import-roster": cmd_import_roster,
    "migrate": cmd_migrate,
    "roster-template": cmd_roster_template,
    "catalog-export": cmd_catalog_export,
    "catalog-import": cmd_catalog_import,
    "export": cmd_export,
    "remind": cmd_remind,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="baocao",
        description="Bot báo cáo công tác tuyên truyền / propaganda reporting bot.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "run",
        help="Chạy bot: các kênh có cấu hình trong .env; không có thì bản demo "
        "trên dòng lệnh / run every configured channel, or the console demo",
    )
    sub.add_parser(
        "doctor",
        help="Kiểm tra cấu hình và các kênh, chạy trước tiên khi cài đặt "
        "/ check the settings and every channel (run it first)",
    )
    sub.add_parser("demo", help="Tạo dữ liệu demo (tên giả) / seed a demo province")
    chat = sub.add_parser(
        "chat",
        help="Trò chuyện với bot trên dòng lệnh; đọc kịch bản từ stdin "
        "/ talk to the bot in the terminal or from a script",
    )
    chat.add_argument(
        "--as",
        dest="as_phone",
        metavar="SĐT",
        help="nói với tư cách thành viên có số điện thoại này (mặc định: demo)",
    )
    chat.add_argument(
        "--new",
        action="store_true",
        help="người mới, phải đăng ký bằng mã mời / a stranger who must register",
    )
    imp = sub.add_parser(
        "import-roster",
        help="Nhập danh sách đơn vị và người dùng từ .xlsx / import the roster (see README)",
    )
    imp.add_argument("file", help="tệp .xlsx có trang DonVi và NguoiDung")
    imp.add_argument(
        "--codes-out",
        metavar="FILE.xlsx",
        help="ghi mã mời của người mới vào tệp này / write the new invite codes here",
    )
    tpl = sub.add_parser(
        "roster-template", help="Ghi tệp mẫu danh sách để điền / write a sample roster workbook"
    )
    tpl.add_argument("-o", "--output", default="mau-danh-sach.xlsx", metavar="FILE.xlsx")
    cat_out = sub.add_parser(
        "catalog-export",
        help="Ghi danh mục loại hoạt động, câu hỏi, chủ đề ra .xlsx / write the catalogue workbook",
    )
    cat_out.add_argument("-o", "--output", default="danh-muc.xlsx", metavar="FILE.xlsx")
    cat_in = sub.add_parser(
        "catalog-import",
        help="Nhập danh mục đã sửa (thêm loại hoạt động "
        "không cần lập trình) / import the catalogue",
    )
    cat_in.add_argument("file", help="tệp .xlsx có trang LoaiHoatDong, CauHoi, ChuDe")
    rem = sub.add_parser("remind", help="Chạy một lượt nhắc báo cáo ngay / run one reminder sweep")
    rem.add_argument("--now", action="store_true", help="chạy ngay (mặc định) / run it now")
    rem.add_argument(
        "--dry-run",
        action="store_true",
        help="chỉ in ai sẽ được nhắc, không ghi gì / print only, write nothing",
    )
    sub.add_parser("migrate", help="Cập nhật cấu trúc cơ sở dữ liệu / apply migrations")
    exp = sub.add_parser(
        "export",
        help="Xuất báo cáo Excel của một kỳ hoặc một khoảng ngày / write the Excel report",
    )
    exp.add_argument(
        "--period",
        metavar="MM/YYYY",
        help="kỳ chứa ngày 1 của tháng này (mặc định: kỳ đang cần báo cáo) / the period of this month",
    )
    exp.add_argument(
        "--from",
        dest="date_from",
        metavar="DD/MM/YYYY",
        help="từ ngày, cộng theo ngày hoạt động / from this activity date",
    )
    exp.add_argument(
        "--to", dest="date_to", metavar="DD/MM/YYYY", help="đến ngày / to this activity date"
    )
    exp.add_argument(
        "--unit", metavar="MÃ", help="chỉ đơn vị này và cấp dưới / only this unit's subtree"
    )
    exp.add_argument(
        "-o", "--output", required=True, metavar="FILE.xlsx", help="tệp ghi ra / output file"
    )
    # `baocao CMD --help` opens with what the command does, as `baocao --help` lists it.
    for action in sub._choices_actions:
        sub.choices[action.dest].description = action.help
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
    except ValidationError as e:
        print("Cài đặt không hợp lệ (.env) / invalid settings:", file=sys.stderr)
        for error in e.errors():
            field = str(error["loc"][0]).upper() if error["loc"] else ""
            print(f"  ✘ {field}: {error['msg']}", file=sys.stderr)
        raise SystemExit(1) from None
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("tortoise").setLevel(logging.WARNING)
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per job run otherwise
    # httpx logs every request URL at INFO, and Bot API URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        asyncio.run(COMMANDS[args.command](settings, args))
    except KeyboardInterrupt:
        print()


if __name__ == "__main__":
    main()
