"""``sori credentials set|show|delete ENGINE``: manage engine keys in the OS keyring.

The engines and their fields come from the registered engines' descriptions; ENGINE is an
engine (or an alias) or the name of the key group it shares with others."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from desktop_app.core.errors import ConfigurationError, SoriError
from desktop_app.core.secrets import CREDENTIAL_GROUPS, CredentialStore, group_for, mask
from desktop_app.providers import registry


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "credentials",
        help="store, show or delete engine keys (OS keyring)",
        description="Engine keys live only in the OS keyring. SORI_* environment variables "
        "override them for headless use.",
    )
    p.add_argument(
        "action",
        choices=["set", "show", "delete"],
        help="set (prompts, or reads lines from a pipe), show (masked) or delete",
    )
    p.add_argument(
        "engine", metavar="ENGINE", help="an engine that needs keys (see 'sori providers')"
    )
    p.add_argument("--field", help="only this value (e.g. client_secret)")
    p.set_defaults(handler=run)


def _group(engine: str) -> str:
    group = group_for(registry.canonical_name(engine))
    if group not in CREDENTIAL_GROUPS:
        known = ", ".join(CREDENTIAL_GROUPS)
        raise ConfigurationError(
            f"'{engine}' has no credentials to manage",
            fix=f"Use one of: {known}.",
            message_ko=f"'{engine}'에는 관리할 인증 정보가 없습니다",
            fix_ko=f"다음 중 하나를 쓰세요: {known}",
        )
    return group


def run(args: argparse.Namespace, store: CredentialStore | None = None) -> int:
    store = store or CredentialStore()
    try:
        group = _group(args.engine)
        fields = [f for f in store.fields(group) if args.field in (None, f.name)]
        if not fields:
            names = ", ".join(f.name for f in store.fields(group))
            raise ConfigurationError(f"'{group}' has no field '{args.field}'", fix=f"Use {names}.")
        if args.action == "show":
            for field in fields:
                value = store.get(group, field.name)
                where = store.source(group, field.name)
                shown = "(not set)" if value is None else (mask(value) if field.secret else value)
                origin = (
                    f"  [{where}: {field.env}]"
                    if where == "environment"
                    else (f"  [{where}]" if where else "")
                )
                print(f"{field.name:<14} {shown}{origin}")
            return 0
        if args.action == "delete":
            removed = [f.name for f in fields if store.delete(group, f.name)]
            print(f"deleted: {', '.join(removed)}" if removed else "nothing was stored")
            return 0
        interactive = sys.stdin.isatty()
        for field in fields:
            prompt = f"{field.label} ({field.name}): "
            if interactive:
                value = getpass.getpass(prompt) if field.secret else input(prompt)
            else:
                value = sys.stdin.readline().rstrip("\n")
            store.set(group, field.name, value)
        print(f"saved {len(fields)} value(s) for {group} in the keyring")
        return 0
    except SoriError as exc:
        print(f"sori: {exc.describe()}", file=sys.stderr)
        return exc.exit_code
    except (EOFError, KeyboardInterrupt):
        print("sori: cancelled, nothing more saved", file=sys.stderr)
        return 130
