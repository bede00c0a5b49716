"""The package itself: version, exports, stubs, docstrings, and that it is the fresh build."""

from __future__ import annotations

import os
import re

import custmgmt


def test_version_comes_from_the_library():
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", custmgmt.__version__)
    assert custmgmt.__version__ == custmgmt._core.version()


def test_every_exported_name_exists():
    for name in custmgmt.__all__:
        assert hasattr(custmgmt, name), name


def test_type_stubs_ship_with_the_package_and_cover_the_exports():
    folder = os.path.dirname(custmgmt.__file__)
    assert os.path.isfile(os.path.join(folder, "py.typed"))
    with open(os.path.join(folder, "__init__.pyi"), encoding="utf-8") as f:
        stubs = f.read()
    for name in custmgmt.__all__:
        if name == "__version__":
            continue
        assert re.search(rf"^(class|def) {name}\b|^{name}: ", stubs, re.M), name


def test_public_api_is_documented():
    for obj in (custmgmt, custmgmt.open, custmgmt.Store, custmgmt.Session, custmgmt.Accounts,
                custmgmt.Contacts, custmgmt.Account, custmgmt.Contact, custmgmt.Transaction,
                custmgmt.Accounts.search, custmgmt.Contacts.add, custmgmt.validate_email,
                custmgmt.normalize_phone, custmgmt.ValidationError, custmgmt.FieldError):
        assert obj.__doc__ and obj.__doc__.strip(), obj
    assert custmgmt.Account.company_name.__doc__.strip()


def test_classes_are_named_after_the_package():
    assert repr(custmgmt.Account) == "<class 'custmgmt.Account'>"
    assert custmgmt.NotFound.__module__ == "custmgmt"
