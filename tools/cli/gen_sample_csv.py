#!/usr/bin/env python3
"""Deterministic generator of the demo's sample file.

    tools/cli/gen_sample_csv.py [OUT] [--rows N] [--seed S]

Writes a realistic CSV for `custmgmt import` (default
examples/data/customers.csv, about 1,000 rows): residential and commercial
accounts with US, Canadian and UK addresses, several contacts per business,
international phone numbers, tags and notes, plus a handful of deliberately
bad rows (invalid email, bad ZIP, unknown customer type, missing company
name, a second primary contact) so the import shows what it rejects and why.
The same seed always gives the same file.
"""
import argparse
import csv
import os
import random
import sys

COLUMNS = ["company_name", "customer_type", "billing_street", "billing_city", "billing_state",
           "billing_zip", "billing_country", "service_street", "service_city", "service_state",
           "service_zip", "service_country", "tags", "account_notes", "contact_name", "email",
           "phone", "role", "is_primary_contact", "contact_notes"]

FIRST = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
         "Elizabeth", "William", "Susan", "Chloé", "Liam", "Olivia", "Noah", "Amélie", "Oliver",
         "Aisha", "Mohammed", "Priya", "Wei", "Yuki", "Sofía", "José", "Zoë", "Björn", "Siobhán"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Tremblay",
        "Roy", "Gagnon", "Taylor", "Wilson", "Evans", "Thomas", "Patel", "Nguyen", "Kim", "O'Brien",
        "Müller", "López", "Singh", "Chen", "MacDonald"]
BIZ_A = ["Acme", "Summit", "Northwind", "Blue River", "Maple Leaf", "Redwood", "Harbor", "Pioneer",
         "Evergreen", "Keystone", "Silverline", "Granite", "Lakeside", "Union", "Crown", "Beacon"]
BIZ_B = ["Plumbing", "Heating & Cooling", "Dental", "Bakery", "Logistics", "Software", "Roofing",
         "Landscaping", "Electric", "Auto Repair", "Consulting", "Property Management", "Catering"]
BIZ_C = ["Inc.", "LLC", "Ltd", "Co.", "Group", "& Sons", "Ltd.", ""]
STREETS = ["Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Park Rd", "High St", "King St W",
           "Queen St E", "Church Rd", "Elm St", "Station Rd", "Rue Sainte-Catherine"]
US = [("New York", "NY", "100"), ("Austin", "TX", "787"), ("San Francisco", "CA", "941"),
      ("Chicago", "IL", "606"), ("Boston", "MA", "021"), ("Seattle", "WA", "981"),
      ("Denver", "CO", "802"), ("Miami", "FL", "331")]
US_AREA = {"NY": "212", "TX": "512", "CA": "415", "IL": "312", "MA": "617", "WA": "206",
           "CO": "303", "FL": "305"}
CA = [("Toronto", "ON", "M5V", "416"), ("Montréal", "QC", "H2X", "514"),
      ("Vancouver", "BC", "V6B", "604"), ("Calgary", "AB", "T2P", "403"),
      ("Ottawa", "ON", "K1P", "613")]
UK = [("London", "SW1A", "20 7946"), ("Manchester", "M1", "161 496"),
      ("Birmingham", "B1", "121 496"), ("Edinburgh", "EH1", "131 496"), ("Leeds", "LS1", "113 496")]
TAGS = ["vip", "new", "wholesale", "seasonal", "net30", "priority", "referral", "newsletter",
        "overdue", "contract"]
ROLES = ["Owner", "Billing", "Operations", "Office Manager", "Facilities", "CFO", "Reception"]
NOTES = ["Prefers email contact.", "Gate code 4321, ring twice.", "Invoices quarterly.",
         "Closed on Mondays.", "Ask for the site manager on arrival.",
         "Multi-line note:\nparking at the back.", "Pays by cheque, \"no cash\"."]


def address(r):
    kind = r.random()
    number = r.randint(1, 9999)
    street = f"{number} {r.choice(STREETS)}"
    if kind < 0.55:
        city, state, zip3 = r.choice(US)
        return [street, city, state, f"{zip3}{r.randint(0, 99):02d}", r.choice(["US", "USA", "United States"])], \
            f"+1 {US_AREA[state]} 555 01{r.randint(0, 99):02d}"
    if kind < 0.8:
        city, prov, fsa, area = r.choice(CA)
        ldu = f"{r.randint(0, 9)}{r.choice('ABCEGHJKLMNPRSTVWXYZ')}{r.randint(0, 9)}"
        return [street, city, prov, f"{fsa} {ldu}", r.choice(["CA", "Canada"])], \
            f"+1 {area} 555 01{r.randint(0, 99):02d}"
    city, district, prefix = r.choice(UK)
    return [street, city, "", f"{district} {r.randint(1, 9)}{r.choice('ABDEFGHJLNPQRSTUWXYZ')}{r.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            r.choice(["GB", "United Kingdom"])], f"+44 {prefix} {r.randint(0, 9999):04d}"


def person(r):
    return f"{r.choice(FIRST)} {r.choice(LAST)}"


def email_of(name, domain, r):
    local = name.lower().replace(" ", ".").replace("'", "")
    ascii_local = "".join(ch for ch in local if ch.isascii() and (ch.isalnum() or ch == ".")).strip(".")
    ascii_local = ascii_local.replace("..", ".") or "contact"
    return f"{ascii_local}{r.randint(1, 99)}@{domain}"


def phone_style(phone, r):
    """The same number written the way people type it."""
    style = r.random()
    if style < 0.5:
        return phone
    digits = phone.replace(" ", "")
    if style < 0.7:
        return digits
    if phone.startswith("+1 ") and style < 0.9:
        parts = phone.split(" ")
        return f"({parts[1]}) {parts[2]}-{parts[3]}"
    return phone + f" ext. {r.randint(10, 999)}"


def generate(rows_wanted, seed):
    r = random.Random(seed)
    rows = []
    used_names = set()
    while len(rows) < rows_wanted:
        commercial = r.random() < 0.6
        billing, phone = address(r)
        if commercial:
            name = f"{r.choice(BIZ_A)} {r.choice(BIZ_B)} {r.choice(BIZ_C)}".strip()
        else:
            name = person(r)
        if name in used_names:
            name += f" {r.randint(2, 99)}"
        used_names.add(name)
        domain = "".join(ch for ch in name.lower().replace("&", "and") if ch.isascii() and ch.isalnum())
        domain = (domain[:20] or "example") + ".example"
        service = billing if r.random() < 0.7 else address(r)[0]
        tags = ";".join(sorted(r.sample(TAGS, r.randint(0, 3))))
        notes = r.choice(NOTES) if r.random() < 0.3 else ""
        account = [name, r.choice(["commercial", "Commercial", "COMMERCIAL"]) if commercial
                   else r.choice(["residential", "Residential"])] + billing + service + [tags, notes]
        n_contacts = r.choice([1, 1, 2, 3, 4]) if commercial else r.choice([0, 1, 1, 2])
        if n_contacts == 0:
            rows.append(account + ["", "", "", "", "", ""])
            continue
        for i in range(n_contacts):
            who = person(r) if commercial or i > 0 else name
            area_phone = phone[:-2] + f"{r.randint(0, 99):02d}" if phone.startswith("+1") else phone
            rows.append(account + [
                who,
                email_of(who, domain, r) if r.random() < 0.85 else "",
                phone_style(area_phone, r) if r.random() < 0.8 else "",
                r.choice(ROLES) if commercial else "",
                "true" if i == 0 else "false",
                "Speaks French." if r.random() < 0.05 else "",
            ])
    rows = rows[:rows_wanted]
    # Deliberately bad rows, spread through the file.
    good = rows[10]
    bad = [
        good[:14] + ["Ima Typo", "ima.typo@@example", "", "", "false", ""],           # invalid email
        ["Zip Mistake LLC", "commercial", "1 Main St", "Austin", "TX", "7870", "US"] + [""] * 13,
        ["Wholesale Wonders", "wholesale"] + [""] * 18,                               # bad type
        ["", "residential", "9 Elm St", "Boston", "MA", "02118", "US"] + [""] * 7
        + ["Nameless Account", "", "", "", "true", ""],                              # no company
        good[:14] + ["Second Boss", "boss2@other.example", "", "Owner", "true", ""],  # 2nd primary
        ["Bad Phone Co", "commercial"] + [""] * 12 + ["Pat Dialer", "", "12", "", "false", ""],
    ]
    for i, row in enumerate(bad):
        rows.insert(100 + i * 150, row)
    return rows


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "..", "examples", "data", "customers.csv")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", default=os.path.normpath(default))
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20250108)
    args = ap.parse_args()
    rows = generate(args.rows, args.seed)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(COLUMNS)
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
