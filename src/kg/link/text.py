"""Text forms shared by the parsers of the link step (places, numbers, periods, indicators).

Why not Unicode NFKC: it folds full-width forms, which is wanted, but also turns the footnote
marks of Chinese yearbooks into digits (① -> 1, ¹ -> 1, ⑵ -> (2)): 85.31① would read as
85.311. :func:`fold_width` changes only what is safe.
"""

from __future__ import annotations

# Full-width ASCII (U+FF01-FF5E) and the ideographic space as ASCII; the minus sign, the small
# and full-width hyphen-minus as '-'.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0x2212: 0x2D, 0xFE63: 0x2D}


def fold_width(text: str) -> str:
    """Full-width digits, letters and punctuation as ASCII (１２３ -> 123, ， -> ,, － -> -),
    the minus sign − as '-', and nothing else changed: circled and superscript digits stay."""
    return (text or "").translate(_FOLD)
