"""Validation errors (fields and codes), the exception family and the validators."""

from __future__ import annotations

import pickle

import pytest

import custmgmt


def codes(errors):
    return {(e.field, e.code) for e in errors}


def test_every_field_error_of_a_record_is_reported_at_once(session):
    with pytest.raises(custmgmt.ValidationError) as info:
        session.accounts.create(
            company_name="   ",
            tags=["ok", "x" * 65],
            billing_address={"state": "ZZ", "zip": "123", "country": "US"},
            service_address={"country": "Atlantis"},
        )
    e = info.value
    assert e.code == "validation.failed"
    found = codes(e.errors)
    assert ("company_name", "text.required") in found or any(
        f == "company_name" for f, _ in found)
    assert ("billing_address.state", "address.state_invalid") in found
    assert ("billing_address.zip", "address.zip_invalid") in found
    assert ("service_address.country", "address.country_unknown") in found
    assert any(f == "tags[1]" for f, _ in found)
    # Field errors are named tuples with attributes.
    first = e.errors[0]
    field, code, message = first
    assert (field, code, message) == (first.field, first.code, first.message)
    assert isinstance(first, custmgmt.FieldError) and message
    assert "validation failed" in str(e)
    assert session.accounts.search_page().items == []  # nothing was written


def test_validation_error_is_an_error_and_a_value_error():
    assert issubclass(custmgmt.ValidationError, custmgmt.Error)
    assert issubclass(custmgmt.ValidationError, ValueError)
    for cls in (custmgmt.NotFound, custmgmt.Conflict, custmgmt.PermissionDenied,
                custmgmt.BackendError):
        assert issubclass(cls, custmgmt.Error) and not issubclass(cls, ValueError)
    assert issubclass(custmgmt.Error, Exception)
    assert custmgmt.ValidationError.__module__ == "custmgmt"
    # Raised from Python with only a message, the attributes still exist.
    e = custmgmt.BackendError("by hand")
    assert e.code == "backend.error" and e.backend_code == ""
    assert custmgmt.ValidationError("x").errors == ()


def test_validation_error_survives_pickling(session):
    with pytest.raises(custmgmt.ValidationError) as info:
        session.accounts.create(company_name="")
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is custmgmt.ValidationError
    assert again.code == "validation.failed"
    assert [tuple(x) for x in again.errors] == [tuple(x) for x in info.value.errors]


def test_bad_customer_type_is_a_field_error():
    with pytest.raises(custmgmt.ValidationError) as info:
        custmgmt.Account(company_name="X", customer_type="Industrial")
    assert codes(info.value.errors) == {("customer_type", "customer_type.invalid")}


def test_malformed_address_mappings_are_field_errors(session):
    with pytest.raises(custmgmt.ValidationError) as info:
        session.accounts.create(company_name="X",
                                billing_address={"planet": "Mars", "city": 12})
    assert codes(info.value.errors) == {("billing_address.planet", "address.unknown_key"),
                                        ("billing_address.city", "address.not_string")}
    with pytest.raises(custmgmt.ValidationError) as info:
        session.accounts.create(company_name="X", service_address="1 Main St")
    assert codes(info.value.errors) == {("service_address", "address.not_object")}


def test_contact_field_errors(session, make_account):
    a = make_account()
    with pytest.raises(custmgmt.ValidationError) as info:
        session.contacts.add(account_id=a.id, contact_name="", email="not an email",
                             phone="12")
    fields = {f for f, _ in codes(info.value.errors)}
    assert {"contact_name", "email", "phone"} <= fields
    assert ("email", "email.invalid") in codes(info.value.errors)


def test_user_session_cannot_create_for_another_user(session):
    with pytest.raises(custmgmt.PermissionDenied) as info:
        session.accounts.create(company_name="X",
                                created_by="99999999-9999-9999-9999-999999999999")
    assert info.value.code == "permission.denied"


def test_bad_user_id_and_bad_uri_are_validation_errors(store, tmp_path):
    with pytest.raises(custmgmt.ValidationError) as info:
        store.session(user="not-a-uuid")
    assert ("user", "uuid.invalid") in codes(info.value.errors)
    with pytest.raises(custmgmt.ValidationError) as info:
        custmgmt.open("nosuchscheme://host/db")
    assert info.value.errors[0].code == "store.uri_invalid"
    with pytest.raises(custmgmt.ValidationError) as info:
        custmgmt.open(str(tmp_path / "x.db"), default_region="XX")
    assert info.value.errors[0].code == "phone.region_invalid"


def test_bad_search_parameters_are_reported_together(session):
    with pytest.raises(custmgmt.ValidationError) as info:
        session.accounts.search(sort="sideways", archived="maybe", customer_type="Alien",
                                page_size=0)
    found = codes(info.value.errors)
    assert ("sort", "query.sort_invalid") in found
    assert ("archived", "query.archived_invalid") in found
    assert ("customer_type", "customer_type.invalid") in found
    assert any(code == "query.limit_invalid" for _, code in found)
    with pytest.raises(custmgmt.ValidationError) as info:
        session.accounts.search_page(cursor="garbage")
    assert any(code == "cursor.invalid" for _, code in codes(info.value.errors))
    with pytest.raises(custmgmt.ValidationError) as info:
        session.contacts.search()
    assert any(code == "query.empty" for _, code in codes(info.value.errors))
    with pytest.raises(custmgmt.ValidationError) as info:
        session.accounts.stats(months=0, top_tags=101)
    assert {c for _, c in codes(info.value.errors)} == {"stats.months_invalid",
                                                         "stats.top_tags_invalid"}
    with pytest.raises(TypeError):
        session.accounts.search(tags_any="vip")  # a str is not a list of tags


def test_email_validator():
    assert custmgmt.validate_email("ann@example.com") == []
    errors = custmgmt.validate_email("ann@@example.com")
    assert [(e.field, e.code) for e in errors] == [("email", "email.invalid")]
    assert custmgmt.validate_email("")[0].code == "email.required"
    assert custmgmt.normalize_email("  Ann@EXAMPLE.COM ") == "Ann@example.com"
    with pytest.raises(custmgmt.ValidationError) as info:
        custmgmt.normalize_email("nope")
    assert info.value.errors[0].field == "email"


def test_phone_validator():
    assert custmgmt.validate_phone("(415) 555-2671") == []
    assert custmgmt.validate_phone("12")[0].field == "phone"
    assert custmgmt.validate_phone("020 7946 0958", region="ZZ")[0].code == "phone.region_invalid"
    p = custmgmt.normalize_phone("415-555-2671 x99")
    assert (p.e164, p.extension, p.region) == ("+14155552671", "99", "US")
    assert p == custmgmt.PhoneNumber(e164="+14155552671", extension="99", region="US")
    assert p.to_dict() == {"e164": "+14155552671", "extension": "99", "region": "US"}
    assert custmgmt.normalize_phone("020 7946 0958", region="GB").e164 == "+442079460958"
    with pytest.raises(custmgmt.ValidationError):
        custmgmt.normalize_phone("not a number")


def test_address_validator_and_countries():
    assert custmgmt.validate_address({"city": "Toronto", "state": "Ontario",
                                      "zip": "m5v 2t6", "country": "Canada"}) == []
    assert custmgmt.normalize_address({"city": " Toronto ", "state": "Ontario",
                                       "zip": "m5v 2t6", "country": "Canada"}) == {
        "city": "Toronto", "state": "ON", "zip": "M5V 2T6", "country": "CA"}
    errors = custmgmt.validate_address({"zip": "1", "country": "US", "moon": "x"})
    assert ("address.moon", "address.unknown_key") in codes(errors)
    assert codes(custmgmt.validate_address({"zip": "1", "country": "US"})) == {
        ("address.zip", "address.zip_invalid")}
    assert custmgmt.validate_address(None) == [] and custmgmt.normalize_address({}) == {}
    with pytest.raises(custmgmt.ValidationError):
        custmgmt.normalize_address({"country": "Narnia"})
    assert custmgmt.parse_address('{"country": "deu", "city": "Berlin"}') == {
        "city": "Berlin", "country": "DE"}
    assert custmgmt.validate_address_json("[1]")[0].code == "address.not_object"
    assert custmgmt.address_to_json({"city": "Berlin", "street": "Unter den Linden"}) == (
        '{"street":"Unter den Linden","city":"Berlin"}')
    assert custmgmt.country_alpha2("United States") == "US"
    assert custmgmt.country_alpha2("de") == "DE"
    assert custmgmt.country_alpha2("Atlantis") is None


def test_limits_and_uuid_helpers():
    assert custmgmt.limits.COMPANY_NAME == 500 and custmgmt.limits.TAG_COUNT == 50
    assert custmgmt.is_uuid("6F1C2A4E-7F2B-4F4E-9D1A-2B8E5F0C9A11")
    assert not custmgmt.is_uuid("6f1c2a4e")
