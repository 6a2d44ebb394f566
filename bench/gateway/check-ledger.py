#!/usr/bin/env python3
"""After one of our gateway figures: through the node's HTTP API, every limited scope's spent (GET /v1/budgets) equals
the ledger's cost charged to it (GET /v1/reports/spend?group_by=scope), and spent (and spent + reserved) <= limit.
Prints one markdown row; exits 1 on any mismatch.

What is still reserved is reported, not failed: wrk stops at its deadline with requests in flight and drops their
connections, and a request aborted that way can leave its reservation pending until the reservation TTL settles it
(conservatively, as spent at the worst case, flagged unreconciled). That holds head-room; it cannot overspend.
   check-ledger.py BASE_URL ADMIN_TOKEN FIGURE"""
import datetime
import json
import sys
import time
import urllib.request
from collections import defaultdict
from decimal import Decimal

base, token, figure = sys.argv[1], sys.argv[2], sys.argv[3]


def get(path):
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.headers, json.loads(response.read(), parse_float=Decimal, parse_int=Decimal)


# wrk stops with requests in flight; the node finishes (or releases) most of them a moment later.
deadline = time.monotonic() + 5
while True:
    _, budgets = get("/v1/budgets")
    reserved = sum(Decimal(w["reserved_cents"]) for b in budgets for w in b["windows"])
    if reserved == 0 or time.monotonic() > deadline:
        break
    time.sleep(0.5)

now = datetime.datetime.now(datetime.timezone.utc)
span = "from={}&to={}".format((now - datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                              (now + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))
headers, rows = get("/v1/reports/spend?group_by=scope&bucket=day&" + span)
ledger, invocations = defaultdict(Decimal), defaultdict(Decimal)
for row in rows:
    ledger[row["key"]] += Decimal(row["spent_cents"])
    invocations[row["key"]] += Decimal(row["invocations"])

failures = []
if headers.get("X-Report-Truncated") == "true":
    failures.append("the spend report was truncated; the ledger cannot be summed through it")
spent = total = held = Decimal(0)
highest = Decimal(0)
for budget in budgets:
    scope = budget["scope"]
    for window in budget["windows"]:
        if window["window"] != "total":
            failures.append(f"{scope}: a {window['window']} window; the bench limits total windows only, so the report sums the same entries")
        s, r, limit = Decimal(window["spent_cents"]), Decimal(window["reserved_cents"]), Decimal(window["limit_cents"])
        spent, total, held = spent + s, total + ledger[scope], held + r
        if limit > 0:
            highest = max(highest, s / limit)
        if s != ledger[scope]:
            failures.append(f"{scope}: the governor's spent {s}¢ is not the ledger's {ledger[scope]}¢")
        if s > limit + Decimal(budget.get("overdraft_cents", 0)):
            failures.append(f"{scope}: OVERSPENT, {s}¢ of {limit}¢")
        elif s + r > limit + Decimal(budget.get("overdraft_cents", 0)):
            failures.append(f"{scope}: spent {s}¢ + reserved {r}¢ is past the {limit}¢ limit")
if not budgets:
    failures.append("no limited scope to check")

calls = max((invocations[b["scope"]] for b in budgets), default=0)
result = "ok" if not failures else "**FAILED**: " + "; ".join(failures[:3])
print(f"| {figure} | {len(budgets)} | {calls:,} | {spent:.4f} | {total:.4f} | {held} | {highest:.2%} | {result} |")
for failure in failures:
    print(f"gateway check FAILED: {figure}: {failure}", file=sys.stderr)
sys.exit(1 if failures else 0)
