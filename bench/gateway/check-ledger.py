#!/usr/bin/env python3
"""After one of our gateway figures: through the node's HTTP API, every limited scope's spent (GET /v1/budgets) equals
the ledger's cost charged to it (GET /v1/reports/spend?group_by=scope), and spent (and spent + reserved) <= limit.
Prints one markdown row; exits 1 on any mismatch.

What is still reserved is reported, not failed: budget slices' leases stay reserved until their slices end (2 s after
they were leased), and requests wrk cut off at its deadline are released a moment later. Held head-room cannot overspend.
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

# The report sums at most a fixed number of ledger entries per request, and a gateway target answers thousands of
# requests a second: the node's ledger is summed in consecutive 5-second spans (none near the cap) over the last
# half hour, each span [from, to) so no entry is counted twice.
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(seconds=5)
ledger, invocations = defaultdict(Decimal), defaultdict(Decimal)
failures = []
start = now - datetime.timedelta(minutes=30)
while start < now:
    end = start + datetime.timedelta(seconds=5)
    span = "from={}&to={}".format(start.strftime("%Y-%m-%dT%H:%M:%SZ"), end.strftime("%Y-%m-%dT%H:%M:%SZ"))
    headers, rows = get("/v1/reports/spend?group_by=scope&bucket=day&" + span)
    if headers.get("X-Report-Truncated") == "true":
        failures.append(f"the spend report of {span} was truncated; the ledger cannot be summed through it")
    for row in rows:
        ledger[row["key"]] += Decimal(row["spent_cents"])
        invocations[row["key"]] += Decimal(row["invocations"])
    start = end
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
