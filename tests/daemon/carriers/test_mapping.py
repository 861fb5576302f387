"""Every backend's vocabulary -> our milestones, one table per API.

The expectations are written out here, value by value from each API's documented
list, rather than read back from the modules' tables; completeness tests then
make sure no table entry goes untested and no phrase is shadowed by an earlier
one."""

from __future__ import annotations

import pytest

from daemon.carriers import aftership, dhl, fedex, seventeen_track, ups
from parsers.carrier_names import carrier_slug
from parsers.model import Milestone

M = Milestone

# 17TRACK v2.2 sub-statuses (the main status is the prefix).
SEVENTEEN_TRACK: dict[str, Milestone | None] = {
    "NotFound_Other": None,
    "NotFound_InvalidCode": None,
    "InfoReceived": M.SHIPPED,
    "InTransit_PickedUp": M.IN_TRANSIT,
    "InTransit_Other": M.IN_TRANSIT,
    "InTransit_Departure": M.IN_TRANSIT,
    "InTransit_Arrival": M.IN_TRANSIT,
    "InTransit_CustomsProcessing": M.IN_TRANSIT,
    "InTransit_CustomsReleased": M.IN_TRANSIT,
    "InTransit_CustomsRequiringInformation": M.EXCEPTION,
    "Expired_Other": None,
    "AvailableForPickup_Other": M.AVAILABLE_FOR_PICKUP,
    "OutForDelivery_Other": M.OUT_FOR_DELIVERY,
    "DeliveryFailure_Other": M.DELIVERY_ATTEMPTED,
    "DeliveryFailure_NoBody": M.DELIVERY_ATTEMPTED,
    "DeliveryFailure_Rejected": M.DELIVERY_ATTEMPTED,
    "DeliveryFailure_Security": M.EXCEPTION,
    "DeliveryFailure_InvalidAddress": M.EXCEPTION,
    "Delivered_Other": M.DELIVERED,
    "Exception_Other": M.EXCEPTION,
    "Exception_NoBody": M.EXCEPTION,
    "Exception_Security": M.EXCEPTION,
    "Exception_Damage": M.EXCEPTION,
    "Exception_Rejected": M.EXCEPTION,
    "Exception_Lost": M.EXCEPTION,
    "Exception_Destroyed": M.EXCEPTION,
    "Exception_Delayed": M.DELAYED,
    "Exception_Returning": M.RETURNED,
    "Exception_Returned": M.RETURNED,
    "Exception_Cancel": M.CANCELLED,
}


@pytest.mark.parametrize(("sub_status", "expected"), SEVENTEEN_TRACK.items())
def test_seventeen_track(sub_status: str, expected: Milestone | None) -> None:
    main = sub_status.split("_", maxsplit=1)[0]
    assert seventeen_track.milestone_for(main, sub_status) is expected
    assert seventeen_track.milestone_for(None, sub_status) is expected  # as on events
    assert main in seventeen_track.STATUS


def test_seventeen_track_tables_are_all_tested() -> None:
    assert set(seventeen_track.SUB_STATUS) <= set(SEVENTEEN_TRACK)
    mains = {s.split("_")[0] for s in SEVENTEEN_TRACK}
    assert mains == set(seventeen_track.STATUS)


# AfterShip tags and subtags (subtags carry their tag as prefix).
AFTERSHIP: dict[str, Milestone | None] = {
    "Pending_001": None,
    "InfoReceived_001": M.SHIPPED,
    **{f"InTransit_00{n}": M.IN_TRANSIT for n in range(1, 10)},
    "OutForDelivery_001": M.OUT_FOR_DELIVERY,
    "OutForDelivery_003": M.OUT_FOR_DELIVERY,
    "OutForDelivery_004": M.OUT_FOR_DELIVERY,
    "AvailableForPickup_001": M.AVAILABLE_FOR_PICKUP,
    "AttemptFail_001": M.DELIVERY_ATTEMPTED,
    "AttemptFail_002": M.DELIVERY_ATTEMPTED,
    "AttemptFail_003": M.DELIVERY_ATTEMPTED,
    **{f"Delivered_00{n}": M.DELIVERED for n in range(1, 6)},
    "Exception_001": M.EXCEPTION,
    "Exception_002": M.EXCEPTION,  # customer moved
    "Exception_003": M.EXCEPTION,  # customer refused delivery
    "Exception_004": M.DELAYED,
    "Exception_005": M.DELAYED,
    "Exception_006": M.EXCEPTION,  # held for payment
    "Exception_007": M.EXCEPTION,  # incorrect address
    "Exception_008": M.EXCEPTION,  # pick up missed
    "Exception_009": M.EXCEPTION,  # rejected by carrier
    "Exception_010": M.RETURNED,
    "Exception_011": M.RETURNED,
    "Exception_012": M.EXCEPTION,  # damaged
    "Exception_013": M.EXCEPTION,  # lost
    "Exception_016": M.DELAYED,
    "Exception_017": M.DELAYED,
    "Exception_018": M.EXCEPTION,  # documents missing
    "Expired_001": None,
}


@pytest.mark.parametrize(("subtag", "expected"), AFTERSHIP.items())
def test_aftership(subtag: str, expected: Milestone | None) -> None:
    tag = subtag.split("_", maxsplit=1)[0]
    assert aftership.milestone_for(tag, subtag) is expected
    assert aftership.milestone_for(None, subtag) is expected


def test_aftership_tables_are_all_tested() -> None:
    assert set(aftership.SUBTAG) <= set(AFTERSHIP)
    assert {s.split("_")[0] for s in AFTERSHIP} == set(aftership.TAG)


# DHL statusCode and status text.
DHL: list[tuple[str | None, str | None, Milestone | None]] = [
    ("pre-transit", "The instruction data for this shipment have been provided by the sender "
                    "to DHL electronically", M.SHIPPED),
    ("transit", "The shipment has been processed in the parcel center", M.IN_TRANSIT),
    ("transit", "Customs clearance status updated", M.IN_TRANSIT),
    ("transit", "The shipment has been loaded onto the delivery vehicle", M.OUT_FOR_DELIVERY),
    ("transit", "With delivery courier", M.OUT_FOR_DELIVERY),
    ("transit", "Out for delivery", M.OUT_FOR_DELIVERY),
    ("transit", "The shipment is ready for pick-up at the PACKSTATION", M.AVAILABLE_FOR_PICKUP),
    ("transit", "Ready for collection at the retail outlet", M.AVAILABLE_FOR_PICKUP),
    ("transit", "Available for pickup", M.AVAILABLE_FOR_PICKUP),
    ("transit", "Shipment delayed due to weather", M.DELAYED),
    ("failure", "Delivery attempt: the recipient was not at home", M.DELIVERY_ATTEMPTED),
    ("failure", "The shipment could not be delivered", M.DELIVERY_ATTEMPTED),
    ("failure", "The shipment could not be delivered, and is being returned to sender",
     M.RETURNED),
    ("failure", "Returned to shipper", M.RETURNED),
    ("failure", "The shipment has been damaged", M.EXCEPTION),
    ("delivered", "Delivered - Signed for by: J SMITH", M.DELIVERED),
    ("delivered", "Delivered to the retail outlet, ready for pick-up", M.DELIVERED),
    ("unknown", "Status not available", None),
    (None, None, None),
]  # fmt: skip


@pytest.mark.parametrize(("code", "written", "expected"), DHL)
def test_dhl(code: str | None, written: str | None, expected: Milestone | None) -> None:
    assert dhl.milestone_for(code, written) is expected


def test_dhl_tables_are_all_tested() -> None:
    assert {code for code, _, _ in DHL if code} == set(dhl.STATUS_CODE)


# UPS status type, 3-digit status code and description.
UPS: list[tuple[str | None, str | None, str | None, Milestone | None]] = [
    ("M", "003", "Shipper created a label, UPS has not received the package yet.", M.SHIPPED),
    ("MV", None, "Billing information voided", M.CANCELLED),
    ("P", "038", "Pickup Scan", M.IN_TRANSIT),
    ("I", "005", "Arrived at Facility", M.IN_TRANSIT),
    ("I", None, "Departed from Facility", M.IN_TRANSIT),
    ("I", "021", "Out For Delivery Today", M.OUT_FOR_DELIVERY),
    ("I", None, "Loaded on Delivery Vehicle", M.OUT_FOR_DELIVERY),
    ("O", None, "On the way", M.OUT_FOR_DELIVERY),
    ("D", "011", "DELIVERED", M.DELIVERED),
    ("X", None, "The receiver was not available for delivery. We'll make a second attempt "
                "the next business day.", M.DELIVERY_ATTEMPTED),
    ("X", None, "The delivery has been rescheduled", M.DELAYED),
    ("X", None, "Adverse weather may cause a delay", M.DELAYED),
    ("X", None, "The address is incomplete. We're attempting to update it.", M.DELIVERY_ATTEMPTED),
    ("X", None, "The street number is incorrect", M.EXCEPTION),
    ("X", None, "Your package is being returned to the sender", M.RETURNED),
    ("X", None, "Held for Customer Pickup at UPS Access Point", M.AVAILABLE_FOR_PICKUP),
    ("RS", None, "Returned to shipper", M.RETURNED),
    ("I", "021", "Delivery may be delayed", M.OUT_FOR_DELIVERY),  # the code wins
    ("NA", None, "", None),
    ("W", None, "Warehouse scan", None),
    (None, "011", None, M.DELIVERED),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "code", "written", "expected"), UPS)
def test_ups(
    kind: str | None, code: str | None, written: str | None, expected: Milestone | None
) -> None:
    assert ups.milestone_for(kind, code, written) is expected


def test_ups_tables_are_all_tested() -> None:
    assert {kind for kind, _, _, _ in UPS if kind} >= set(ups.STATUS_TYPE)
    assert {code for _, code, _, _ in UPS if code} >= set(ups.STATUS_CODE)


# FedEx status / scan-event codes, with a description for the exception codes.
FEDEX: list[tuple[str | None, str | None, Milestone | None]] = [
    ("OC", "Shipment information sent to FedEx", M.SHIPPED),
    ("IN", "Initiated", M.SHIPPED),
    ("PU", "Picked up", M.IN_TRANSIT),
    ("PX", "Picked up (see details)", M.IN_TRANSIT),
    ("IT", "In transit", M.IN_TRANSIT),
    ("IX", "In transit (see details)", M.IN_TRANSIT),
    ("AR", "Arrived at FedEx location", M.IN_TRANSIT),
    ("DP", "Departed FedEx location", M.IN_TRANSIT),
    ("AF", "At local FedEx facility", M.IN_TRANSIT),
    ("FD", "At FedEx destination facility", M.IN_TRANSIT),
    ("OF", "At FedEx origin facility", M.IN_TRANSIT),
    ("LO", "Left FedEx origin facility", M.IN_TRANSIT),
    ("SF", "At sort facility", M.IN_TRANSIT),
    ("TR", "Transfer", M.IN_TRANSIT),
    ("CC", "International shipment release - Import", M.IN_TRANSIT),
    ("IT", "Customer not available", M.IN_TRANSIT),  # phrases refine exceptions only
    ("OD", "On FedEx vehicle for delivery", M.OUT_FOR_DELIVERY),
    ("DL", "Delivered", M.DELIVERED),
    ("HL", "Ready for pickup at FedEx location", M.AVAILABLE_FOR_PICKUP),
    ("HP", "Ready for recipient pickup", M.AVAILABLE_FOR_PICKUP),
    ("DE", "Delivery exception: Customer not available or business closed",
     M.DELIVERY_ATTEMPTED),
    ("DE", "Delivery exception: Incorrect address", M.EXCEPTION),
    ("SE", "Shipment exception: Returning package to shipper", M.RETURNED),
    ("SE", "Shipment exception: Weather delay", M.DELAYED),
    ("SE", "Shipment exception: Package damaged", M.EXCEPTION),
    ("DY", "Delay", M.DELAYED),
    ("DD", "Delivery delay", M.DELAYED),
    ("CD", "Clearance delay", M.DELAYED),
    ("CA", "Shipment cancelled by sender", M.CANCELLED),
    ("RS", "Return to shipper", M.RETURNED),
    ("DS", "Vehicle dispatched", None),
    (None, None, None),
]  # fmt: skip


@pytest.mark.parametrize(("code", "written", "expected"), FEDEX)
def test_fedex(code: str | None, written: str | None, expected: Milestone | None) -> None:
    assert fedex.milestone_for(code, written) is expected


def test_fedex_tables_are_all_tested() -> None:
    assert {code for code, _, _ in FEDEX if code} >= set(fedex.STATUS_CODE)


@pytest.mark.parametrize(
    ("table", "resolve"),
    [
        (dhl.PHRASES, lambda text: dhl.milestone_for("transit", text)),
        (ups.PHRASES, lambda text: ups.milestone_for(None, None, text)),
        (fedex.EXCEPTION_PHRASES, lambda text: fedex.milestone_for("SE", text)),
    ],
    ids=["dhl", "ups", "fedex"],
)
def test_no_phrase_is_shadowed_by_an_earlier_one(
    table: dict[str, Milestone], resolve: object
) -> None:
    assert callable(resolve)
    for phrase, milestone in table.items():
        assert resolve(f"Status: {phrase.upper()}.") is milestone, phrase


@pytest.mark.parametrize(
    "table", [seventeen_track.CARRIER_CODES, aftership.SLUGS], ids=["17track", "aftership"]
)
def test_carrier_tables_use_our_slugs_and_are_one_to_one(table: dict[str, object]) -> None:
    assert all(carrier_slug(slug) == slug for slug in table)
    assert len(set(table.values())) == len(table)
