#!/usr/bin/env bash
# Installs bindings/python with pip into a fresh venv, offline, exactly as the
# README says, then runs a round trip with the installed package from outside
# the source tree.
#   pip_install_check.sh SOURCE_DIR PYTHON WORK_DIR
set -euo pipefail
src=$1
python=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
"$python" -m venv --system-site-packages "$work/venv"
CUSTMGMT_PY_BUILD_DIR="$work/cmake" "$work/venv/bin/pip" install --quiet --no-index \
  --no-build-isolation --disable-pip-version-check "$src/bindings/python"
cd "$work"
"$work/venv/bin/python" - <<'PY'
import datetime as dt
import os

import custmgmt

assert os.path.dirname(custmgmt.__file__).startswith(os.getcwd()), custmgmt.__file__
store = custmgmt.open("roundtrip.db")
s = store.session(user="6f1c2a4e-7f2b-4f4e-9d1a-2b8e5f0c9a11")
a = s.accounts.create(company_name="Round Trip GmbH", customer_type="Commercial",
                      tags=["pip"], billing_address={"city": "Berlin", "country": "Germany"})
c = s.contacts.add(account_id=a.id, contact_name="Ute", phone="+49 30 901820",
                   is_primary_contact=True)
assert s.accounts.get(a.id) == a and a.billing_address["country"] == "DE"
assert [x.id for x in s.accounts.search(text="round trip",
                                        created_after=a.created_at - dt.timedelta(1))] == [a.id]
assert [x.phone for x in s.contacts.list(a.id)] == ["+4930901820"]
try:
    s.accounts.create(company_name="")
except custmgmt.ValidationError as e:
    assert e.errors[0].field == "company_name"
else:
    raise AssertionError("empty company_name was accepted")
print("pip install round trip ok:", custmgmt.__version__, custmgmt.__file__)
PY
