"""What the domain counts as one emoji (a case type's icon)."""

from __future__ import annotations

import pytest

from casedesk.domain.emoji import is_emoji


@pytest.mark.parametrize(
    "text",
    [
        "🔧",
        "📋",
        "🛡️",  # pictograph + VS16
        "🕵🏻\u200d♂️",  # the contract's example: skin tone, ZWJ, a BMP sign with VS16
        "👨\u200d👩\u200d👧\u200d👦",
        "🇫🇷",
        "#️⃣",
        "7⃣",
        "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland
        "❤️",
        "♂",
        "⭐",
        "©️",
        "‼️",
        "ℹ️",
        "↔️",
        "〰️",
        "\U0001fabf",  # goose: newer than Python 3.11's Unicode data, still in the pictograph block
    ],
)
def test_emoji_are_accepted(text: str) -> None:
    assert is_emoji(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "notanemoji",
        "x",
        "7",
        "#",
        "+",
        ":wrench:",
        "🔧🔧",
        " 🔧",
        "🔧 ",
        "🇫",
        "🇫🇷🇫",
        "🏻",
        "\u200d🔧",
        "🔧\u200d",
        "🔧\u200d\u200d🔧",
        "🔧\ufe0f\ufe0f",
        "🏴\U000e0067\U000e0062",  # a tag run without its cancel tag
        "∑",
        "─",
        "é",
    ],
)
def test_other_text_is_refused(text: str) -> None:
    assert not is_emoji(text)
