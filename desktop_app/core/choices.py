"""The error for a name that is not one of a fixed set (an engine, a host, a format, a preset).

One wording for every such list, in English and Korean, naming the valid choices as the fix.
"""

from __future__ import annotations

from collections.abc import Iterable

from desktop_app.core.errors import ConfigurationError


def unknown_choice(
    what: str, what_ko: str, value: object, choices: Iterable[str]
) -> ConfigurationError:
    """``Unknown {what} '{value}'`` with "use one of" the ``choices`` as the fix."""
    valid = ", ".join(choices)
    return ConfigurationError(
        f"Unknown {what} '{value}'",
        fix=f"Use one of: {valid}.",
        message_ko=f"알 수 없는 {what_ko}입니다: '{value}'",
        fix_ko=f"다음 중 하나를 쓰세요: {valid}.",
    )
