"""The check-digit schemes as rules: for any body, exactly one check character
is right (a scheme that accepted none, or two, could not tell a typo from a
number); letters never stand in for a check digit; and the USPS routed form
accepts exactly the IMpb lengths and channel ids its guide names.

The tables of real, published numbers are in test_tracking_numbers.py; these
properties run over thousands of made-up bodies, which is what catches an
off-by-one in a modulus that the published numbers happen not to hit.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from parsers import check_digits as cd

DIGITS = string.digits
ALPHANUMERIC = string.digits + string.ascii_uppercase


def accepted(check: object, body: str, alphabet: str, suffix: str = "") -> list[str]:
    assert callable(check)
    return [c for c in alphabet if check(body + c + suffix)]


@given(st.text(DIGITS, min_size=1, max_size=30))
def test_gs1_accepts_exactly_one_check_digit(body: str) -> None:
    assert len(accepted(cd.gs1_mod10, body, DIGITS)) == 1


@given(st.text(ALPHANUMERIC, min_size=1, max_size=20))
def test_ups_style_accepts_exactly_one_check_digit_and_never_a_letter(body: str) -> None:
    assert len(accepted(cd.ups_style_mod10, body, DIGITS)) == 1
    assert accepted(cd.ups_style_mod10, body, string.ascii_uppercase) == []


@given(st.text(DIGITS, min_size=11, max_size=11))
def test_fedex_express_accepts_exactly_one_check_digit(body: str) -> None:
    assert len(accepted(cd.fedex_express_check, body, DIGITS)) == 1


@given(st.text(DIGITS, min_size=11, max_size=11))
def test_dhl_identcode_accepts_exactly_one_check_digit(body: str) -> None:
    assert len(accepted(cd.dhl_identcode_check, body, DIGITS)) == 1


@given(st.text(DIGITS, min_size=1, max_size=15))
def test_mod7_accepts_exactly_one_check_digit(body: str) -> None:
    assert len(accepted(cd.mod7_check, body, DIGITS)) == 1


@given(st.text(DIGITS, min_size=14, max_size=14))
@example("00000000000008")  # its check character is "0": the end of the alphabet wraps
def test_dpd_accepts_exactly_one_check_character(body: str) -> None:
    assert len(accepted(cd.dpd_check, body, ALPHANUMERIC)) == 1


def iso7064_hybrid_valid(number: str) -> bool:
    """ISO 7064's own test of a whole number (check character included) in the
    hybrid system Mod 37,36: after the last character the running sum is 1."""
    product = 36
    for char in number:
        total = (product + ALPHANUMERIC.index(char)) % 36 or 36
        product = total * 2 % 37
    return total == 1


@pytest.mark.parametrize(
    ("body", "check"),
    [("0000000000008", "0"), ("0000000000016", "0"), ("0000000000001", "D"),
     ("0000000000000", "F"), ("12345678901234", "E")],
)  # fmt: skip
def test_iso7064_check_characters_pass_the_standards_own_test(body: str, check: str) -> None:
    assert cd.iso7064_mod37_36(body) == check
    assert iso7064_hybrid_valid(body + check)
    assert not iso7064_hybrid_valid(body + ("1" if check == "0" else "0"))


@given(
    st.text(string.ascii_uppercase, min_size=2, max_size=2),
    st.text(DIGITS, min_size=8, max_size=8),
    st.sampled_from(["GB", "DE", "US", "JP", "CN"]),
)
def test_s10_accepts_exactly_one_check_digit(service: str, serial: str, country: str) -> None:
    assert len(accepted(cd.s10_check, service + serial, DIGITS, country)) == 1
    # An invented country code makes every check digit wrong.
    assert accepted(cd.s10_check, service + serial, DIGITS, "XX") == []


@given(st.text(DIGITS, min_size=20, max_size=20))
def test_smartpost_is_the_impb_check_with_its_92_restored(number: str) -> None:
    """FedEx prints SmartPost numbers without the "92" their IMpb check covers."""
    assert cd.fedex_smartpost_check(number) == cd.gs1_mod10("92" + number)


def impb(channel: str, length: int) -> str:
    """A valid IMpb of `length` digits starting with `channel` (its check digit
    the one gs1_mod10, tested above, accepts)."""
    body = (channel + "1234567890" * 3)[: length - 1]
    [check] = accepted(cd.gs1_mod10, body, DIGITS)
    return body + check


@pytest.mark.parametrize("zip_code", ["22153", "100233424"])
@pytest.mark.parametrize("channel", ["91", "92", "93", "94", "95"])
@pytest.mark.parametrize("length", [22, 26])
def test_usps_routed_takes_every_channel_and_length_of_the_guide(
    zip_code: str, channel: str, length: int
) -> None:
    assert cd.usps_routed_check("420" + zip_code + impb(channel, length))


@pytest.mark.parametrize(("channel", "length"), [("90", 22), ("96", 22), ("92", 21), ("92", 27)])
def test_usps_routed_refuses_other_channels_and_lengths(channel: str, length: int) -> None:
    for zip_code in ("22153", "100233424"):
        assert not cd.usps_routed_check("420" + zip_code + impb(channel, length))
