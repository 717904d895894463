#!/usr/bin/env python3
"""Writes a realistic stream of identify requests (JSON lines) for timing `reconcile identify`.

    python3 Examples/Reconcile/Scripts/order-stream.py 1000000 > orders.jsonl
    swift build -c release --package-path Examples/Reconcile
    time Examples/Reconcile/.build/release/reconcile identify --stats < orders.jsonl > /dev/null

Customers place repeat orders (a few are very frequent), mostly with the same email and
phone number, sometimes with a new email or phone, sometimes with only one of them;
households share a phone number (which merges their groups); phone numbers arrive
formatted, as strings and as integers; emails in mixed case; a few lines are invalid.
Deterministic for a given count and seed.
"""
import json
import random
import sys


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 42)
    people: list[tuple[list[str], list[str]]] = []
    domains = ["example.com", "mail.test", "shop.io", "hillvalley.edu", "post.example.org"]
    out = sys.stdout
    lines = []
    for index in range(count):
        if not people or rng.random() < 0.3:
            person = len(people)
            emails = [f"customer{person}.{rng.randrange(100)}@{rng.choice(domains)}"]
            phones = [str(rng.randrange(2_000_000_000, 9_999_999_999))]
            if people and rng.random() < 0.01:  # a household: shares a phone with someone
                phones = [rng.choice(rng.choice(people)[1])]
            people.append((emails, phones))
        else:
            # Repeat customers: recent ones more often, with a long tail.
            person = int(len(people) * (1 - rng.random() ** 0.5)) if rng.random() < 0.7 else rng.randrange(len(people))
            emails, phones = people[person]
            if rng.random() < 0.04:
                emails.append(f"alt{index}@{rng.choice(domains)}")
            if rng.random() < 0.03:
                phones.append(str(rng.randrange(2_000_000_000, 9_999_999_999)))
        emails, phones = people[person]
        email = rng.choice(emails)
        phone = rng.choice(phones)
        roll = rng.random()
        if roll < 0.001:
            lines.append('{"email": "not an email"}' if rng.random() < 0.5 else "{broken json")
            continue
        request: dict[str, object] = {}
        if roll < 0.90:
            request["email"] = email.upper() if rng.random() < 0.05 else email
        if roll >= 0.10:
            style = rng.random()
            if style < 0.1:
                request["phoneNumber"] = int(phone)
            elif style < 0.2:
                request["phoneNumber"] = f"{phone[:3]}-{phone[3:6]}-{phone[6:]}"
            else:
                request["phoneNumber"] = phone
        lines.append(json.dumps(request, separators=(",", ":")))
        if len(lines) >= 10_000:
            out.write("\n".join(lines) + "\n")
            lines.clear()
    if lines:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
