"""`baocao`: the one command line of the product."""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.config import Settings, get_settings
from bot.db import close_db, init_db, migrate
from handlers.catalog import seed_catalog
from handlers.engine import Engine, utcnow

log = logging.getLogger("baocao")


def _engine(settings: Settings) -> Engine:
    return Engine(settings.rules, settings.media_dir)


async def _open(settings: Settings) -> None:
    await init_db(settings.database_url)
    await seed_catalog()


def _print_demo(result_invites: list[tuple[str, str, str]]) -> None:
    if result_invites:
        print("Mã mời demo (thử đăng ký bằng `baocao chat --new`):")
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


async def _console(settings: Settings, phone: str | None, new: bool) -> None:
    from bot.channels.console import run_console
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
    await run_console(_engine(settings), external_id)


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
            print("Gõ câu trả lời rồi Enter; /help để xem hướng dẫn; Ctrl-D để thoát.\n")
            await _console(settings, DEMO_PHONE, False)
            return
        log.error(
            "Telegram and Zalo channels are not part of this build yet; "
            "remove the tokens from .env to run the console demo."
        )
        raise SystemExit(2)
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


async def cmd_roster_template(settings: Settings, args: argparse.Namespace) -> None:
    from exports.roster_template import write_roster_template

    write_roster_template(Path(args.output))
    print(f"Đã ghi tệp mẫu {args.output}: điền trang DonVi và NguoiDung rồi chạy import-roster.")


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], Awaitable[None]]] = {
    "run": cmd_run,
    "demo": cmd_demo,
    "chat": cmd_chat,
    "import-roster": cmd_import_roster,
    "migrate": cmd_migrate,
    "roster-template": cmd_roster_template,
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
    sub.add_parser("migrate", help="Cập nhật cấu trúc cơ sở dữ liệu / apply migrations")
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("tortoise").setLevel(logging.WARNING)
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)
    try:
        asyncio.run(COMMANDS[args.command](settings, args))
    except KeyboardInterrupt:
        print()


if __name__ == "__main__":
    main()
