#!/usr/bin/env python3
"""A year of a team's ledger rows as JSON Lines, the shape Export-TokenUsage writes from
`Get-TokenUsage -Ledger ... -Detailed` and `Sync-TokenUsage -InputFile` reads (stdlib only, deterministic).

  gen-ledger-rows.py --out team.jsonl --users 20 --days 365 --per-day 150 [--seed 7]

Each user works on 2 machines and 4 branches, with a mix of Claude models (transcript responses)
and a few Codex/Gemini log records. Prints the row count and the total tokens (ground truth)."""
import argparse, datetime, json, random

MODELS = [("claude-sonnet-4-5-20250929", 3e-6, 15e-6), ("claude-opus-4-5-20251101", 5e-6, 25e-6), ("claude-haiku-4-5-20251001", 1e-6, 5e-6)]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--per-day", type=int, default=150, help="responses per user per working day")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    start = datetime.datetime(2025, 10, 1, tzinfo=datetime.timezone.utc)
    rows = tokens = 0
    with open(a.out, "w", encoding="utf-8") as f:
        for u in range(a.users):
            user = "dev%02d" % u
            for d in range(a.days):
                day = start + datetime.timedelta(days=d)
                if day.weekday() >= 5:
                    continue
                session = "%s-%d" % (user, d)
                branch = "feature/%d" % rnd.randrange(4) if rnd.random() < 0.7 else "main"
                for i in range(a.per_day):
                    model, pin, pout = MODELS[rnd.randrange(3)]
                    inp, out, cw, cr = rnd.randrange(1, 50), rnd.randrange(50, 4000), rnd.randrange(0, 20000), rnd.randrange(0, 150000)
                    total = inp + out + cw + cr
                    cost = round(inp * pin + out * pout + cw * pin * 1.25 + cr * pin * 0.1, 9)
                    ts = day + datetime.timedelta(hours=8, seconds=i * 180 + rnd.randrange(60))
                    f.write(json.dumps({"RowKey": "transcript:msg_%s_%d:req_%s_%d" % (session, i, session, i), "Source": "Transcript",
                        "Timestamp": ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "User": user, "Machine": "%s-box%d" % (user, d % 2),
                        "Agent": "claude-code", "Model": model, "SessionId": session, "Project": "shop", "GitBranch": branch,
                        "InputTokens": inp, "OutputTokens": out, "CacheCreationTokens": cw, "CacheReadTokens": cr, "TotalTokens": total,
                        "CostUsd": cost, "Precision": "Exact", "CostPrecision": "Exact"}) + "\n")
                    rows += 1
                    tokens += total
    print(json.dumps({"rows": rows, "total_tokens": tokens}))

if __name__ == "__main__":
    main()
