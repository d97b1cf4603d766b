"""`baocao`: the one command line of the product."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import sys
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.config import Settings, get_settings
from bot.db import close_db, init_db, migrate
from bot.exporter import configure as configure_exports
from bot.logs import install_redaction
from handlers.catalog import seed_catalog
from handlers.engine import Engine, utcnow

log = logging.getLogger("baocao")


def _engine(settings: Settings) -> Engine:
    return Engine(settings.rules, settings.media_dir)


async def _open(settings: Settings) -> None:
    await init_db(settings.database_url)
    await seed_catalog()
    # /xuatbaocao prints the issuer's own heading, in the console and in `run` alike.
    configure_exports(settings)


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
        result = await seed_demo(settings.rules, utcnow(), settings.media_dir)
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
            result = await seed_demo(settings.rules, utcnow(), settings.media_dir)
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


def _span(args: argparse.Namespace) -> Any:
    """--quarter Q/YYYY, --half H/YYYY or --year YYYY as a Span; None when none is given."""
    from models.periods import half_span, quarter_span, year_span

    for given, make, top in ((args.quarter, quarter_span, 4), (args.half, half_span, 2)):
        if given:
            n, _, year = given.partition("/")
            if not (n.isdigit() and year.isdigit() and 1 <= int(n) <= top and int(year) >= 2000):
                raise SystemExit(f"Kỳ không hợp lệ: {given} (cần N/YYYY, N từ 1 đến {top})")
            return make(int(n), int(year))
    if args.year:
        if not (args.year.isdigit() and int(args.year) >= 2000):
            raise SystemExit(f"Năm không hợp lệ: {args.year} (cần YYYY)")
        return year_span(int(args.year))
    return None


async def cmd_export(settings: Settings, args: argparse.Namespace) -> None:
    from bot.exporter import letterhead_for
    from exports.report import ReportScope, review_scope, write_report
    from handlers import texts as T
    from handlers.exporting import parse_month
    from models import Unit
    from models.periods import bounds_for, focus_bounds, period_for, vn_today

    if args.directive:
        await _export_directive(settings, args)
        return
    chosen = [x for x in (args.period, args.quarter, args.half, args.year, args.date_from) if x]
    if len(chosen) > 1:
        raise SystemExit("Chọn một trong --period, --quarter, --half, --year hoặc --from/--to.")
    if bool(args.date_from) != bool(args.date_to):
        raise SystemExit("Khoảng thời gian cần cả --from và --to.")
    span = _span(args)
    today = vn_today(utcnow())
    await _open(settings)
    try:
        root = None
        if args.unit:
            root = await Unit.get_or_none(code=args.unit)
            if root is None:
                raise SystemExit(f"Không có đơn vị mã {args.unit}.")
        if span is not None:
            scope = await review_scope(span, root, settings.rules, T.period_label)
        elif args.date_from:
            start, end = _day(args.date_from), _day(args.date_to)
            if start > end:
                raise SystemExit("--from phải trước hoặc bằng --to.")
            scope = ReportScope(start, end, None, root, T.period_label(start, end))
        else:
            month = parse_month(args.period) if args.period else None
            if args.period and month is None:
                raise SystemExit(f"Tháng không hợp lệ: {args.period} (cần MM/YYYY)")
            bounds = (
                bounds_for(month, settings.rules) if month else focus_bounds(today, settings.rules)
            )
            period = await period_for(bounds.start, settings.rules)
            label = T.period_label(bounds.start, bounds.end)
            scope = ReportScope(bounds.start, bounds.end, period, root, label)
        output = Path(args.output)
        docx = output.with_suffix(".docx") if args.docx else None
        result = await write_report(
            output,
            scope,
            await letterhead_for(root, settings),
            today,
            internal=args.internal,
            docx=docx,
            media_dir=settings.media_dir,
        )
        print(
            f"Đã ghi {result.path}: {scope.label}, {result.units} đơn vị, "
            f"{result.activities} hoạt động, {result.missing} đơn vị chưa báo cáo."
        )
        if result.docx is not None:
            print(f"Đã ghi dự thảo báo cáo {result.docx}.")
    finally:
        await close_db()


async def _export_directive(settings: Settings, args: argparse.Namespace) -> None:
    from bot.exporter import results_writer
    from models import Directive

    await _open(settings)
    try:
        directive = await Directive.get_or_none(number=args.directive.strip().upper())
        if directive is None:
            raise SystemExit(f"Không có văn bản số {args.directive}.")
        r = await results_writer(settings)(directive, Path(args.output))
        acked = sum(1 for a in r.addressees if a.acked_at is not None)
        print(
            f"Đã ghi {args.output}: {directive.number}, {r.total.activities} hoạt động của "
            f"{len(r.units) - len(r.idle_units)}/{len(r.units)} đơn vị; "
            f"{acked}/{len(r.addressees)} người đã nhận."
        )
    finally:
        await close_db()


def _directive_draft(args: argparse.Namespace, today: date) -> Any:
    from handlers import directive_io as IO

    return IO.DirectiveRow(
        number=args.number or "",
        issued=args.date or "",
        unit_code=args.unit or "",
        title=args.title or "",
        summary=args.summary or "",
        topics=args.topics or "",
        start=args.date_from or "",
        end=args.date_to or "",
        file=args.file or "",
    )


async def cmd_directive(settings: Settings, args: argparse.Namespace) -> None:
    from handlers import directive_actions as A
    from handlers import directive_input as I
    from handlers import directive_io as IO
    from handlers import texts as T
    from models import Directive, DirectiveAck, Outbox
    from models.periods import vn_today

    now = utcnow()
    today = vn_today(now)
    await _open(settings)
    try:
        if args.action in ("add", "import"):
            if args.action == "add":
                rows = [_directive_draft(args, today)]
                base = Path.cwd()
            else:
                try:
                    rows, base = IO.read_sheet(Path(args.file))
                except (I.DirectiveError, OSError) as e:
                    raise SystemExit(getattr(e, "message", str(e))) from None
            result = await IO.add_directives(rows, now, today, base, settings.media_dir)
            print(result.report())
            if not result.ok:
                raise SystemExit(1)
            return
        if args.action == "list":
            for d in await Directive.all().order_by("-issued_on", "-id").select_related("unit"):
                acked = await DirectiveAck.filter(directive_id=d.id).count()
                sent = await Outbox.filter(key__startswith=f"directive:{d.id}:").count()
                state = " (đã thu hồi)" if d.withdrawn_at else ""
                print(
                    f"{d.number}{state} · {T.fmt_date(d.issued_on)} · {d.unit.name} · "
                    f"{T.fmt_date(d.starts_on)}–{T.fmt_date(d.ends_on)} · đã nhận {acked}/{sent}"
                    f"\n    {d.title}"
                )
            return
        directive = await Directive.get_or_none(number=(args.number or "").strip().upper())
        if directive is None:
            raise SystemExit(f"Không có văn bản số {args.number}.")
        if args.action == "withdraw":
            n = await A.withdraw(directive, now)
            print(f"Đã thu hồi {directive.number}; {n} tin chưa gửi đã được hủy.")
        elif args.action == "remind":
            n = await A.remind_unacked(directive, now)
            print(f"Đã xếp lịch nhắc {n} người chưa xác nhận {directive.number}.")
        elif args.action == "edit":
            changes: dict[str, Any] = {}
            if args.title:
                changes["title"] = args.title
            if args.summary:
                changes["summary"] = args.summary
            if args.date_from:
                changes["starts_on"] = _day(args.date_from)
            if args.date_to:
                changes["ends_on"] = _day(args.date_to)
            if args.file:
                content, name = IO.read_file(args.file, Path.cwd())
                media = await I.store_file(content, name, settings.media_dir)
                changes["file_id"], changes["file_name"] = media.id, Path(media.path).name
            try:
                await A.edit_directive(directive, **changes)
            except I.DirectiveError as e:
                raise SystemExit(e.message) from None
            print(f"Đã sửa {directive.number}.")
    except I.DirectiveError as e:
        raise SystemExit(e.message) from None
    finally:
        await close_db()


async def cmd_announce(settings: Settings, args: argparse.Namespace) -> None:
    from handlers import directive_actions as A
    from handlers import directive_input as I
    from handlers import directive_io as IO
    from models import Unit

    await _open(settings)
    try:
        unit = await Unit.get_or_none(code=args.unit)
        if unit is None:
            raise SystemExit(f"Không có đơn vị mã {args.unit}.")
        media_id, name = None, ""
        try:
            if args.file:
                content, file_name = IO.read_file(args.file, Path.cwd())
                media = await I.store_file(content, file_name, settings.media_dir)
                media_id, name = media.id, Path(media.path).name
            _, n = await A.send_notice(unit, None, args.text, utcnow(), media_id, name)
        except I.DirectiveError as e:
            raise SystemExit(e.message) from None
        print(f"Đã xếp lịch gửi thông báo tới {n} người thuộc {unit.name}.")
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
    "directive": cmd_directive,
    "announce": cmd_announce,
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
        help="Xuất báo cáo Excel (và Word) của một kỳ, quý, 6 tháng, năm hoặc một khoảng ngày "
        "/ write the Excel report (and the narrative .docx)",
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
    exp.add_argument("--quarter", metavar="Q/YYYY", help="sơ kết quý, ví dụ 4/2026 / a quarter")
    exp.add_argument("--half", metavar="H/YYYY", help="6 tháng: 1/2026 hoặc 2/2026 / a half-year")
    exp.add_argument("--year", metavar="YYYY", help="tổng kết năm / a year")
    exp.add_argument(
        "--unit", metavar="MÃ", help="chỉ đơn vị này và cấp dưới / only this unit's subtree"
    )
    exp.add_argument(
        "--directive",
        metavar="SỐ",
        help="kết quả thực hiện một hướng dẫn, ví dụ 122-HD/BTGTU / one directive's results",
    )
    exp.add_argument(
        "--docx",
        action="store_true",
        help="kèm dự thảo báo cáo Word (.docx) cạnh tệp Excel / also the narrative report",
    )
    exp.add_argument(
        "--internal",
        action="store_true",
        help="kèm trang nội bộ có số điện thoại (không gửi đi) / add the internal phone sheet",
    )
    exp.add_argument(
        "-o", "--output", required=True, metavar="FILE.xlsx", help="tệp ghi ra / output file"
    )
    _directive_parsers(sub)
    # `baocao CMD --help` opens with what the command does, as `baocao --help` lists it.
    for action in sub._choices_actions:
        sub.choices[action.dest].description = action.help
    return parser


def _directive_parsers(sub: Any) -> None:
    d = sub.add_parser(
        "directive",
        help="Hướng dẫn gửi các chi bộ: add, edit, withdraw, remind, list, import "
        "/ directives to the cells",
    )
    d.add_argument("action", choices=["add", "edit", "withdraw", "remind", "list", "import"])
    d.add_argument("file", nargs="?", help="import: tệp .xlsx có trang HuongDan")
    d.add_argument("--number", metavar="SỐ", help="số, ký hiệu: 122-HD/BTGTU")
    d.add_argument("--date", metavar="DD/MM/YYYY", help="ngày ban hành / date issued")
    d.add_argument("--unit", metavar="MÃ", help="mã đơn vị ban hành / issuing unit's code")
    d.add_argument("--title", help="trích yếu (tối đa 120 ký tự) / title")
    d.add_argument("--summary", help="tóm tắt (tối đa 300 ký tự) / summary")
    d.add_argument("--topics", help="chủ đề, cách nhau bởi ; (có sẵn hoặc mới) / topics")
    d.add_argument("--from", dest="date_from", metavar="DD/MM/YYYY", help="thực hiện từ ngày")
    d.add_argument("--to", dest="date_to", metavar="DD/MM/YYYY", help="đến ngày")
    d.add_argument("--file", metavar="FILE", help="tệp PDF hoặc DOCX của văn bản")
    a = sub.add_parser(
        "announce", help="Gửi thông báo tới các thành viên cấp dưới / send a notice to a subtree"
    )
    a.add_argument("--unit", required=True, metavar="MÃ", help="đơn vị gửi / issuing unit")
    a.add_argument("--text", required=True, help="nội dung (tối đa 240 ký tự) / the text")
    a.add_argument("--file", metavar="FILE", help="tệp PDF hoặc DOCX kèm theo")


def main(argv: list[str] | None = None) -> None:
    # Everything this process creates (the SQLite file, photos, exports, their folders) is
    # private to its user: 0600 files, 0700 folders.
    os.umask(0o077)
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
    install_redaction(settings)
    if not settings.log_libraries_debug:
        # At DEBUG the Telegram library logs its token-bearing URLs and whole updates (invite
        # codes, phone numbers): the libraries stay at INFO unless asked for.
        for name in ("telegram", "httpcore", "aiohttp", "asyncpg", "hpack"):
            logging.getLogger(name).setLevel(max(logging.INFO, logging.root.level))
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
