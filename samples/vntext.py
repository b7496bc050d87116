"""Vietnamese number words, dates and money formatting for the generator."""

from __future__ import annotations

import datetime as dt

from .layout import nfc

__all__ = ["number_words", "date_in_words", "decree30_date", "dmy", "money", "money_words"]

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_MONTHS = ["một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "mười một", "mười hai"]


def _triple(n: int, full: bool) -> list[str]:
    h, t, u = n // 100, (n // 10) % 10, n % 10
    out: list[str] = []
    if h or full:
        out += [_DIGITS[h], "trăm"]
    if t == 0:
        if u:
            if h or full:
                out.append("linh")
            out.append(_DIGITS[u])
    elif t == 1:
        out.append("mười")
        if u == 5:
            out.append("lăm")
        elif u:
            out.append(_DIGITS[u])
    else:
        out += [_DIGITS[t], "mươi"]
        if u == 1:
            out.append("mốt")
        elif u == 4:
            out.append("tư")
        elif u == 5:
            out.append("lăm")
        elif u:
            out.append(_DIGITS[u])
    return out


def number_words(n: int) -> str:
    """Vietnamese reading of a non-negative integer (northern usage: 'linh', 'nghìn').

    >>> number_words(2023)
    'hai nghìn không trăm hai mươi ba'
    """
    if n < 0:
        raise ValueError("negative")
    if n == 0:
        return "không"
    groups = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    units = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ"]
    words: list[str] = []
    top = len(groups) - 1
    for i in range(top, -1, -1):
        g = groups[i]
        if g == 0:
            continue
        words += _triple(g, full=(i != top))
        if units[i]:
            words.append(units[i])
    return nfc(" ".join(words))


def date_in_words(d: dt.date) -> str:
    """'Ngày hai mươi lăm, tháng mười, năm hai nghìn không trăm hai mươi ba'."""
    day = f"mồng {_DIGITS[d.day]}" if d.day < 10 else ("mồng mười" if d.day == 10 else number_words(d.day))
    return nfc(f"Ngày {day}, tháng {_MONTHS[d.month - 1]}, năm {number_words(d.year)}")


def decree30_date(d: dt.date) -> str:
    """'ngày 06 tháng 01 năm 2022': days below 10 and months 1-2 get a leading zero (Decree 30/2020)."""
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def dmy(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def money(n: int) -> str:
    """2000000 -> '2.000.000'."""
    return f"{n:,}".replace(",", ".")


def money_words(n: int) -> str:
    """2000000 -> 'Hai triệu đồng'."""
    w = number_words(n)
    return nfc(w[0].upper() + w[1:] + " đồng")
