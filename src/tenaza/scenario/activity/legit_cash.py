"""The legitimate background of bank activity: card purchases, payroll, bills, cash, checks,
domestic wires, transfers between own accounts and remittances to Mexico.

Fully vectorised: a batch of n rows is drawn channel by channel with numpy. Amount
distributions are lognormal per channel (no public micro-data exists to calibrate them; the
parameters are in docs/scenario.md). Cash-heavy businesses deposit large sums, some of them
just under $10,000 and some over, and people deposit cash too, so that the threshold region is
populated by honest activity and a structuring detector has to look at patterns, not at amounts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tenaza.scenario.activity.frame import CH, TXN_COLUMNS, Batch, make
from tenaza.scenario.world.accounts import COMPANY, MSB, MX, PERSON, US, Accounts
from tenaza.scenario.world.memos import Memos

SYSTEM_SHARE = (0.62, 0.35, 0.03)  # US banks, Mexican banks, the money transmitter
CHANNEL_MIX = {
    US: {"card": .36, "ach": .17, "cash_withdrawal": .10, "cash_deposit": .08, "check": .07,
         "internal_transfer": .06, "wire": .03, "payroll": .13},
    MX: {"card": .30, "wire": .20, "cash_withdrawal": .14, "cash_deposit": .10, "ach": .06, "check": .03,
         "internal_transfer": .05, "payroll": .12},
}
# (log-mean in USD, log-sd) of the amount of each kind of legitimate transaction
AMOUNT = {"card": (np.log(45), 0.9), "ach": (np.log(140), 0.9), "payroll": (np.log(1400), 0.45),
          "cash_withdrawal": (np.log(140), 0.8), "cash_deposit": (np.log(450), 1.1),
          "cash_deposit_business": (np.log(2600), 0.95), "check": (np.log(700), 1.0),
          "internal_transfer": (np.log(400), 1.0), "wire": (np.log(14000), 1.2), "msb_transfer": (np.log(330), 0.55)}


@dataclass
class Draw:
    idx: np.ndarray
    cdf: np.ndarray

    @classmethod
    def of(cls, idx: np.ndarray, weight: np.ndarray) -> Draw:
        if len(idx) == 0:
            raise ValueError("empty account pool")
        c = np.cumsum(weight[idx])
        return cls(idx.astype(np.int32), c / c[-1])

    def __call__(self, rng: np.random.Generator, k: int) -> np.ndarray:
        return self.idx[np.minimum(np.searchsorted(self.cdf, rng.random(k)), len(self.idx) - 1)]


class LegitPools:
    """Which accounts take part in which kind of legitimate transaction."""

    def __init__(self, acc: Accounts, msb_recipient: np.ndarray) -> None:
        w = acc.weight
        person = acc.holder_kind == PERSON
        company = acc.holder_kind == COMPANY
        self.people = {s: Draw.of(np.flatnonzero(person & (acc.system == s)), w) for s in (US, MX)}
        self.firms = {s: Draw.of(np.flatnonzero(company & (acc.system == s)), w) for s in (US, MX)}
        self.heavy = {s: Draw.of(np.flatnonzero(company & acc.cash_heavy & (acc.system == s)), w) for s in (US, MX)}
        self.msb = Draw.of(np.flatnonzero(acc.system == MSB), w)
        self.msb_recipient = msb_recipient
        # Pairs of accounts of one holder at banks of one country (checking and savings).
        key = acc.holder.astype(np.int64) * 4 + acc.holder_kind * 2 + (acc.system == MX)
        order = np.argsort(key, kind="stable")
        same = key[order][1:] == key[order][:-1]
        self.pairs = np.stack([order[:-1][same], order[1:][same]], axis=1).astype(np.int32)


def legit_batch(pools: LegitPools, acc: Accounts, memos: Memos, n: int, day_index: np.ndarray, ts: np.ndarray,
                fx_day: np.ndarray, rng: np.random.Generator) -> Batch:
    """n legitimate transactions at the given times (day_index and ts are length n)."""
    system = rng.choice(3, n, p=SYSTEM_SHARE)
    frm = np.full(n, -1, np.int32)
    to = np.full(n, -1, np.int32)
    usd = np.zeros(n)
    channel = np.zeros(n, np.int8)
    memo = np.zeros(n, np.int32)
    for s in (US, MX):
        rows = np.flatnonzero(system == s)
        kinds = list(CHANNEL_MIX[s])
        kind = rng.choice(len(kinds), len(rows), p=np.array(list(CHANNEL_MIX[s].values())))
        for k, name in enumerate(kinds):
            r = rows[kind == k]
            m = len(r)
            if m == 0:
                continue
            ch = "ach" if name == "payroll" else name
            channel[r] = CH[ch]
            memo[r] = (memos.default_en if s == US else memos.default_es)[CH[ch]]
            mu, sd = AMOUNT[name]
            usd[r] = rng.lognormal(mu, sd, m)
            if name == "card":
                frm[r], to[r] = pools.people[s](rng, m), pools.heavy[s](rng, m)
            elif name == "ach":
                frm[r], to[r] = pools.people[s](rng, m), pools.firms[s](rng, m)
            elif name == "payroll":
                frm[r], to[r] = pools.firms[s](rng, m), pools.people[s](rng, m)
                memo[r] = memos.payroll_en if s == US else memos.payroll_es
            elif name == "cash_withdrawal":
                frm[r] = pools.people[s](rng, m)
                usd[r] = np.maximum(20, np.round(usd[r] / 20) * 20)
            elif name == "cash_deposit":
                biz = rng.random(m) < 0.35
                to[r] = np.where(biz, pools.heavy[s](rng, m), pools.people[s](rng, m))
                mu_b, sd_b = AMOUNT["cash_deposit_business"]
                usd[r] = np.where(biz, rng.lognormal(mu_b, sd_b, m), usd[r])
                usd[r] = np.where(rng.random(m) < 0.5, np.round(usd[r]), usd[r])  # cash often counts to whole dollars
            elif name == "check":
                frm[r], to[r] = pools.people[s](rng, m), np.where(rng.random(m) < 0.5, pools.people[s](rng, m),
                                                                   pools.firms[s](rng, m))
            elif name == "internal_transfer":
                pick = pools.pairs[rng.integers(0, len(pools.pairs), m)] if len(pools.pairs) else np.zeros((m, 2))
                flip = rng.random(m) < 0.5
                frm[r] = np.where(flip, pick[:, 0], pick[:, 1])
                to[r] = np.where(flip, pick[:, 1], pick[:, 0])
            elif name == "wire":
                frm[r], to[r] = pools.firms[s](rng, m), pools.firms[s](rng, m)
    r = np.flatnonzero(system == MSB)
    frm[r] = pools.msb(rng, len(r))
    to[r] = pools.msb_recipient[frm[r]]
    channel[r] = CH["msb_transfer"]
    memo[r] = memos.default_en[CH["msb_transfer"]]
    usd[r] = rng.lognormal(*AMOUNT["msb_transfer"], len(r))
    usd = np.round(usd, 2)
    acting = np.where(frm >= 0, frm, to)
    currency = acc.currency[acting]
    amount = np.where(currency == 1, np.round(usd * fx_day, 2), usd)
    cash_mx = (currency == 1) & np.isin(channel, (CH["cash_withdrawal"],))
    amount = np.where(cash_mx, np.maximum(100, np.round(amount / 100) * 100), amount)
    place = acc.place[acting]
    return make(TXN_COLUMNS, n, ts=ts, from_acc=frm, to_acc=to, amount=amount, currency=currency,
                amount_usd=np.where(currency == 1, np.round(amount / fx_day, 2), amount), channel=channel,
                place=place, memo=memo, truth=-1)
